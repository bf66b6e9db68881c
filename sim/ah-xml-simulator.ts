import { createServer, type IncomingMessage, type Server } from 'node:http'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'
import type { GatewayNoticeItemV1 } from '../contracts/gateway-notice-item-v1.js'
import { AdapterError } from '../adapters/types.js'
import { HEALTH_PATH, RECEIVE_PATH } from '../adapters/ah-xml/ah-xml-adapter.js'
import { EXPORT_CODES, KIND_CODES, RESULT_CODES, RESULT_TEXT, kindOfCode } from '../adapters/ah-xml/ah-xml-codes.js'
import type { AhElement } from '../adapters/ah-xml/ah-xml-codec.js'
import { sm3Hex } from '../adapters/ah-xml/ah-xml-crypto.js'
import { AhRefusal, beijingTime, openPayload, parsePayload, readMessage, sealMessage, type OpenedMessage } from '../adapters/ah-xml/ah-xml-envelope.js'
import { ahKeys, mirrored } from '../adapters/ah-xml/ah-xml-keys.js'
import { buildExportPage, EXPORT_PATH, parseExportQuery, QUERY_ROOT } from '../adapters/ah-xml/ah-xml-export.js'
import { fromNative } from '../adapters/ah-xml/ah-xml-mapping.js'
import { buildReceipt, type AhReceipt, type AhRecordError } from '../adapters/ah-xml/ah-xml-receipt.js'
import { pageByKey, readCursor, splitKey } from './key-cursor.js'
import { readBody } from './read-body.js'
import { listenRestartable } from './restartable-server.js'
import { jtiOfNativeId } from '../adapters/native-message-id.js'

/**
 * How the simulated Anhui platform misbehaves. Beyond what every platform can do: `duplicate`
 * answers 0001 (already had it) without applying, `busy` answers E500 inside an HTTP 200 as its
 * front-end processor does, `partial-reject` applies all records but the last and answers E202.
 */
export type AhFailureMode = 'none' | 'error-500' | 'hang' | 'slow' | 'reject-400' | 'invalid-receipt' | 'duplicate' | 'busy' | 'partial-reject'

/** What the platform stores of one list entry: its native records (名单发布 and 名单移出). */
export interface AhStoredEntry {
  version: number
  removed: boolean
  /** The latest MDFB record applied, if any. */
  record?: AhElement
  /** The MDYC record that removed it. */
  removal?: AhElement
  /** Measures suspended by an objection (YYSQ until its YYCL). */
  suspended?: boolean
}

/** A running simulated Anhui platform: its addresses, its native storage and its controls. */
export interface AhXmlSimulator {
  id: string
  url: string
  /** Where messages go (the adapter's `endpoint`) and the health check. */
  endpoint: string
  healthUrl: string
  failure: AhFailureMode
  /** List entries by `SJLY:TMBH`, as native records. */
  entries: Map<string, AhStoredEntry>
  /** Every other record applied (cases, feedback, objections), native, with its message. */
  records: Array<{ XXID: string, XXLX: string, record: AhElement }>
  /** Every message received and the result code it was answered with. */
  received: Array<{ at: string, XXID?: string, DM: string }>
  /** The jti of every message applied (its XXID less the `<origin>.`: jtiOfNativeId), once per time it was applied (a
   * duplicate is not). */
  messagesApplied: string[]
  /** An entry mapped back to the contract's shape (the removed entry keeps its last content). */
  held: (owner: string, entryId: string) => { item: unknown, removed: boolean } | undefined
  /** The gateway notices applied (WGTZ records), mapped back to the contract's shape, in arrival order. */
  notices: () => GatewayNoticeItemV1[]
  appliedCount: (jti: string) => number
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

const MAX_BODY = 16 * 1024 * 1024

const refusal = (code: string, message: string, extra: Partial<AhReceipt> = {}): AhReceipt =>
  ({ DM: code, XX: `${RESULT_TEXT[code] ?? ''}: ${message}`, CLSJ: beijingTime(), ...extra })

/** How the simulated platform is started: the keys as the gateway's config names them (ah-xml-keys.ts). */
export interface AhSimulatorOptions {
  /** The gateway's secrets for this platform (`SM4_KEY_OUT`, `SM4_KEY_IN`, `MAC_KEY_OUT`, `MAC_KEY_IN`): the platform
   * holds them mirrored. */
  secrets: Readonly<Record<string, string>>
  /** Speak the legacy protocol 1.0 (no MAC), as the gateway does with `ahXml.legacyCbc`. */
  legacy?: boolean
  id?: string
  port?: number
  host?: string
  senders?: readonly string[]
}

/**
 * The Anhui public credit platform's exchange interface as a real HTTP server (see
 * adapters/ah-xml/README.md): it holds the keys agreed with the gateway, authenticates every
 * message (SM3-HMAC) before it decrypts it and checks the SM3 digest, answers every failure of
 * those alike, validates each record against the interface's field tables, applies a message
 * once per XXID and a list entry only in a newer version, and answers FHJG receipts with its own
 * result codes. It can be stopped and restarted on the same port.
 */
export async function startAhXmlSimulator (opts: AhSimulatorOptions): Promise<AhXmlSimulator> {
  const id = opts.id ?? 'AH'
  const keys = mirrored(ahKeys(opts.secrets, id, opts.legacy === true))
  const senders = new Set(opts.senders ?? [GATEWAY_ID])
  const host = opts.host ?? '127.0.0.1'
  const applied = new Set<string>()

  const sim: AhXmlSimulator = {
    id,
    url: '',
    endpoint: '',
    healthUrl: '',
    failure: 'none',
    entries: new Map(),
    records: [],
    received: [],
    messagesApplied: [],
    held: (owner, entryId) => {
      const e = sim.entries.get(`${owner}:${entryId}`)
      if (e === undefined) return undefined
      const item = e.record !== undefined ? fromNative('list.upsert', e.record) : fromNative('list.remove', e.removal ?? {})
      return { item, removed: e.removed }
    },
    notices: () => sim.records.filter((r) => r.XXLX === KIND_CODES['gateway.notice']).map((r) => fromNative('gateway.notice', r.record)),
    appliedCount: (jti) => sim.messagesApplied.filter((j) => j === jti).length,
    stop: async () => { await net.stop() },
    restart: async () => { await net.restart() },
    close: async () => { await sim.stop() }
  }

  function store (xxid: string, xxlx: string, record: AhElement): void {
    const entryKey = `${String(record.SJLY)}:${String(record.TMBH)}`
    if (xxlx === KIND_CODES['objection.open'] || xxlx === KIND_CODES['objection.resolve']) {
      const current = sim.entries.get(entryKey)
      if (current !== undefined) sim.entries.set(entryKey, { ...current, suspended: xxlx === KIND_CODES['objection.open'] })
    }
    if (xxlx !== 'MDFB' && xxlx !== 'MDYC') { sim.records.push({ XXID: xxid, XXLX: xxlx, record }); return }
    const version = Number(record.BBH)
    const current = sim.entries.get(entryKey)
    // Never go back in versions; the same version again restores the owner's content (a reconciliation heal).
    if (current !== undefined && (current.version > version || (current.version === version && current.removed))) return
    const held: AhStoredEntry = xxlx === 'MDFB'
      ? { version, removed: false, record }
      : { version, removed: true, record: current?.record, removal: record }
    if (current?.suspended !== undefined) held.suspended = current.suspended
    sim.entries.set(entryKey, held)
  }

  /**
   * One page of the live entries of a list (README, "Export"): the query arrives sealed as any
   * message (MDDC), the page leaves sealed the same way (MDDCJG), each entry's 名单发布 record as held.
   */
  async function exportPage (req: IncomingMessage): Promise<[number, string]> {
    const body = await readBody(req, MAX_BODY)
    if (body === undefined) return [413, buildReceipt(refusal(RESULT_CODES.MALFORMED, 'message larger than 16 MiB'))]
    if (sim.failure === 'error-500') return [500, buildReceipt(refusal(RESULT_CODES.BUSY, '内部错误'))]
    try {
      const msg = readMessage(body.toString('utf8'))
      const { XXID, XXLX, FSF, JSF } = msg.header
      if (!senders.has(FSF) || JSF !== id) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, 'FSF is not a registered sender or JSF is not this platform')
      if (XXLX !== EXPORT_CODES.query) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, `BT.XXLX must be ${EXPORT_CODES.query} here`)
      const q = parseExportQuery(openPayload(msg, keys.in))
      if (q.XXID !== XXID) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'DCCX.XXID differs from BT')
      const start = readCursor(q.YB)
      if (start === undefined) throw new AhRefusal(RESULT_CODES.FIELD_INVALID, `${QUERY_ROOT}.YB is not a cursor this platform gave`)
      const live = [...sim.entries].filter(
        ([, e]) => !e.removed && e.record !== undefined && e.record.SJLY === q.SJLY && e.record.MDDM === q.MDDM
      )
      const { page, total, next } = pageByKey(live, ([key]) => splitKey(key), start, Number(q.MYTS))
      const items = page.map(([, e]) => ({ ZTBZ: e.suspended === true ? '1' as const : '0' as const, JL: e.record ?? {} }))
      const payloadXml = buildExportPage({ XXID, ZS: String(total), XYB: next ?? '', items })
      const sealed = sealMessage(
        {
          header: { XXID, XXLX: EXPORT_CODES.answer, FSF: id, JSF: FSF, SJ: beijingTime() },
          payloadXml,
          key: keys.out.enc,
          macKey: keys.out.mac
        }
      )
      return [200, sealed.body]
    } catch (err) {
      if (err instanceof AhRefusal) return [400, buildReceipt(refusal(err.code, err.message))]
      throw err
    }
  }

  /** Processes one message; returns the HTTP status and receipt, or undefined to never answer. */
  async function receive (req: IncomingMessage): Promise<[number, AhReceipt] | undefined> {
    const body = await readBody(req, MAX_BODY)
    if (body === undefined) return [413, refusal(RESULT_CODES.MALFORMED, 'message larger than 16 MiB')]
    const mode = sim.failure
    if (mode === 'hang') return undefined
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 300))
    if (mode === 'error-500') return [500, refusal(RESULT_CODES.BUSY, '内部错误')]
    if (mode === 'busy') return [200, refusal(RESULT_CODES.BUSY, '前置机队列已满')]
    if (!/xml/i.test(req.headers['content-type'] ?? '')) return [415, refusal(RESULT_CODES.MALFORMED, 'Content-Type must be application/xml')]
    let xml: string
    try {
      xml = new TextDecoder('utf-8', { fatal: true }).decode(body)
    } catch {
      return [400, refusal(RESULT_CODES.MALFORMED, 'the message is not UTF-8')]
    }
    const msg = readMessage(xml)
    if (mode === 'reject-400') return [400, refusal(RESULT_CODES.FIELD_INVALID, '记录未通过业务规则校验', { XXID: msg.header.XXID })]
    try {
      return apply(msg, mode)
    } catch (err) {
      if (err instanceof AhRefusal) return [400, refusal(err.code, err.message, { XXID: msg.header.XXID })]
      throw err
    }
  }

  /** Authenticates, decrypts, validates and applies one message read from the wire. */
  function apply (msg: OpenedMessage, mode: AhFailureMode): [number, AhReceipt] {
    const { XXID, XXLX, FSF, JSF } = msg.header
    if (!senders.has(FSF) || JSF !== id) throw new AhRefusal(RESULT_CODES.PARTY_UNKNOWN, 'FSF is not a registered sender or JSF is not this platform')
    const payload = parsePayload(openPayload(msg, keys.in))
    if (payload.XXID !== XXID || payload.XXLX !== XXLX) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.XXID or SJB.XXLX differs from BT')
    const ok = (code: string): [number, AhReceipt] => [200, { DM: code, XX: RESULT_TEXT[code] ?? '', XXID, ZY: msg.digest, CLSJ: beijingTime() }]
    if (applied.has(XXID) || mode === 'duplicate') return ok(RESULT_CODES.DUPLICATE)

    const kind = kindOfCode(XXLX)
    if (kind === undefined) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not supported')
    const errors: AhRecordError[] = []
    payload.records.forEach((record, i) => {
      try {
        fromNative(kind, record, i + 1)
        if (mode === 'partial-reject' && i === payload.records.length - 1) errors.push({ XH: String(i + 1), DM: RESULT_CODES.FIELD_INVALID, XX: '记录未通过业务规则校验' })
      } catch (err) {
        if (!(err instanceof AdapterError)) throw err
        errors.push({ XH: String(i + 1), DM: RESULT_CODES.FIELD_INVALID, XX: err.message })
      }
    })
    const partial = mode === 'partial-reject' && errors.length < payload.records.length
    if (errors.length > 0 && !partial) return [400, refusal(RESULT_CODES.FIELD_INVALID, `${errors.length} of ${payload.records.length} records invalid, none applied`, { XXID, CWLB: errors })]
    const refused = new Set(errors.map((e) => Number(e.XH) - 1))
    payload.records.forEach((record, i) => { if (!refused.has(i)) store(XXID, XXLX, record) })
    applied.add(XXID)
    sim.messagesApplied.push(jtiOfNativeId(payload.YSF, XXID))
    if (partial) return [200, refusal(RESULT_CODES.PARTIAL, `${errors.length} of ${payload.records.length} records refused, the others applied`, { XXID, ZY: msg.digest, CWLB: errors })]
    const [status, receipt] = ok(RESULT_CODES.OK)
    return [status, mode === 'invalid-receipt' ? { ...receipt, ZY: sm3Hex('something else') } : receipt]
  }

  const server: Server = createServer((req, res) => {
    const send = (status: number, receipt: AhReceipt): void => {
      sim.received.push(
        { at: new Date().toISOString(), DM: receipt.DM, ...(receipt.XXID === undefined ? {} : { XXID: receipt.XXID }) }
      )
      res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' }).end(buildReceipt(receipt))
    }
    const path = (req.url ?? '').split('?')[0]
    if (req.method === 'GET' && path === HEALTH_PATH) {
      const busy = sim.failure === 'error-500'
      res.writeHead(busy ? 503 : 200, { 'content-type': 'application/xml; charset=utf-8' })
        .end(buildReceipt(busy ? refusal(RESULT_CODES.BUSY, '服务不可用') : { DM: RESULT_CODES.OK, XX: '服务正常', CLSJ: beijingTime() }))
      return
    }
    if (req.method === 'POST' && path === EXPORT_PATH) {
      exportPage(req).then(([status, xml]) => { res.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' }).end(xml) },
        () => { res.writeHead(500, { 'content-type': 'application/xml; charset=utf-8' }).end(buildReceipt(refusal(RESULT_CODES.BUSY, '内部错误'))) })
      return
    }
    if (req.method === 'POST' && path === RECEIVE_PATH) {
      receive(req).then((answer) => {
        if (answer !== undefined) send(answer[0], answer[1])
      }, (err: unknown) => {
        if (err instanceof AhRefusal) send(400, refusal(err.code, err.message))
        else send(500, refusal(RESULT_CODES.BUSY, '内部错误'))
      })
      return
    }
    res.writeHead(404, { 'content-type': 'application/xml; charset=utf-8' }).end(buildReceipt(refusal(RESULT_CODES.MALFORMED, 'no such interface')))
  })
  const net = await listenRestartable(server, host, opts.port ?? 0)
  const port = net.port
  sim.url = `http://${host}:${port}`
  sim.endpoint = `${sim.url}${RECEIVE_PATH}`
  sim.healthUrl = `${sim.url}${HEALTH_PATH}`
  return sim
}

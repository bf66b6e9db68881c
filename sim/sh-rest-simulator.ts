import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { GatewayNoticeItemV1 } from '../contracts/gateway-notice-item-v1.js'
import type { ListRemoveItemV1 } from '../contracts/list-remove-item-v1.js'
import type { ListUpsertItemV1 } from '../contracts/list-upsert-item-v1.js'
import { fromNative, SH_RECORD_TYPES, type ShContractItem } from '../adapters/sh-rest/sh-rest-mapping.js'
import type { ShCreditList, ShListRemoval, ShRecord } from '../adapters/sh-rest/sh-rest-native.js'
import {
  SH_CODE_MESSAGES, SH_CODES, SH_EXPORT_PATH, SH_HEADERS, SH_HEALTH_PATH, SH_MSG_TYPES, SH_RECORDS_PATH,
  SH_TIMESTAMP_WINDOW_MS,
  type ShCode, type ShRejectedRecord, type ShResponse
} from '../adapters/sh-rest/sh-rest-protocol.js'
import { shBodyDigest, shSignature, shSignatureEquals, shStringToSign } from '../adapters/sh-rest/sh-rest-signature.js'
import { readBody } from './read-body.js'
import { pageByKey, readCursor, type PageStart } from './key-cursor.js'
import { listenRestartable } from './restartable-server.js'
import { jtiOfNativeId } from '../adapters/native-message-id.js'

/**
 * How the simulated Shanghai platform misbehaves. Besides the modes every simulator has,
 * `duplicate` applies the message and answers 3001 (as when a retrying proxy delivered it twice
 * and the first answer was lost), and `partial-reject` refuses the first record of each message
 * (2002) while storing the others.
 */
export type ShFailureMode = 'none' | 'error-500' | 'hang' | 'slow' | 'reject-400' | 'invalid-receipt' | 'duplicate' | 'partial-reject'

/** One request the platform answered (every attempt, refused ones included). */
export interface ShRequestLog {
  at: string
  msgId?: string
  nonce?: string
  timestamp?: string
  status: number
  code: string
}

/** What the platform holds of one list entry, in its own records. */
export interface ShHeldEntry {
  owner: string
  entryId: string
  version: number
  removed: boolean
  /** Measures suspended by an objection (OBJECTION_APPLY until OBJECTION_RESULT). */
  suspended?: boolean
  /** The last record applied: the entry itself, or its removal. */
  latest: ShCreditList | ShListRemoval
}

/** The first outcome of a message, repeated when the same msgId comes again (3001). */
interface MessageOutcome { accepted: number, bodyDigest: string, rejected: ShRejectedRecord[] }

/**
 * A simulated Shanghai public credit platform speaking its native REST/JSON interface
 * (adapters/sh-rest/README.md) as a real HTTP server: app keys with HMAC-SHA256 request
 * signatures, a 5-minute timestamp window, a nonce replay check, field validation through the
 * same mapping the adapter uses, each msgId applied once, list versions that never go back.
 */
export interface ShRestSimulator {
  id: string
  /** Base URL; `endpoint` is the records URL, `healthUrl` the health check. */
  url: string
  endpoint: string
  healthUrl: string
  failure: ShFailureMode
  /** The platform's clock minus the real one (to provoke 1002 from an honest client). */
  clockOffsetMs: number
  requests: ShRequestLog[]
  entries: Map<string, ShHeldEntry>
  /** Records of the other kinds, in arrival order, with the province they came from. */
  others: Array<{ sourceProvince: string, record: ShRecord }>
  /** The entry mapped back to the contract's shape (`item`), or undefined if never received. */
  held: (owner: string, entryId: string) => { item: ListUpsertItemV1 | ListRemoveItemV1, removed: boolean } | undefined
  /** The gateway notices applied (gatewayNotice records), mapped back to the contract's shape, in arrival order. */
  notices: () => GatewayNoticeItemV1[]
  /** How many times a message with this jti was applied (its msgId less the `<origin>.`; a duplicate is not applied
   * again). */
  appliedCount: (jti: string) => number
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

const BODY_LIMIT = 16 * 1024 * 1024

class Refusal extends Error {
  constructor (readonly code: ShCode, detail?: string, readonly status = 200) {
    super(detail === undefined ? SH_CODE_MESSAGES[code] : `${SH_CODE_MESSAGES[code]}: ${detail}`)
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name]
  return typeof v === 'string' && v !== '' ? v : undefined
}

export async function startShRestSimulator (
  opts: { apps: Readonly<Record<string, string>>, id?: string, port?: number, host?: string }
): Promise<ShRestSimulator> {
  const host = opts.host ?? '127.0.0.1'
  const nonces = new Map<string, number>()
  const outcomes = new Map<string, MessageOutcome>()
  const applied: string[] = []

  const sim: ShRestSimulator = {
    id: opts.id ?? 'SH',
    url: '',
    endpoint: '',
    healthUrl: '',
    failure: 'none',
    clockOffsetMs: 0,
    requests: [],
    entries: new Map(),
    others: [],
    held: (owner, entryId) => {
      const e = sim.entries.get(`${owner}:${entryId}`)
      if (e === undefined) return undefined
      const { item } = fromNative(e.latest) as { item: ListUpsertItemV1 | ListRemoveItemV1 }
      return { item, removed: e.removed }
    },
    notices: () => sim.others.map((o) => fromNative(o.record)).flatMap((m) => m.kind === 'gateway.notice' ? [m.item] : []),
    appliedCount: (jti) => applied.filter((m) => m === jti).length,
    stop: async () => { await net.stop() },
    restart: async () => { await net.restart() },
    close: async () => { await sim.stop() }
  }

  /** App key known, timestamp within the window, signature right, nonce new: in that order. */
  function authenticate (req: IncomingMessage, body: Buffer): void {
    const appKey = header(req, SH_HEADERS.appKey)
    const timestamp = header(req, SH_HEADERS.timestamp)
    const nonce = header(req, SH_HEADERS.nonce)
    const signature = header(req, SH_HEADERS.signature)
    const secret = appKey === undefined ? undefined : opts.apps[appKey]
    if (appKey === undefined || secret === undefined) throw new Refusal(SH_CODES.appKeyUnknown)
    const now = Date.now() + sim.clockOffsetMs
    if (timestamp === undefined || !/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > SH_TIMESTAMP_WINDOW_MS) {
      throw new Refusal(SH_CODES.timestampStale, `服务器时间 ${now}`)
    }
    if (nonce === undefined || !/^[\x21-\x7e]{16,64}$/.test(nonce) || signature === undefined) throw new Refusal(SH_CODES.signatureInvalid, '缺少随机数或签名')
    const expected = shSignature(secret, shStringToSign(req.method ?? '', req.url ?? '', timestamp, nonce, shBodyDigest(body)))
    if (!shSignatureEquals(expected, signature)) throw new Refusal(SH_CODES.signatureInvalid)
    for (const [k, until] of nonces) if (until < now) nonces.delete(k)
    const key = `${appKey}:${nonce}`
    if (nonces.has(key)) throw new Refusal(SH_CODES.nonceReused)
    nonces.set(key, now + 2 * SH_TIMESTAMP_WINDOW_MS)
  }

  /** Checks the message and every record; nothing is stored unless all records read. */
  function read (body: Buffer): {
    msgId: string, sourceProvince: string, items: Array<{ record: ShRecord, item: ShContractItem }>
  } {
    let msg: unknown
    try { msg = JSON.parse(body.toString('utf8')) } catch { throw new Refusal(SH_CODES.fieldInvalid, '报文不是合法的 JSON') }
    const m = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>
    if (typeof m.msgId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(m.msgId)) throw new Refusal(SH_CODES.fieldInvalid, 'msgId')
    const kind = Object.entries(SH_MSG_TYPES).find(
      ([, t]) => t === m.msgType
    )?.[0] as keyof typeof SH_MSG_TYPES | undefined
    if (kind === undefined) throw new Refusal(SH_CODES.fieldInvalid, 'msgType')
    if (typeof m.sourceProvince !== 'string' || !/^[A-Z][A-Z0-9]{1,15}$/.test(m.sourceProvince)) throw new Refusal(SH_CODES.fieldInvalid, 'sourceProvince')
    if (!Array.isArray(m.records) || m.records.length === 0 || m.records.length > 1000) throw new Refusal(SH_CODES.fieldInvalid, 'records')
    const items = m.records.map((record: unknown, i) => {
      let item: ShContractItem
      try { item = fromNative(record, `records[${i}]`) } catch (err) { throw new Refusal(SH_CODES.fieldInvalid, (err as Error).message) }
      if ((record as ShRecord).recordType !== SH_RECORD_TYPES[kind]) throw new Refusal(SH_CODES.fieldInvalid, `records[${i}].recordType 与 msgType 不符`)
      return { record: record as ShRecord, item }
    })
    return { msgId: m.msgId, sourceProvince: m.sourceProvince, items }
  }

  function store (sourceProvince: string, record: ShRecord): void {
    if (record.recordType === 'objection' || record.recordType === 'objectionResult') {
      const key = `${record.ownerProvince}:${record.recordId}`
      const current = sim.entries.get(key)
      if (current !== undefined) sim.entries.set(key, { ...current, suspended: record.recordType === 'objection' })
    }
    if (record.recordType !== 'creditList' && record.recordType !== 'listRemoval') {
      sim.others.push({ sourceProvince, record })
      return
    }
    const key = `${record.ownerProvince}:${record.recordId}`
    const current = sim.entries.get(key)
    // Never go back in versions; the same version again restores the owner's content (a reconciliation heal).
    if (
      current !== undefined && (
        current.version > record.recordVersion || (current.version === record.recordVersion && current.removed)
      )
    ) return
    const held: ShHeldEntry = { owner: record.ownerProvince, entryId: record.recordId, version: record.recordVersion, removed: record.recordType === 'listRemoval', latest: record }
    if (current?.suspended !== undefined) held.suspended = current.suspended
    sim.entries.set(key, held)
  }

  /**
   * One page of the live entries of a list, for reconciliation (sh-rest README, "Export"): after
   * the `cursor` the previous page gave (keyed, sim/key-cursor.ts), or, from a client that sends
   * no `cursor`, at `pageNo` (the old offset form).
   */
  function exportPage (req: IncomingMessage, send: (status: number, body: ShResponse) => void): void {
    authenticate(req, Buffer.alloc(0))
    const q = new URL(req.url ?? '', 'http://x').searchParams
    const cursor = q.get('cursor')
    const pageNo = Number(q.get('pageNo') ?? '1')
    const pageSize = Number(q.get('pageSize') ?? '1000')
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new Refusal(SH_CODES.fieldInvalid, 'pageSize')
    if (cursor === null && (!Number.isInteger(pageNo) || pageNo < 1)) throw new Refusal(SH_CODES.fieldInvalid, 'pageNo')
    const start: PageStart | undefined = cursor === null ? { kind: 'offset', offset: (pageNo - 1) * pageSize } : readCursor(cursor)
    if (start === undefined) throw new Refusal(SH_CODES.fieldInvalid, 'cursor')
    const live = [...sim.entries.values()].filter((e) => !e.removed && e.owner === q.get('ownerProvince') &&
      e.latest.recordType === 'creditList' && e.latest.listTypeCode === q.get('listTypeCode'))
    const { page, total, next } = pageByKey(live, (e) => [e.owner, e.entryId], start, pageSize)
    const items = page.map((e) => ({ suspendFlag: e.suspended === true ? '1' : '0', record: e.latest }))
    const data = { ...(cursor === null ? { pageNo } : {}), pageSize, total, nextCursor: next, items }
    send(200, { code: SH_CODES.ok, message: SH_CODE_MESSAGES[SH_CODES.ok], data } as unknown as ShResponse)
  }

  /** Applies a message once per msgId; a repeat is answered 3001 with the first outcome. */
  function process (body: Buffer): ShResponse {
    const { msgId, sourceProvince, items } = read(body)
    const seen = outcomes.get(msgId)
    if (seen !== undefined) {
      return { code: SH_CODES.duplicate, message: SH_CODE_MESSAGES[SH_CODES.duplicate], data: { msgId, ...seen } }
    }
    const rejected: ShRejectedRecord[] = sim.failure === 'partial-reject' ? [{ index: 0, code: 'E203', reason: '主体名称与登记信息不符' }] : []
    items.forEach(({ record }, i) => { if (!rejected.some((r) => r.index === i)) store(sourceProvince, record) })
    const outcome: MessageOutcome = {
      accepted: items.length - rejected.length, bodyDigest: shBodyDigest(body), rejected
    }
    outcomes.set(msgId, outcome)
    applied.push(jtiOfNativeId(sourceProvince, msgId))
    if (rejected.length > 0) {
      return {
        code: SH_CODES.partialReject, message: SH_CODE_MESSAGES[SH_CODES.partialReject], data: { msgId, ...outcome }
      }
    }
    const ok: ShResponse = {
      code: SH_CODES.ok,
      message: SH_CODE_MESSAGES[SH_CODES.ok],
      data: { msgId, accepted: outcome.accepted, bodyDigest: outcome.bodyDigest }
    }
    if (sim.failure === 'invalid-receipt') return { ...ok, data: { ...ok.data, bodyDigest: shBodyDigest('something else') } }
    if (sim.failure === 'duplicate') return process(body)
    return ok
  }

  async function onRecords (
    req: IncomingMessage, send: (status: number, body: ShResponse) => void, log: ShRequestLog
  ): Promise<void> {
    const body = await readBody(req, BODY_LIMIT)
    if (sim.failure === 'hang') return // never answers; the client times out
    if (sim.failure === 'slow') await new Promise((resolve) => setTimeout(resolve, 300))
    if (sim.failure === 'error-500') throw new Refusal(SH_CODES.busy, undefined, 500)
    if (body === undefined) throw new Refusal(SH_CODES.fieldInvalid, '报文过大', 413)
    authenticate(req, body)
    if (sim.failure === 'reject-400') throw new Refusal(SH_CODES.fieldInvalid, '业务规则校验未通过')
    const answer = process(body)
    log.msgId = answer.data?.msgId
    send(200, answer)
  }

  const server: Server = createServer((req, res: ServerResponse) => {
    const log: ShRequestLog = { at: new Date().toISOString(), nonce: header(req, SH_HEADERS.nonce), timestamp: header(req, SH_HEADERS.timestamp), status: 0, code: '' }
    const send = (status: number, body: ShResponse): void => {
      log.status = status
      log.code = body.code
      sim.requests.push(log)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
    }
    const path = (req.url ?? '').split('?')[0]
    if (req.method === 'GET' && path === SH_HEALTH_PATH) {
      if (sim.failure === 'error-500') send(503, { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy] })
      else send(200, { code: SH_CODES.ok, message: SH_CODE_MESSAGES[SH_CODES.ok], data: { status: 'UP', serverTime: new Date(Date.now() + sim.clockOffsetMs).toISOString() } })
      return
    }
    if (req.method === 'GET' && path === SH_EXPORT_PATH) {
      try { exportPage(req, send) } catch (err) {
        if (err instanceof Refusal) send(err.status, { code: err.code, message: err.message })
        else send(500, { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy] })
      }
      return
    }
    if (req.method === 'POST' && path === SH_RECORDS_PATH) {
      onRecords(req, send, log).catch((err: unknown) => {
        if (err instanceof Refusal) send(err.status, { code: err.code, message: err.message })
        else send(500, { code: SH_CODES.busy, message: SH_CODE_MESSAGES[SH_CODES.busy] })
      })
      return
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code: '404', message: '接口不存在' }))
  })
  const net = await listenRestartable(server, host, opts.port ?? 0)
  const port = net.port
  sim.url = `http://${host}:${port}`
  sim.endpoint = sim.url + SH_RECORDS_PATH
  sim.healthUrl = sim.url + SH_HEALTH_PATH
  return sim
}

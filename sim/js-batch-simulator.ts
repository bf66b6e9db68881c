import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { GatewayNoticeItemV1 } from '../contracts/gateway-notice-item-v1.js'
import type { JsRow } from '../adapters/js-batch/js-batch-columns.js'
import { encodeExportFile, JS_EXPORT_HEADERS, JS_EXPORT_PATH } from '../adapters/js-batch/js-batch-export.js'
import { batchSm3, decodeBatchFile, JsBatchFileError, type JsBatchFile } from '../adapters/js-batch/js-batch-file.js'
import { fromNative, type JsItem } from '../adapters/js-batch/js-batch-mapping.js'
import type { JsBatchStatus, JsRowResult } from '../adapters/js-batch/js-batch-result.js'
import { AdapterError } from '../adapters/types.js'
import { checkIdNumber } from '../src/identifiers/id-number.js'
import { checkUscc } from '../src/identifiers/uscc.js'
import { pageByKey, readCursor, splitKey } from './key-cursor.js'
import { readBody } from './read-body.js'
import { listenRestartable } from './restartable-server.js'
import { jtiOfNativeId } from '../adapters/native-message-id.js'

/**
 * How the simulated Jiangsu platform misbehaves: the modes every simulated platform has, plus
 * `partial-reject` (the 2nd row of each batch processed is rejected) and `stall` (batches are
 * taken but never finish processing while the mode lasts).
 */
export type JsBatchFailureMode = 'none' | 'error-500' | 'hang' | 'slow' | 'reject-400' | 'invalid-receipt' | 'duplicate' | 'partial-reject' | 'stall'

/** A batch as the platform keeps it: its rows and, once processed, the verdict on each. */
export interface JsBatchRecord {
  batchId: string
  origin: string
  sm3: string
  receivedAt: string
  rows: JsRow[]
  status: 'PROCESSING' | 'DONE'
  results?: JsRowResult[]
}

/** A list entry as the platform holds it: the native row of its latest version. */
export interface JsHeldEntry {
  version: number
  removed: boolean
  row: JsRow
  /** Measures suspended by an objection (数据类型 05 until its 06). */
  suspended?: boolean
}

/** The simulated Jiangsu credit platform (信用江苏) and its batch interface, as this project assumes it
 * (adapters/js-batch/README.md). */
export interface JsBatchSimulator {
  url: string
  failure: JsBatchFailureMode
  /** Every upload request that passed authentication (re-uploads included). */
  uploads: Array<{ batchId: string, at: string }>
  batches: Map<string, JsBatchRecord>
  /** List entries by `${owner}:${entryId}`. */
  entries: Map<string, JsHeldEntry>
  /** Every accepted row of another kind (notices, feedback, objections), in arrival order. */
  records: Array<{ batchId: string, seq: number, row: JsRow }>
  /** The jti of every batch applied (its batch id less the `<origin>.`: jtiOfNativeId), once per time it was applied.
   */
  messagesApplied: string[]
  held: (owner: string, entryId: string) => { item: unknown, removed: boolean } | undefined
  /** The gateway notices applied (数据类型 07), mapped back to the contract's shape, in arrival order. */
  notices: () => GatewayNoticeItemV1[]
  appliedCount: (jti: string) => number
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

export interface JsBatchSimulatorOptions {
  /** The token uploads must carry in `X-JS-Token`. */
  token: string
  port?: number
  host?: string
  /** How long processing a batch takes, a random time between the two (ms); default 50–200. */
  processingMs?: [number, number]
  /** Extra delay in `slow` mode (ms); default 300. */
  slowMs?: number
}

const MAX_BODY = 32 * 1024 * 1024
const sha = (s: string): Buffer => createHash('sha256').update(s).digest()

/** The identifier checks the platform runs on a row before it applies it; a reason, or undefined. */
function identifierProblem (parsed: JsItem): string | undefined {
  const item = parsed.item as {
    subject?: { creditCode?: string, idNumber?: string, responsiblePersons?: Array<{ idNumber?: string }> },
    decision?: { authorityCode?: string }
  }
  const s = item.subject
  if (s?.creditCode !== undefined && checkUscc(s.creditCode) !== null) return '统一社会信用代码校验失败'
  if (s?.idNumber !== undefined && checkIdNumber(s.idNumber) !== null) return '身份证号码校验失败'
  if (s?.responsiblePersons?.some((p) => p.idNumber !== undefined && checkIdNumber(p.idNumber) !== null) === true) return '责任人身份证号码校验失败'
  if (item.decision?.authorityCode !== undefined && checkUscc(item.decision.authorityCode) !== null) return '认定部门统一社会信用代码校验失败'
  return undefined
}

/**
 * Starts the simulated Jiangsu platform: a real HTTP server speaking the batch file exchange of
 * adapters/js-batch/README.md. It checks the token, the content type, the SM3 digest and the file
 * (GB18030, header, 批次号, 记录序号), answers RECEIVED, processes the batch 50–200 ms later row by
 * row (identifier checks, list versions never going back), and answers the result. A batch id it
 * already has is never processed again: the upload answers where that batch stands.
 */
export async function startJsBatchSimulator (opts: JsBatchSimulatorOptions): Promise<JsBatchSimulator> {
  const host = opts.host ?? '127.0.0.1'
  const [minMs, maxMs] = opts.processingMs ?? [50, 200]
  const slowMs = opts.slowMs ?? 300
  const timers = new Set<NodeJS.Timeout>()
  const tokenHash = sha(opts.token)

  const sim: JsBatchSimulator = {
    url: '',
    failure: 'none',
    uploads: [],
    batches: new Map(),
    entries: new Map(),
    records: [],
    messagesApplied: [],
    held: (owner, entryId) => {
      const held = sim.entries.get(`${owner}:${entryId}`)
      return held === undefined ? undefined : { item: fromNative(held.row).item, removed: held.removed }
    },
    notices: () => sim.records.map((r) => fromNative(r.row)).flatMap((m) => m.kind === 'gateway.notice' ? [m.item] : []),
    appliedCount: (jti) => sim.messagesApplied.filter((j) => j === jti).length,
    stop: async () => { await net.stop() },
    restart: async () => { await net.restart() },
    close: async () => {
      for (const t of timers) clearTimeout(t)
      await sim.stop()
    }
  }

  function applyRow (batch: JsBatchRecord, row: JsRow, seq: number): JsRowResult {
    if (sim.failure === 'partial-reject' && seq === 2) return { seq, result: 'REJECTED', reason: '主体名称与统一社会信用代码登记信息不一致' }
    let parsed: JsItem
    try {
      parsed = fromNative(row)
    } catch (err) {
      if (err instanceof AdapterError) return { seq, result: 'REJECTED', reason: `数据格式错误：${err.message}` }
      throw err
    }
    const problem = identifierProblem(parsed)
    if (problem !== undefined) return { seq, result: 'REJECTED', reason: problem }
    if (parsed.kind === 'list.upsert' || parsed.kind === 'list.remove') {
      const key = `${parsed.item.owner}:${parsed.item.entryId}`
      const current = sim.entries.get(key)
      // Versions never go back; the same version again restores the owner's content (a reconciliation heal).
      if (
        current !== undefined && (
          current.version > parsed.item.version || (current.version === parsed.item.version && current.removed)
        )
      ) {
        return { seq, result: 'ACCEPTED', note: '版本号不高于平台现有版本，未更新' }
      }
      const held: JsHeldEntry = { version: parsed.item.version, removed: parsed.kind === 'list.remove', row }
      if (current?.suspended !== undefined) held.suspended = current.suspended
      sim.entries.set(key, held)
    } else {
      if (parsed.kind === 'objection.open' || parsed.kind === 'objection.resolve') {
        const key = `${parsed.item.owner}:${parsed.item.entryId}`
        const current = sim.entries.get(key)
        if (current !== undefined) sim.entries.set(key, { ...current, suspended: parsed.kind === 'objection.open' })
      }
      sim.records.push({ batchId: batch.batchId, seq, row })
    }
    return { seq, result: 'ACCEPTED' }
  }

  function process (batch: JsBatchRecord): void {
    if (sim.failure === 'stall') { schedule(batch); return }
    batch.results = batch.rows.map((row, i) => applyRow(batch, row, i + 1))
    batch.status = 'DONE'
    if (batch.results.some((r) => r.result === 'ACCEPTED')) sim.messagesApplied.push(jtiOfNativeId(batch.origin, batch.batchId))
  }

  function schedule (batch: JsBatchRecord): void {
    const delay = minMs + Math.random() * (maxMs - minMs) + (sim.failure === 'slow' ? slowMs : 0)
    const timer = setTimeout(() => { timers.delete(timer); process(batch) }, delay)
    timers.add(timer)
  }

  /** Where a batch stands; in `invalid-receipt` mode a DONE carries one verdict too many. */
  function statusOf (batch: JsBatchRecord): JsBatchStatus {
    if (batch.status !== 'DONE' || batch.results === undefined) return { batchId: batch.batchId, status: 'PROCESSING' }
    const rows = sim.failure === 'invalid-receipt' ? [...batch.results, { seq: batch.results.length + 1, result: 'ACCEPTED' as const }] : batch.results
    return { batchId: batch.batchId, status: 'DONE', rows }
  }

  const authorised = (req: IncomingMessage): boolean => {
    const given = req.headers['x-js-token']
    return typeof given === 'string' && timingSafeEqual(sha(given), tokenHash)
  }

  async function onUpload (req: IncomingMessage, send: Send): Promise<void> {
    const body = await readBody(req, MAX_BODY)
    if (sim.failure === 'hang') return // never answers; the gateway times out
    if (sim.failure === 'slow') await new Promise((resolve) => setTimeout(resolve, slowMs))
    if (sim.failure === 'error-500') { send(500, { code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' }); return }
    if (!authorised(req)) { send(401, { code: 'AUTH_FAILED', message: '令牌无效或缺失' }); return }
    if (body === undefined) { send(413, { code: 'FILE_TOO_LARGE', message: '批次文件超过32MB' }); return }
    const type = (req.headers['content-type'] ?? '').toLowerCase().replace(/\s/g, '')
    if (type !== 'text/csv;charset=gb18030') { send(415, { code: 'CONTENT_TYPE_INVALID', message: '仅接受text/csv; charset=GB18030' }); return }
    const batchId = req.headers['x-js-batch-id']
    if (typeof batchId !== 'string' || batchId === '') { send(400, { code: 'BATCH_ID_MISSING', message: '缺少X-JS-Batch-Id' }); return }
    const sm3 = batchSm3(body)
    if (req.headers['x-js-content-sm3'] !== sm3) { send(400, { code: 'DIGEST_MISMATCH', message: 'SM3摘要与文件内容不一致' }); return }
    if (sim.failure === 'reject-400') { send(400, { code: 'BATCH_REJECTED', message: '批次拒收：数据质量校验未通过' }); return }
    sim.uploads.push({ batchId, at: new Date().toISOString() })
    const known = sim.batches.get(batchId)
    if (known !== undefined) {
      if (sim.failure === 'duplicate') { send(409, { code: 'BATCH_DUPLICATE', message: '批次号重复，该批次已受理', batchId }); return }
      send(200, { ...statusOf(known), duplicate: true })
      return
    }
    let file: JsBatchFile
    try {
      file = decodeBatchFile(body)
    } catch (err) {
      if (err instanceof JsBatchFileError) { send(400, { code: err.code, message: err.message }); return }
      throw err
    }
    if (file.batchId !== batchId) { send(400, { code: 'BATCH_ID_MISMATCH', message: '文件批次号与X-JS-Batch-Id不一致' }); return }
    const batch: JsBatchRecord = { batchId, origin: file.origin, sm3, receivedAt: new Date().toISOString(), rows: file.rows, status: 'PROCESSING' }
    sim.batches.set(batchId, batch)
    schedule(batch)
    send(200, { batchId, status: 'RECEIVED' })
  }

  function onResult (req: IncomingMessage, batchId: string, send: Send): void {
    if (sim.failure === 'hang') return
    if (sim.failure === 'error-500') { send(500, { code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' }); return }
    if (!authorised(req)) { send(401, { code: 'AUTH_FAILED', message: '令牌无效或缺失' }); return }
    const batch = sim.batches.get(batchId)
    if (batch === undefined) { send(404, { code: 'BATCH_NOT_FOUND', message: '批次不存在' }); return }
    send(200, statusOf(batch))
  }

  /**
   * One page of the live entries of a list as an export file (README, "Export"): the 名单 rows as
   * held, the file's SM3 in `X-JS-Content-SM3`, suspended rows and the next cursor in headers.
   */
  function onExport (req: IncomingMessage, res: ServerResponse, send: Send): void {
    if (sim.failure === 'hang') return
    if (sim.failure === 'error-500') { send(500, { code: 'SYSTEM_ERROR', message: '系统繁忙，请稍后重试' }); return }
    if (!authorised(req)) { send(401, { code: 'AUTH_FAILED', message: '令牌无效或缺失' }); return }
    const q = new URL(req.url ?? '', 'http://x').searchParams
    const exportId = req.headers[JS_EXPORT_HEADERS.exportId]
    const owner = q.get('owner') ?? ''
    const listCode = q.get('listCode') ?? ''
    const cursor = q.get('cursor') ?? ''
    const limit = Number(q.get('limit') ?? '1000')
    if (typeof exportId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(exportId)) { send(400, { code: 'EXPORT_ID_MISSING', message: '缺少X-JS-Export-Id' }); return }
    const start = readCursor(cursor)
    if (owner === '' || listCode === '' || start === undefined || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      send(400, { code: 'QUERY_INVALID', message: 'owner、listCode必填，cursor须为上一页的X-JS-Next-Cursor，limit须为1至1000' })
      return
    }
    const live = [...sim.entries].filter(([, e]) => !e.removed && e.row.数据类型 === '01' && e.row.名单归属平台 === owner && e.row.名单代码 === listCode)
    const { page, total, next } = pageByKey(live, ([key]) => splitKey(key), start, limit)
    const file = encodeExportFile(exportId, owner, page.map(([, e]) => e.row))
    const headers: Record<string, string> = {
      'content-type': 'text/csv; charset=GB18030',
      'x-js-content-sm3': batchSm3(file),
      [JS_EXPORT_HEADERS.total]: String(total),
      [JS_EXPORT_HEADERS.suspended]: page.flatMap(([, e], i) => e.suspended === true ? [String(i + 1)] : []).join(',')
    }
    if (next !== null) headers[JS_EXPORT_HEADERS.next] = next
    res.writeHead(200, headers).end(file)
  }

  type Send = (status: number, body: unknown) => void
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send: Send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
    }
    const path = (req.url ?? '').split('?')[0] ?? ''
    const result = /^\/jsxy\/batch\/([^/]+)\/result$/.exec(path)
    if (req.method === 'GET' && path === '/jsxy/health') {
      send(sim.failure === 'error-500' ? 503 : 200, { status: sim.failure === 'error-500' ? 'DOWN' : 'UP', platform: 'JS' })
    } else if (req.method === 'GET' && path === JS_EXPORT_PATH) {
      onExport(req, res, send)
    } else if (req.method === 'POST' && path === '/jsxy/batch/upload') {
      onUpload(req, send).catch(() => { send(500, { code: 'SYSTEM_ERROR', message: '系统内部错误' }) })
    } else if (req.method === 'GET' && result !== null) {
      let batchId: string | undefined
      try { batchId = decodeURIComponent(result[1] ?? '') } catch { /* malformed escape */ }
      if (batchId === undefined) send(400, { code: 'BATCH_ID_INVALID', message: '批次号编码错误' })
      else onResult(req, batchId, send)
    } else {
      send(404, { code: 'NOT_FOUND', message: '接口不存在' })
    }
  })
  const net = await listenRestartable(server, host, opts.port ?? 0)
  const port = net.port
  sim.url = `http://${host}:${port}`
  return sim
}

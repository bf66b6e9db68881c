import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { AdapterError, type AdapterContext, type AdapterHealth, type Delivery, type DeliveryReceipt, type PlatformAdapter } from '../types.js'
import { ConfigError } from '../../config/config-error.js'
import { httpHealth, poolOptions, retryableStatus, statusCode } from '../http-failure.js'
import { platformRequest } from '../platform-request.js'
import { traceHeaders } from '../trace-headers.js'
import { nativeMessageId, nativeResendId } from '../native-message-id.js'
import type { JsRow } from './js-batch-columns.js'
import { jsExportClient } from './js-batch-export.js'
import { credentialsCheckBy, NO_LIST } from '../credentials-check.js'
import { batchSm3, encodeBatchFile } from './js-batch-file.js'
import { toNative } from './js-batch-mapping.js'
import { checkBatchDone, maskedRows, readBatchStatus, readErrorBody, scrubPlatformText, type JsBatchStatus } from './js-batch-result.js'

/** How often a batch's result is asked for while the platform processes it. */
export const POLL_INTERVAL_MS = 50
/** A batch may stay PROCESSING for this many request timeouts before the attempt gives up (retryably). */
export const POLL_BOUND_FACTOR = 3

interface Answer { status: number, text: string }

/** 5xx, 408 and 429 may pass later; any other refusal is the platform's final word. */
function refusal (what: string, answer: Answer): AdapterError {
  const body = readErrorBody(answer.text)
  const message = `${what}: platform answered ${answer.status} ${body.code}: ${scrubPlatformText(body.message)}`
  return new AdapterError(message, { code: statusCode(answer.status), retryable: retryableStatus(answer.status) })
}

/** Translates the items, naming the item (1-based, = 记录序号) a refusal is about. */
function rowsOf (d: Delivery): JsRow[] {
  return d.items.map((item, i) => {
    try {
      return toNative(d.kind, item)
    } catch (err) {
      if (err instanceof AdapterError) {
        throw new AdapterError(`item ${i + 1} cannot be sent to the batch interface: ${err.message}`, { code: err.code, retryable: false, cause: err })
      }
      throw err
    }
  })
}

/**
 * Jiangsu's batch file exchange (see README.md): each delivery becomes one GB18030 CSV batch whose
 * 批次号 is `<origin>.<jti>` (native-message-id.ts: stable across retries, apart from another
 * issuer's message under the same jti), uploaded to `/jsxy/batch/upload` with the platform token; the
 * platform processes it asynchronously and the adapter polls `/jsxy/batch/{batchId}/result` every
 * 50 ms until it is DONE, for at most `timeoutMs × 3`. A batch still processing then is a
 * retryable failure (the retry uploads the same batch id, which the platform answers with its
 * result so far). Rejected rows of a batch whose other rows were applied are the receipt's
 * `refused` items (partial acceptance); a batch all rejected, an invalid result and any 4xx are
 * permanent.
 *
 * Needs `secrets.TOKEN` (`GW_<ID>_TOKEN`). `endpoint` is the base the `/jsxy/...` paths hang off;
 * `healthUrl` defaults to `<endpoint>/jsxy/health`.
 */
export function createJsBatchAdapter (ctx: AdapterContext): PlatformAdapter {
  const secret = ctx.secrets.TOKEN
  if (secret === undefined || secret === '') {
    throw new ConfigError('environment', `GW_${ctx.platform.id}_TOKEN`,
      `js-batch adapter for platform ${ctx.platform.id} needs the secret TOKEN (environment variable GW_${ctx.platform.id}_TOKEN)`, 'SECRET_MISSING')
  }
  const token: string = secret
  const base = new URL(ctx.platform.endpoint)
  const prefix = base.pathname.replace(/\/+$/, '')
  const timeout = ctx.policy.timeoutMs
  const pool = new Pool(base.origin, poolOptions(ctx.policy))
  const healthUrl = new URL(ctx.platform.healthUrl ?? `${base.origin}${prefix}/jsxy/health`)

  async function call (method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
    const { status, text } = await platformRequest(pool, { method, path, headers, body, timeoutMs: timeout })
    return { status, text }
  }

  async function upload (batchId: string, file: Buffer, trace: Record<string, string>): Promise<JsBatchStatus> {
    const answer = await call('POST', `${prefix}/jsxy/batch/upload`, {
      'content-type': 'text/csv; charset=GB18030',
      'x-js-batch-id': batchId,
      'x-js-token': token,
      'x-js-content-sm3': batchSm3(file),
      ...trace
    }, file)
    // A platform that calls a re-upload a duplicate still has the batch: its result is what counts.
    if (answer.status === 409 && readErrorBody(answer.text).code === 'BATCH_DUPLICATE') return { batchId, status: 'RECEIVED', duplicate: true }
    if (answer.status < 200 || answer.status >= 300) throw refusal('batch upload', answer)
    return readBatchStatus(answer.text, batchId)
  }

  async function result (batchId: string): Promise<JsBatchStatus> {
    const answer = await call('GET', `${prefix}/jsxy/batch/${encodeURIComponent(batchId)}/result`, { 'x-js-token': token })
    if (answer.status === 404) {
      throw new AdapterError('batch result: the platform no longer knows the batch (BATCH_NOT_FOUND); it will be uploaded again',
        { code: 'ADAPTER_PENDING', retryable: true })
    }
    if (answer.status < 200 || answer.status >= 300) throw refusal('batch result', answer)
    return readBatchStatus(answer.text, batchId)
  }

  const exportList = jsExportClient(pool, prefix, token, timeout)
  return {
    name: 'js-batch',
    capabilities: { pull: false, export: true },
    exportList,
    // An export page, with the token, of a list no one keeps: the token checked, nothing read.
    credentialsCheck: credentialsCheckBy(async () => await exportList({ owner: ctx.platform.id, listCode: NO_LIST }, '', 1)),

    async deliver (d: Delivery): Promise<DeliveryReceipt> {
      const rows = rowsOf(d)
      // The platform answers a known batch id with its first result, whatever is sent: a resend
      // (after a rejected row was fixed at the platform) goes out as a new batch.
      const batchId = d.resends > 0 ? nativeResendId(d.origin, d.jti, d.resends) : nativeMessageId(d.origin, d.jti)
      const file = encodeBatchFile(batchId, d.origin, rows)
      let status = await upload(batchId, file, traceHeaders(d))
      const bound = timeout * POLL_BOUND_FACTOR
      const deadline = Date.now() + bound
      while (status.status !== 'DONE') {
        if (Date.now() >= deadline) {
          throw new AdapterError(`batch still ${status.status} after ${bound} ms; it will be asked for again`, { code: 'ADAPTER_PENDING', retryable: true })
        }
        await sleep(Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())))
        status = await result(batchId)
      }
      const refused = checkBatchDone(status.rows, rows.length)
      return {
        evidence: { ...status, rows: maskedRows(status.rows), sm3: batchSm3(file) },
        sentDigest: createHash('sha256').update(file).digest('base64url'),
        ...(refused.length > 0 ? { refused } : {})
      }
    },

    async health (): Promise<AdapterHealth> {
      return await httpHealth(healthUrl, timeout, healthUrl.origin === base.origin ? pool : undefined)
    },

    async close (): Promise<void> {
      await pool.close()
    }
  }
}

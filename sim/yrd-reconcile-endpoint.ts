import type { IncomingMessage, ServerResponse } from 'node:http'
import type { JWTVerifyGetKey } from 'jose'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'
import { checkReconcileRequest } from '../src/reconcile/reconcile-request.js'
import { RECONCILE_TYP, type ReconcileAnswerV1, type ReconcileExportPageV1 } from '../contracts/reconcile-v1.js'
import {
  decodeRequestV2, encodeAnswerV2, RECONCILE_V2_MEDIA, RECONCILE_V2_SIGNATURE_HEADER, RECONCILE_V2_TYP, WireError,
  type AnswerV2, type RecordV2
} from '../contracts/reconcile-v2.js'
import { answerRangeV2 } from '../src/reconcile/range-v2.js'
import { MemoryList } from './memory-list.js'
import { answerQuery } from './replica-answer.js'
import { ReplicaElementCache } from './replica-elements.js'
import { ExportSessions } from './replica-export.js'
import type { HeldEntry } from './replica-state.js'

const caches = new WeakMap<Map<string, HeldEntry>, {
  elements: ReplicaElementCache<HeldEntry>, exports: ExportSessions
}>()

/** What a reference-protocol replica answers on its reconciliation endpoint, per holdings map. */
function stateOf (held: Map<string, HeldEntry>): { elements: ReplicaElementCache<HeldEntry>, exports: ExportSessions } {
  let s = caches.get(held)
  if (s === undefined) {
    s = {
      elements: new ReplicaElementCache<HeldEntry>(
        (h) => (
          {
            owner: h.owner,
            entryId: h.entryId,
            version: h.version,
            removed: h.removed,
            suspended: h.suspended === true,
            item: h.item
          }
        ),
        (h) => [h.version, h.removed, h.suspended === true, h.item],
        (h, s) => h.version === s[0] && h.removed === s[1] && (h.suspended === true) === s[2] && h.item === s[3]),
      exports: new ExportSessions()
    }
    caches.set(held, s)
  }
  return s
}

/** Where a replica's answers come from: its holdings in memory, or its own store (sim/pg-replica-store.ts). */
export interface ReconcileSource {
  query: (
    owner: string, listCode: string, ranges: Array<[string, string]>, maxElements: number
  ) => Promise<ReconcileAnswerV1>
  exportPage: (owner: string, listCode: string, after: string, limit: number) => Promise<ReconcileExportPageV1>
  /** One version 2 round trip over list (owner, listCode). */
  rangeV2: (owner: string, listCode: string, records: RecordV2[]) => Promise<AnswerV2>
}

/** A replica's holdings in memory as a source of answers. */
export function memorySource (held: Map<string, HeldEntry>): ReconcileSource {
  const state = stateOf(held)
  return {
    query: async (owner, listCode, ranges, maxElements) =>
      answerQuery(state.elements.elements(held.values(), owner, listCode), ranges, maxElements),
    exportPage: async (owner, listCode, after, limit) =>
      state.exports.page(() => state.elements.elements(held.values(), owner, listCode), after, limit),
    rangeV2: async (owner, listCode, records) =>
      await answerRangeV2(new MemoryList(state.elements.elements(held.values(), owner, listCode)), records)
  }
}

// The simulator's answers to each refusal of checkReconcileRequest.
const SIM_REFUSALS = {
  typ: (typ: string) => ({ status: 400, error: typ === RECONCILE_V2_TYP ? 'not a version 2 reconciliation request' : 'not a reconciliation request' }),
  signature: () => ({ status: 401, error: 'request signature invalid' }),
  addressee: () => ({ status: 400, error: 'not addressed to this platform' }),
  expired: () => ({ status: 401, error: 'request expired' }),
  digest: () => ({ status: 401, error: 'body does not match the signed digest' })
}

/**
 * The claims of a request the gateway signed for this platform (`typ`, `iss` YRD, `aud`, not
 * expired, version 2: the body it names), or the answer refusing it: 401 for a signature that does
 * not verify, an expired request or another body, 400 for another `typ` or audience.
 */
async function gatewayClaims (
  jws: string, gatewayKeys: JWTVerifyGetKey, typ: string, platform: string, body?: Buffer
): Promise<{ claims: Record<string, unknown> } | { status: number, body: { error: string } }> {
  const rules = { typ, aud: platform, iss: GATEWAY_ID, clockSkewSeconds: 60, body }
  const checked = await checkReconcileRequest(jws, gatewayKeys, rules)
  if ('claims' in checked) return checked
  const { status, error } = SIM_REFUSALS[checked.refused](typ)
  return { status, body: { error } }
}

/**
 * The reference protocol's reconciliation endpoint, version 1 (`POST …/yrd/v1/reconcile`,
 * adapters/README.md "Reconciliation") over a replica's source of answers: verifies the gateway's
 * signature, `typ` and `aud`, then answers a `reconcile.query` (range fingerprints) or a
 * `reconcile.export` (a page).
 */
export async function answerYrdReconcileFrom (
  platform: string, source: ReconcileSource, gatewayKeys: JWTVerifyGetKey, jws: string
): Promise<{ status: number, body: unknown }> {
  const checked = await gatewayClaims(jws, gatewayKeys, RECONCILE_TYP, platform)
  if ('status' in checked) return checked
  const { claims } = checked
  const owner = String(claims.owner)
  const listCode = String(claims.listCode)
  if (claims.kind === 'reconcile.query' && Array.isArray(claims.ranges)) {
    const ranges = claims.ranges as Array<[string, string]>
    return { status: 200, body: await source.query(owner, listCode, ranges, Number(claims.maxElements ?? 32)) }
  }
  if (claims.kind === 'reconcile.export') {
    try {
      return { status: 200, body: await source.exportPage(owner, listCode, String(claims.after ?? ''), Number(claims.limit ?? 1000)) }
    } catch {
      return { status: 400, body: { error: 'unknown export cursor' } }
    }
  }
  return { status: 400, body: { error: 'unknown reconciliation request' } }
}

/**
 * Version 2 of the same endpoint (adapters/README.md, "Reconciliation, version 2"): the body is
 * binary records, the gateway's JWS in the `yrd-reconcile-signature` header names the body's
 * SHA-256. The answer is binary: `status` 200 with `bytes`, or an error as JSON.
 */
export async function answerYrdReconcileV2 (
  platform: string, source: ReconcileSource, gatewayKeys: JWTVerifyGetKey, signature: string | undefined, body: Buffer
): Promise<{ status: number, body?: unknown, bytes?: Buffer }> {
  const checked = await gatewayClaims(signature ?? '', gatewayKeys, RECONCILE_V2_TYP, platform, body)
  if ('status' in checked) return checked
  const { claims } = checked
  if (claims.kind !== 'reconcile.query') return { status: 400, body: { error: 'unknown reconciliation request' } }
  let records: RecordV2[]
  try {
    records = decodeRequestV2(body)
  } catch (err) {
    if (err instanceof WireError) return { status: 400, body: { error: `malformed request: ${err.message}` } }
    throw err
  }
  const answer = await source.rangeV2(String(claims.owner), String(claims.listCode), records)
  return { status: 200, bytes: encodeAnswerV2(answer.whole, answer.records) }
}

/**
 * Answers one `POST …/yrd/v1/reconcile` whose body has been read: version 2 when its content type
 * says so (415 where `speaksV2` is false, as a version-1-only platform), else version 1.
 */
export async function respondYrdReconcile (
  req: IncomingMessage, res: ServerResponse, body: Buffer,
  opts: { platform: string, source: ReconcileSource, gatewayKeys: JWTVerifyGetKey, speaksV2?: boolean }
): Promise<void> {
  const send = (status: number, answer: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  }
  if (req.headers['content-type'] === RECONCILE_V2_MEDIA) {
    if (opts.speaksV2 === false) { send(415, { error: 'version 1 only' }); return }
    const signature = req.headers[RECONCILE_V2_SIGNATURE_HEADER]
    const v2 = await answerYrdReconcileV2(opts.platform, opts.source, opts.gatewayKeys, typeof signature === 'string' ? signature : undefined, body)
    if (v2.bytes === undefined) send(v2.status, v2.body)
    else res.writeHead(200, { 'content-type': RECONCILE_V2_MEDIA }).end(v2.bytes)
    return
  }
  const answer = await answerYrdReconcileFrom(opts.platform, opts.source, opts.gatewayKeys, body.toString('utf8'))
  send(answer.status, answer.body)
}

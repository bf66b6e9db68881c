import { compactVerify, type JWTVerifyGetKey } from 'jose'
import { RECONCILE_TYP, type ReconcileAnswerV1, type ReconcileExportPageV1 } from '../contracts/reconcile-v1.js'
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
}

/** A replica's holdings in memory as a source of answers. */
export function memorySource (held: Map<string, HeldEntry>): ReconcileSource {
  const state = stateOf(held)
  return {
    query: async (owner, listCode, ranges, maxElements) =>
      answerQuery(state.elements.elements(held.values(), owner, listCode), ranges, maxElements),
    exportPage: async (owner, listCode, after, limit) =>
      state.exports.page(() => state.elements.elements(held.values(), owner, listCode), after, limit)
  }
}

/**
 * The reference protocol's reconciliation endpoint (`POST …/yrd/v1/reconcile`, adapters/README.md
 * "Reconciliation") over a replica's holdings: verifies the gateway's signature, `typ` and
 * `aud`, then answers a `reconcile.query` (range fingerprints) or a `reconcile.export` (a page).
 */
export async function answerYrdReconcile (
  platform: string, held: Map<string, HeldEntry>, gatewayKeys: JWTVerifyGetKey, jws: string
): Promise<{ status: number, body: unknown }> {
  return await answerYrdReconcileFrom(platform, memorySource(held), gatewayKeys, jws)
}

/** The same endpoint over any source of answers. */
export async function answerYrdReconcileFrom (
  platform: string, source: ReconcileSource, gatewayKeys: JWTVerifyGetKey, jws: string
): Promise<{ status: number, body: unknown }> {
  let claims: Record<string, unknown>
  try {
    const { payload, protectedHeader } = await compactVerify(jws, gatewayKeys, { algorithms: ['ES256', 'EdDSA'] })
    if (protectedHeader.typ !== RECONCILE_TYP) return { status: 400, body: { error: 'not a reconciliation request' } }
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
  } catch {
    return { status: 401, body: { error: 'request signature invalid' } }
  }
  const now = Math.floor(Date.now() / 1000)
  if (claims.aud !== platform || claims.iss !== 'YRD') return { status: 400, body: { error: 'not addressed to this platform' } }
  if (typeof claims.exp !== 'number' || claims.exp < now - 60) return { status: 401, body: { error: 'request expired' } }
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

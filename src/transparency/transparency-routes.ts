import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { PlatformIdV1, LocalIdV1 } from '../../contracts/common-v1.js'
import {
  CheckpointListV1, CheckpointV1, ConsistencyProofV1, InclusionProofV1, ListCodeV1, TransparencyLogListV1,
  type CheckpointListV1 as CheckpointList, type TransparencyLogListV1 as LogList
} from '../../contracts/transparency-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { latestCheckpoint, listCheckpoints, signCheckpoint } from './checkpoint-store.js'
import { listLogs } from './log-store.js'
import { consistencyProof, inclusionProof, requireLog } from './proof-service.js'
import { mayReadContent, type ScopeSource } from './salt-entitlement.js'

const READERS = ['platform', 'admin', 'operator', 'auditor'] as const
const Size = (description: string) => Type.Integer({ minimum: 0, maximum: 999_999_999_999_999, description })
const LogParams = Type.Object({ owner: PlatformIdV1, listCode: ListCodeV1 })
const TAGS = ['transparency']
const errors = { 400: ProblemV1, 401: ProblemV1, 403: ProblemV1, 404: ProblemV1 }

/**
 * `/v1/transparency/logs/...`: each list's (owner + listCode) append-only log of entry changes,
 * its signed checkpoints, and the RFC 6962 proofs a platform checks them with (`credit-gw
 * verify-proof`, or any RFC 6962 verifier).
 */
export const transparencyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const read = requireRoles(app, [...READERS])
  const scopes: ScopeSource = {
    get registries () { return app.config.registries },
    shareScopesOf: (platform) => app.config.platforms.find((p) => p.id === platform)?.shareScopes
  }

  app.get('/v1/transparency/logs', {
    preHandler: read,
    schema: {
      summary: 'Every list\'s transparency log: size, root and newest checkpoint',
      tags: TAGS,
      response: { 200: TransparencyLogListV1, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (): Promise<LogList> => {
    const logs = await listLogs(app.pg)
    return {
      logs: await Promise.all(logs.map(async (l) => {
        const cp = await latestCheckpoint(app.pg, l.id)
        return {
          owner: l.owner,
          listCode: l.listCode,
          treeSize: l.size,
          rootHash: l.rootHash?.toString('base64url') ?? null,
          hash: l.hash,
          updatedAt: l.updatedAt.toISOString(),
          latestCheckpoint: cp === undefined ? null : { id: cp.id, treeSize: cp.treeSize, signedAt: cp.signedAt }
        }
      }))
    }
  })

  app.get('/v1/transparency/logs/:owner/:listCode/checkpoints/latest', {
    preHandler: read,
    schema: {
      summary: 'The newest signed checkpoint of a list\'s log',
      description: 'A platform stores checkpoints it has seen and later asks for a consistency proof from each to a newer one.',
      tags: TAGS,
      params: LogParams,
      response: { 200: CheckpointV1, ...errors }
    }
  }, async (request) => {
    const { owner, listCode } = request.params
    const cp = await latestCheckpoint(app.pg, (await requireLog(app.pg, owner, listCode)).id)
    if (cp === undefined) throw new GatewayError('NOT_FOUND', `no checkpoint signed yet for ${owner}/${listCode}`)
    return cp
  })

  app.get('/v1/transparency/logs/:owner/:listCode/checkpoints', {
    preHandler: read,
    schema: {
      summary: 'Signed checkpoints of a list\'s log, newest first',
      tags: TAGS,
      params: LogParams,
      querystring: Type.Object({
        before: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'Return checkpoints with a smaller id (paging)' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '1 to 500 (default 100)' }))
      }),
      response: { 200: CheckpointListV1, ...errors }
    }
  }, async (request): Promise<CheckpointList> => {
    const { owner, listCode } = request.params
    const q = request.query
    const limit = q.limit ?? 100
    const list = await listCheckpoints(app.pg, (await requireLog(app.pg, owner, listCode)).id, q.before, limit)
    return { checkpoints: list, nextBefore: list.length === limit ? list[list.length - 1]?.id ?? null : null }
  })

  app.post('/v1/transparency/logs/:owner/:listCode/checkpoints', {
    preHandler: requireRoles(app, ['admin', 'operator']),
    schema: {
      summary: 'Sign a checkpoint of a list\'s log now',
      description: 'Sequences every pending change first, then signs the log as it stands (even if unchanged: a fresh time). The action is recorded.',
      tags: TAGS,
      params: LogParams,
      response: { 201: CheckpointV1, ...errors }
    }
  }, async (request, reply) => {
    const { owner, listCode } = request.params
    await app.transparency.sequencer.drain(true)
    const cp = await signCheckpoint(app.pg, app.gatewayKeys, owner, listCode)
    if (cp === undefined) throw new GatewayError('NOT_FOUND', `no log for list ${owner}/${listCode}`)
    await app.pg.query('INSERT INTO admin_actions (principal, action, target, detail) VALUES ($1, $2, $3, $4)',
      [request.principal?.id ?? 'unknown', 'checkpoint.sign', `${owner}/${listCode}`, { treeSize: cp.treeSize, checkpointId: cp.id }])
    return await reply.code(201).send(cp)
  })

  app.get('/v1/transparency/logs/:owner/:listCode/inclusion', {
    preHandler: read,
    schema: {
      summary: 'Inclusion proof of one change of an entry (entryId + version) in a list\'s log',
      description: 'Against the tree of `treeSize` leaves (default: the newest checkpoint\'s). The answer carries the leaf, its audit path and, when one was signed, the checkpoint of that size. ' +
        '`salt` (of a v2 leaf) only for the entry\'s owner platform and platforms whose share scopes let them receive the whole item.',
      tags: TAGS,
      params: LogParams,
      querystring: Type.Object({
        entryId: LocalIdV1,
        version: Type.Integer({ minimum: 1, maximum: 9_999_999_999 }),
        treeSize: Type.Optional(Size('Tree size to prove against (default: the newest checkpoint\'s)'))
      }),
      response: { 200: InclusionProofV1, ...errors }
    }
  }, async (request) => {
    const { owner, listCode } = request.params
    const q = request.query
    return await inclusionProof(app.pg, owner, listCode, q.entryId, q.version, q.treeSize,
      (o, m) => { request.log.error(o, m) },
      (action, item) => mayReadContent(request.principal, owner, action, item, scopes))
  })

  app.get('/v1/transparency/logs/:owner/:listCode/consistency', {
    preHandler: read,
    schema: {
      summary: 'Consistency proof between two sizes of a list\'s log',
      description: 'Proves the tree of `second` leaves (default: the newest checkpoint\'s) extends the tree of `first` leaves unchanged.',
      tags: TAGS,
      params: LogParams,
      querystring: Type.Object({
        first: Size('The older tree size (e.g. of a checkpoint the platform stored)'),
        second: Type.Optional(Size('The newer tree size (default: the newest checkpoint\'s)'))
      }),
      response: { 200: ConsistencyProofV1, ...errors }
    }
  }, async (request) => {
    const { owner, listCode } = request.params
    const q = request.query
    return await consistencyProof(app.pg, owner, listCode, q.first, q.second)
  })
}

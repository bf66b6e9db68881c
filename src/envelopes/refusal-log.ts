import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { GatewayError } from '../errors/gateway-error.js'
import { recordSecurityEvent } from '../ledger/security-log.js'
import type { Claimed } from './verify-envelope.js'

/**
 * What a refused message leaves, and all it leaves (a JWS envelope, a native message, a relay): one
 * security-log line with what it claimed to be, and the refusal counted by code. A refusal the
 * gateway caused (5xx) leaves nothing here; a failed write is logged, never thrown over the answer.
 */
export async function logRefusal (
  app: FastifyInstance, request: FastifyRequest, err: GatewayError,
  claimed: Partial<Claimed> | null | undefined, prefix = ''
): Promise<void> {
  if (err.status >= 500) return
  app.metrics.envelopesRejected.inc({ code: err.code })
  await recordSecurityEvent(app.pg, {
    code: err.code,
    status: err.status,
    remote: request.ip,
    issClaimed: claimed?.iss,
    jtiClaimed: claimed?.jti,
    digest: claimed?.digest,
    authenticated: claimed?.authenticated === true,
    detail: `${prefix}${err.message}`,
    tally: err.tally
  }).catch((e: unknown) => { request.log.error({ err: e }, 'security log write failed') })
}

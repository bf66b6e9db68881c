import type { SwaggerOptions } from '@fastify/swagger'
import type { RouteOptions } from 'fastify'
import { accessOf, type PrefixAccess, type RouteAccess } from '../auth/route-access.js'
import { SESSION_COOKIE } from '../auth/admin-sessions.js'
import { finishDocument } from './finish-document.js'
import { operationIdOf } from './operation-id.js'
import { PLAIN_ANSWERS } from './plain-answers.js'

type Json = Record<string, unknown>

/** What a route adds to its operation beyond its schema (a raw body's media types, native answers). */
export interface OperationExtras {
  requestBody?: Json
  responses?: Record<string, Json>
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Documentation only: merged into the route's OpenAPI operation (never used to validate). */
    openapi?: OperationExtras
  }
}

/** The top-level tags, each with what its operations are for. */
export const TAGS: ReadonlyArray<{ name: string, description: string }> = [
  { name: 'envelopes', description: 'Publishing: signed JWS envelopes from the platforms (the one way in)' },
  { name: 'native', description: 'Publishing in a platform\'s own protocol (per adapter, under /v1/native/<ID>)' },
  { name: 'messages', description: 'Where a message stands, per destination platform' },
  { name: 'subjects', description: 'Current list entries of a subject (every call recorded with its purpose)' },
  { name: 'deliveries', description: 'Deliveries to the platforms: listing and resending' },
  { name: 'feeds', description: 'Pull feeds for platforms that fetch their deliveries' },
  { name: 'coordination', description: 'Joint-punishment cases, entry tracking and their statistics' },
  { name: 'transparency', description: 'Per-list transparency logs: checkpoints and inclusion/consistency proofs' },
  { name: 'checks', description: 'Credit checks by authorised department systems, with their outcomes' },
  { name: 'quality', description: 'Data quality reports per platform and list' },
  { name: 'reconciliation', description: 'Reconciliation runs between the gateway\'s ledger and the platforms' },
  { name: 'admin', description: 'The dashboard\'s APIs and session (admin roles)' },
  { name: 'operations', description: 'Health, readiness, metrics and the gateway\'s public keys' }
]

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const ADMIN_ROLES = new Set(['admin', 'operator', 'auditor'])

/** The security requirements a route's declared access amounts to. */
function securityOf (access: RouteAccess | undefined, method: string): Array<Record<string, string[]>> {
  if (access === undefined || !('roles' in access)) return []
  if (!access.roles.some((r) => ADMIN_ROLES.has(r))) return [{ bearer: [] }]
  // An admin session cookie serves too; a state change by cookie also needs the session's CSRF token.
  return [{ bearer: [] }, SAFE_METHODS.has(method) ? { session: [] } : { session: [], csrf: [] }]
}

function accessText (access: RouteAccess | undefined): string {
  if (access === undefined) return 'Access: not declared.'
  if ('roles' in access) return `Access: roles ${access.roles.join(', ')}.`
  if ('own' in access) return `Access: authenticated by ${access.own}.`
  return `Access: public (${access.public}).`
}

/**
 * The options of @fastify/swagger: the document's frame (servers, tags, security schemes, the
 * published contracts), a per-route transform (operationId, security, access) and the finishing pass.
 */
export function openapiOptions (
  info: { title: string, version: string, description: string },
  schemas: Record<string, Json>,
  prefixes: readonly PrefixAccess[]
): SwaggerOptions {
  const extras = new Map<string, OperationExtras>()
  return {
    openapi: {
      openapi: '3.1.0',
      info: { ...info, license: { name: 'UNLICENSED', identifier: 'UNLICENSED' }, contact: { name: 'YRD gateway operators' } },
      servers: [{ url: '/', description: 'This gateway (paths are relative to where the document was fetched)' }],
      tags: [...TAGS],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT signed by a platform or admin key (aud YRD, short exp)' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The admin session cookie set by POST /v1/admin/session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The session\'s CSRF token (GET /v1/admin/session), with the cookie on state changes' }
        },
        schemas
      }
    },
    // Schemas nested in route schemas are published under their own $id (not def-N).
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' && /^[A-Za-z0-9._-]+$/.test(json.$id) ? json.$id : `def-${i}`
      }
    },
    transform: ({ schema, url, route }) => {
      const r = route as RouteOptions
      const method = (Array.isArray(r.method) ? r.method[0] : r.method) ?? 'GET'
      const access = accessOf(r, prefixes)
      const given = (schema ?? {}) as Json
      const openapiUrl = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
      const extra = r.config?.openapi
      if (extra !== undefined) extras.set(`${method.toLowerCase()} ${openapiUrl}`, extra)
      const description = typeof given.description === 'string' ? `${given.description}\n\n` : ''
      return {
        url,
        schema: {
          ...given,
          operationId: typeof given.operationId === 'string' ? given.operationId : operationIdOf(method, openapiUrl),
          description: `${description}${accessText(access)}`,
          security: securityOf(access, method)
        } as never
      }
    },
    transformObject: (documentObject) => {
      const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject) as Json
      const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>
      for (const [key, extra] of extras) {
        const [method = '', path = ''] = key.split(' ')
        const op = paths[path]?.[method]
        if (op === undefined) continue
        if (extra.requestBody !== undefined) op.requestBody = extra.requestBody
        if (extra.responses !== undefined) op.responses = { ...(op.responses as Json | undefined), ...extra.responses }
      }
      for (const [key, answers] of Object.entries(PLAIN_ANSWERS)) {
        const [method = '', path = ''] = key.split(' ')
        const op = paths[path]?.[method]
        if (op !== undefined) op.responses = { ...(op.responses as Json | undefined), ...answers }
      }
      return finishDocument(doc) as never
    }
  }
}

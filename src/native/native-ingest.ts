import type { FastifyInstance, FastifyRequest } from 'fastify'
import { acceptanceDeps } from '../envelopes/acceptance-deps.js'
import type { ItemErrorV1 } from '../../contracts/problem-v1.js'
import { acceptVerified, type IngestResult } from '../envelopes/ingest-service.js'
import { GatewayError } from '../errors/gateway-error.js'
import { logRefusal } from '../envelopes/refusal-log.js'
import { attestNative, nativeDigest, type NativeMessage } from './attest-native.js'
import { scrubIdNumbers } from '../identifiers/mask.js'

/** What a native request claims about itself, for the security log should it be refused. */
export interface NativeClaimed { iss: string, jti?: string, digest?: string, authenticated?: boolean }

/** The shared machinery of every native inbound route: acceptance exactly as for JWS envelopes. */
export interface NativeIngest {
  /** Attests an authenticated message and accepts it (or refuses it whole) like any envelope. */
  accept: (request: FastifyRequest, m: NativeMessage) => Promise<IngestResult>
  /** Remembers what the request claims, for the security log. */
  claim: (request: FastifyRequest, platform: string, body?: Buffer, jti?: string) => void
  /**
   * Records that the request proved its platform (HMAC, MAC, token): refusals from then on are
   * charged to the platform in the quality report, earlier ones count as unattributed.
   */
  authenticated: (request: FastifyRequest) => void
  /** Writes the security-log line and counts the rejection (never for 5xx, which are not refusals). */
  refused: (request: FastifyRequest, err: GatewayError) => Promise<void>
}

/**
 * Builds the machinery once per app: the same replay cache, ledger and destinations as
 * `POST /v1/envelopes`, so a native publication differs from a JWS one only in how it was
 * authenticated.
 */
export function nativeIngest (app: FastifyInstance): NativeIngest {
  const deps = acceptanceDeps(app)
  const claimed = new WeakMap<FastifyRequest, NativeClaimed>()
  return {
    claim: (request, platform, body, jti) => {
      const prior = claimed.get(request)
      claimed.set(
        request,
        {
          iss: platform,
          digest: body === undefined ? prior?.digest : nativeDigest(body),
          jti: jti?.slice(0, 128) ?? prior?.jti,
          authenticated: prior?.authenticated
        }
      )
    },
    authenticated: (request) => {
      const prior = claimed.get(request)
      if (prior !== undefined) prior.authenticated = true
    },
    accept: async (request, m) => {
      // Only an authenticated message is ever accepted (see NativeMessage).
      const c = claimed.get(request)
      if (c !== undefined) c.authenticated = true
      const env = await attestNative(app.gatewayKeys.sign, m)
      const result = await acceptVerified(deps, env, request.traceparent)
      if (result.status === 202) {
        app.metrics.envelopesAccepted.inc({ iss: result.iss, kind: result.kind })
        app.metrics.itemsAccepted.inc({ iss: result.iss, kind: result.kind }, result.items)
        request.log.info({ platform: result.iss, jti: result.body.jti, kind: result.kind, items: result.items, adapter: m.adapter }, 'native envelope accepted')
      }
      return result
    },
    refused: async (request, err) => { await logRefusal(app, request, err, claimed.get(request), 'native: ') }
  }
}

/**
 * Maps every native record with the adapter's `fromNative`, collecting each failure as an item
 * error: a record that does not map is an invalid item, and the message is refused whole.
 */
export function mapRecords<T> (records: readonly T[], map: (record: T, index: number) => unknown): unknown[] {
  const errors: ItemErrorV1[] = []
  const items = records.map((r, index) => {
    try {
      return map(r, index)
    } catch (err) {
      if (errors.length < 100) errors.push({ index, path: '', code: 'SCHEMA_INVALID', detail: scrubIdNumbers((err as Error).message).slice(0, 300) })
      return undefined
    }
  })
  if (errors.length > 0) {
    throw new GatewayError('SCHEMA_INVALID', `${errors.length} native record(s) do not map to valid items; the message was not accepted`, { errors })
  }
  return items
}

import { ITEM_SCHEMAS } from '../../contracts/envelope-v1.js'
import type { OperationExtras } from './openapi-options.js'

const ref = (id: string): { $ref: string } => ({ $ref: `#/components/schemas/${id}` })

/** The payload of an envelope: EnvelopeClaimsV1, its items each valid for the envelope's kind. */
const payloadSchema = {
  allOf: [ref('EnvelopeClaimsV1')],
  oneOf: Object.entries(ITEM_SCHEMAS).map(([kind, schema]) => ({
    required: ['kind'],
    properties: { kind: { const: kind }, items: { items: ref(schema.$id as string) } }
  }))
}

/**
 * The body of `POST /v1/envelopes`, for the document: the fastify route reads it as raw bytes (the
 * digest is over exactly what was received), so it has no body schema to generate this from.
 */
export const ENVELOPE_REQUEST_BODY: NonNullable<OperationExtras['requestBody']> = {
  required: true,
  description: 'A JWS (RFC 7515) over the envelope\'s claims, in either serialisation',
  content: {
    'application/jose': {
      schema: {
        type: 'string',
        description: 'Compact serialisation: BASE64URL(protected header EnvelopeHeaderV1) "." ' +
          'BASE64URL(payload EnvelopeClaimsV1) "." BASE64URL(signature)',
        pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$'
      }
    },
    'application/jose+json': {
      schema: {
        allOf: [ref('FlattenedJwsV1')],
        properties: {
          protected: { contentEncoding: 'base64url', contentMediaType: 'application/json', contentSchema: ref('EnvelopeHeaderV1') },
          payload: { contentEncoding: 'base64url', contentMediaType: 'application/json', contentSchema: payloadSchema }
        }
      }
    }
  }
}

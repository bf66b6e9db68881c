type Json = Record<string, unknown>

const JWK_SET = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kty', 'kid'],
        properties: {
          kty: { type: 'string' },
          kid: { type: 'string' },
          alg: { type: 'string' },
          use: { type: 'string' },
          crv: { type: 'string' },
          x: { type: 'string' },
          y: { type: 'string' }
        }
      }
    }
  }
}

/**
 * The answers of routes whose bodies are not JSON with a response schema (Prometheus text, a JWK
 * Set sent as prepared, a CSV export, the dashboard's page), for the document: `method path` → status → answer.
 */
export const PLAIN_ANSWERS: Readonly<Record<string, Record<string, Json>>> = {
  'get /metrics': {
    200: {
      description: 'Prometheus text exposition format (version 0.0.4)',
      content: { 'text/plain': { schema: { type: 'string' } } }
    }
  },
  'get /.well-known/jwks.json': {
    200: {
      description: 'The gateway\'s public keys (RFC 7517 JWK Set): receipts and deliveries verify against them',
      content: { 'application/json': { schema: JWK_SET } }
    }
  },
  'get /v1/admin/query-log.csv': {
    200: {
      description: 'The query log as CSV (UTF-8 with BOM; identity numbers masked)',
      content: { 'text/csv': { schema: { type: 'string' } } }
    }
  },
  'get /admin': {
    200: { description: 'The dashboard\'s page', content: { 'text/html': { schema: { type: 'string' } } } },
    503: { description: 'The dashboard is not built (UNAVAILABLE): problem details' }
  }
}

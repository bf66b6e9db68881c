/**
 * The last pass over the OpenAPI document @fastify/swagger builds from the route schemas: what the
 * route schemas cannot say (or would say once per route) is said here, once. Problem answers become
 * `application/problem+json` referencing ProblemV1, every operation states its security and its
 * rate-limit answer, draft-07 tuples become 2020-12 `prefixItems`, and generic descriptions replace
 * "Default Response".
 */

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** What each status means on this gateway (the codes are listed in the document's description). */
export const STATUS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  200: 'Success',
  201: 'Created',
  202: 'Accepted: stored and queued for delivery',
  204: 'Done; no body',
  400: 'Malformed request (ENVELOPE_MALFORMED, BAD_REQUEST, PURPOSE_REQUIRED)',
  401: 'Not authenticated: token, signature, key or issuer refused (UNAUTHORIZED, SIGNATURE_INVALID, …)',
  403: 'Authenticated but not allowed (FORBIDDEN, NOT_OWNER)',
  404: 'No such resource (NOT_FOUND)',
  409: 'Conflicts with the current state (JTI_CONFLICT, VERSION_CONFLICT, …)',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'Media type not accepted (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Well-formed but invalid (SCHEMA_INVALID, USCC_INVALID, ID_NUMBER_INVALID, …)',
  429: 'Too many requests from this address (RATE_LIMITED); retry after the minute',
  500: 'Internal error',
  503: 'A dependency is unavailable (UNAVAILABLE); retry later',
  '4XX': 'Refused, in the platform\'s own format (see the adapter\'s README)',
  '5XX': 'Failed on the gateway\'s side, in the platform\'s own format'
}

export const PROBLEM_TYPE = 'application/problem+json'
const PROBLEM_REF = { $ref: '#/components/schemas/ProblemV1' }
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']

/** Replaces draft-07 forms the 2020-12 dialect of OpenAPI 3.1 reads otherwise, in place. */
function to2020 (node: unknown): void {
  if (Array.isArray(node)) { for (const n of node) to2020(n); return }
  if (!isObject(node)) return
  if (Array.isArray(node.items)) {
    // Type.Tuple: `items: [..]` + `additionalItems: false` is `prefixItems: [..]` + `items: false`
    // (written `{ not: {} }`, the same schema, which the linters read as the `items` an array needs).
    node.prefixItems = node.items
    node.items = node.additionalItems === false ? { not: {} } : (node.additionalItems ?? {})
    delete node.additionalItems
  }
  // Type.Unknown() inside a union makes the whole union match anything: say so plainly.
  if (Array.isArray(node.anyOf) && node.anyOf.some((s) => isObject(s) && Object.keys(s).length === 0)) {
    delete node.anyOf
  }
  for (const v of Object.values(node)) to2020(v)
}

function finishResponses (op: Json, native: boolean): void {
  const responses = isObject(op.responses) ? op.responses : {}
  op.responses = responses
  if (!native) {
    // What the gateway answers before a route's handler runs: the rate limit (every route), the
    // schema validation of parameters and bodies (400), the role check (401, 403).
    const checked = (Array.isArray(op.parameters) && op.parameters.length > 0) || op.requestBody !== undefined
    const secured = Array.isArray(op.security) && op.security.length > 0
    const before = ['429', ...(checked ? ['400'] : []), ...(secured ? ['401', '403'] : [])]
    for (const status of before) if (responses[status] === undefined) responses[status] = { description: '' }
  }
  for (const [status, r] of Object.entries(responses)) {
    if (!isObject(r)) continue
    if (typeof r.description !== 'string' || r.description === '' || r.description === 'Default Response') {
      r.description = STATUS_DESCRIPTIONS[status] ?? 'Answer'
    }
    const isError = status.startsWith('4') || status.startsWith('5')
    if (isError && !native) r.content = { [PROBLEM_TYPE]: { schema: PROBLEM_REF } }
  }
}

/** Finishes the document (the `transformObject` of @fastify/swagger); mutates and returns it. */
export function finishDocument (doc: Json): Json {
  const paths = isObject(doc.paths) ? doc.paths : {}
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue
    for (const method of METHODS) {
      const op = item[method]
      if (!isObject(op)) continue
      const native = Array.isArray(op.tags) && op.tags.includes('native')
      finishResponses(op, native)
    }
  }
  to2020(doc.paths)
  to2020(doc.components)
  return doc
}

import type { ItemErrorV1 } from '../../contracts/problem-v1.js'

/** Every stable error code, with its HTTP status and title. */
export const ERROR_CODES = {
  ENVELOPE_MALFORMED: { status: 400, title: 'Envelope malformed' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  PURPOSE_REQUIRED: { status: 400, title: 'Query purpose required' },
  UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  SIGNATURE_INVALID: { status: 401, title: 'Signature invalid' },
  KEY_UNKNOWN: { status: 401, title: 'Signing key unknown' },
  ISSUER_UNKNOWN: { status: 401, title: 'Issuer unknown' },
  ALG_NOT_ALLOWED: { status: 401, title: 'Algorithm not allowed' },
  ENVELOPE_EXPIRED: { status: 401, title: 'Envelope expired or not yet valid' },
  AUDIENCE_INVALID: { status: 401, title: 'Envelope not addressed to the gateway' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_OWNER: { status: 403, title: 'Not the owner of the entry' },
  RELAY_NOT_SHARED: { status: 403, title: 'Not shared by the peer gateway\'s share policy' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  JTI_CONFLICT: { status: 409, title: 'Message id already used for other content' },
  RELAY_LOOP: { status: 409, title: 'Message already passed this gateway' },
  VERSION_CONFLICT: { status: 409, title: 'Version not newer than the current one' },
  DELIVERY_IN_PROGRESS: { status: 409, title: 'Delivery in progress' },
  CASE_TRANSITION_INVALID: { status: 409, title: 'Not allowed in the case\'s current state' },
  RUN_NOT_HEALABLE: { status: 409, title: 'Reconciliation run cannot be healed' },
  CASE_EXISTS: { status: 409, title: 'Case already opened' },
  OBJECTION_OPEN: { status: 409, title: 'An objection is already open on the entry' },
  REPAIR_OPEN: { status: 409, title: 'A repair request is already open on the entry' },
  CHECK_OUTCOME_CONFLICT: { status: 409, title: 'Another outcome was already reported for this check' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  SCHEMA_INVALID: { status: 422, title: 'Schema invalid' },
  USCC_INVALID: { status: 422, title: 'Unified social credit code invalid' },
  ID_NUMBER_INVALID: { status: 422, title: 'Identity number invalid' },
  ENTRY_UNKNOWN: { status: 422, title: 'Entry unknown' },
  LIST_TYPE_UNKNOWN: { status: 422, title: 'List type not in the registry' },
  MEASURE_UNKNOWN: { status: 422, title: 'Measure not in the measures list' },
  MEASURE_KIND_MISMATCH: { status: 422, title: 'Measure flagged otherwise than the measures list' },
  MEASURE_NOT_APPLICABLE: { status: 422, title: 'Measure does not fit the list type or entry' },
  VALIDITY_OUT_OF_RANGE: { status: 422, title: 'Validity period outside the list type\'s bounds' },
  CASE_UNKNOWN: { status: 422, title: 'Case unknown' },
  SUBJECT_MISMATCH: { status: 422, title: 'Subject differs from the entry\'s' },
  OBJECTION_UNKNOWN: { status: 422, title: 'Objection unknown or not open' },
  NOT_REPAIRABLE: { status: 422, title: 'Entry not repairable' },
  REPAIR_TOO_EARLY: { status: 422, title: 'Repair requested before the earliest exit date' },
  REPAIR_UNKNOWN: { status: 422, title: 'Repair request unknown or not open' },
  DECISION_TYPE_UNKNOWN: { status: 422, title: 'Decision type not in the registries' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' }
} as const satisfies Record<string, { status: number, title: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** Counts of a refused envelope's items, for data quality (no content). */
export interface RefusalTally {
  items: number
  /** Items whose subject carries a credit code. */
  creditCodeItems: number
  /** Of these, codes that fail GB 32100 (every one counted, not only the 100 reported). */
  invalidCreditCodes: number
}

export interface GatewayErrorOptions {
  cause?: unknown
  errors?: ItemErrorV1[]
  retryable?: boolean
  tally?: RefusalTally
}

/**
 * The one error type of the gateway: a stable `code`, its HTTP status, and whether trying again
 * later can succeed. Rendered as problem+json by the error handler; a queue worker turns a
 * non-retryable one into BullMQ's UnrecoverableError.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly retryable: boolean
  readonly errors: ItemErrorV1[] | undefined
  readonly tally: RefusalTally | undefined

  constructor (code: ErrorCode, detail: string, options: GatewayErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = ERROR_CODES[code].status
    this.retryable = options.retryable ?? this.status >= 500
    this.errors = options.errors
    this.tally = options.tally
  }
}

export const isGatewayError = (err: unknown): err is GatewayError => err instanceof GatewayError

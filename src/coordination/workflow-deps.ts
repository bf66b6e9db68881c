import type { Registries } from '../../config/registry-schema.js'
import type { WorkingCalendar } from '../../config/calendar-schema.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'

/** What the coordination workflow needs besides the transaction it runs in. */
export interface WorkflowDeps {
  keys: GatewayKeys
  registries: Registries | undefined
  calendar: WorkingCalendar
  /** Enabled platforms (never the gateway itself). */
  platforms: () => string[]
}

/** An accepted message, as the workflow sees it inside the ledger transaction. */
export interface WorkflowMessage {
  jti: string
  iss: string
  kind: EnvelopeKindV1
  items: unknown[]
  at: Date
}

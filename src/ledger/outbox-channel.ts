/**
 * The PostgreSQL channel the ledger NOTIFYs when outbox rows commit and the outbox relay LISTENs
 * on. The ledger owns the outbox, so the name lives here, below the relay.
 */
export const OUTBOX_CHANNEL = 'yrd_outbox'

/** How a current entry stands today: `pending` before its validFrom, else its stored status. */
export type ShownEntryStatus = 'active' | 'suspended' | 'pending'

/**
 * A listing takes effect from the start of its period (国发〔2016〕33号 (二十一)): an active entry
 * whose `validFrom` (a China Standard Time date) is after `today` is shown as `pending`, and no
 * measure of it applies yet. A suspended entry stays suspended.
 */
export function shownStatus (stored: 'active' | 'suspended', data: unknown, today: string): ShownEntryStatus {
  const validFrom = (data as { validFrom?: unknown } | null)?.validFrom
  return stored === 'active' && typeof validFrom === 'string' && validFrom > today ? 'pending' : stored
}

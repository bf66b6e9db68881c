import type { HistoryRow } from '../../src/transparency/change-leaf.js'

// The README's worked example of a transparency leaf ("Checkpoints and proofs"): a repair
// removal of SH-black-1, the 32-byte salt 0, 1, …, 31 of its v2 form, and the history row it is the leaf of. The
// SHA-256 and the SM3 leaf tests check their hard-coded values against the same row.

export const README_ITEM = { entryId: 'SH-black-1', owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书', effectiveOn: '2026-06-01' }
export const README_SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => i))

export const README_ROW: HistoryRow = {
  owner: 'SH',
  list_code: 'food-drug-serious-violation',
  entry_id: 'SH-black-1',
  version: 2,
  action: 'remove',
  status: 'removed',
  jti: '0b5c7d1e-2f3a-4b6c-8d9e-0f1a2b3c4d5e',
  data: README_ITEM,
  recorded_at: new Date('2026-11-23T08:00:00Z'),
  salt: README_SALT
}

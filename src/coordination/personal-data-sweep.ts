import type pg from 'pg'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { inTransaction } from '../ledger/pool.js'
import { erasePersonalData } from '../privacy/erase-personal-data.js'
import { SHIELDED_REMOVAL_REASONS } from '../privacy/personal-fields.js'
import type { SubjectDigests } from '../privacy/subject-digests.js'
import type { MessageItems } from '../delivery/message-items.js'
import type { ProofHash } from '../canonical/proof-hash.js'

const BATCH = 200
const DAY_MS = 86_400_000

export interface PersonalDataSweepDeps {
  pool: pg.Pool
  digests: SubjectDigests
  messageItems: MessageItems
  /** settings.personalDataRetentionDays */
  retentionDays: number
  /** settings.proofHash: the hash of a log not created yet (see ErasureContext); none: SHA-256. */
  newLogHash?: ProofHash | undefined
}

/**
 * Erases the personal fields of every entry removed by repair, expiry or revocation at least
 * `retentionDays` before `at` (国办发〔2020〕49号 (十一): 屏蔽或删除; see erase-personal-data.ts for
 * what each table keeps). Until then the fields are shielded (never served or sent) but kept, for
 * the removal to reach every replica and for an objection or a remedy about the removal itself.
 * Each batch is one transaction with its admin action (who: the gateway; which entries), so the
 * audit chain records every erasure. Rows are locked with SKIP LOCKED: two gateways never erase
 * one entry twice. Returns how many entries were erased.
 */
export async function sweepPersonalData (deps: PersonalDataSweepDeps, at: Date = new Date()): Promise<number> {
  const cutoff = new Date(at.getTime() - deps.retentionDays * DAY_MS)
  let erased = 0
  for (;;) {
    const n = await inTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<{ owner: string, entry_id: string }>(
        `SELECT owner, entry_id FROM entries
         WHERE status = 'removed' AND NOT (data->'subject' ? 'personalDataErasedAt')
           AND removal->>'reason' = ANY($1::text[]) AND updated_at <= $2
         ORDER BY updated_at, owner, entry_id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`, [SHIELDED_REMOVAL_REASONS, cutoff])
      if (rows.length === 0) return 0
      const entries = rows.map((r) => ({ owner: r.owner, entryId: r.entry_id }))
      await erasePersonalData(client, entries, {
        at, digests: deps.digests, messageItems: deps.messageItems, newLogHash: deps.newLogHash
      })
      await recordAdminAction(client, {
        principal: GATEWAY_ID,
        action: 'personal-data.erase',
        target: 'entries',
        detail: { basis: '国办发〔2020〕49号 (十一)', retentionDays: deps.retentionDays, entries: entries.map((e) => `${e.owner}:${e.entryId}`) }
      })
      return rows.length
    })
    erased += n
    if (n < BATCH) return erased
  }
}

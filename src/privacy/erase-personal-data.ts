import type pg from 'pg'
import type { MessageItems } from '../delivery/message-items.js'
import type { ProofHash } from '../canonical/proof-hash.js'
import { dataHashOf } from '../transparency/change-leaf.js'
import { HISTORY_LIST_CODE } from '../transparency/sequencer.js'
import { erasePersonalFields, isErased } from './personal-fields.js'
import { shieldEnvelope } from './shielded-envelope.js'
import { isKeyedDigest, type SubjectDigests } from './subject-digests.js'

/** An entry whose personal fields are to be erased. */
export interface EntryKey { owner: string, entryId: string }

export interface ErasureContext {
  at: Date
  /** Keyed digests: a person's identity number is replaced by its digest, never an unkeyed hash. */
  digests: SubjectDigests
  /** The app's cache of message items: a shielded envelope's items are read again. */
  messageItems: MessageItems
  /**
   * The hash a list's log gets when the sequencer creates it (settings.proofHash; none: SHA-256),
   * for the kept dataHash of a change not yet in a log whose list has no log yet.
   */
  newLogHash?: ProofHash | undefined
}

/**
 * One table's part of the erasure, run in the caller's transaction. Every table that holds an
 * entry's personal fields has one here, so a new table (e.g. an index of responsible persons)
 * joins the erasure by adding its eraser to PERSONAL_DATA_ERASERS.
 */
export type PersonalDataEraser = (client: pg.PoolClient, entries: EntryKey[], ctx: ErasureContext) => Promise<void>

const KEYS = 'unnest($1::text[], $2::text[]) AS k(owner, entry_id)'
const keyParams = (entries: EntryKey[]): [string[], string[]] => [
  entries.map((e) => e.owner), entries.map((e) => e.entryId)
]

/**
 * entries: `data` without the personal fields, `subject_id` of a person replaced by its keyed
 * digest (the gateway, holding the key, can still tell which erased entries were a subject's;
 * nobody can from the table alone), and `content_hash` recomputed over what is left (a SHA-256 over the
 * clear data beside the rest of it would let anyone test guesses of the identity number).
 */
const eraseEntries: PersonalDataEraser = async (client, entries, ctx) => {
  const { rows } = await client.query<{
    owner: string, entry_id: string, subject_type: string, subject_id: string, data: unknown
  }>(
    `SELECT e.owner, e.entry_id, e.subject_type, e.subject_id, e.data FROM entries e JOIN ${KEYS} USING (owner, entry_id) FOR UPDATE OF e`,
    keyParams(entries))
  const changed = rows.filter((r) => !isErased(r.data)).map((r) => ({
    owner: r.owner,
    entry_id: r.entry_id,
    subject_id: r.subject_type === 'person' && !isKeyedDigest(r.subject_id) ? ctx.digests.digest(r.subject_id) : r.subject_id,
    data: erasePersonalFields(r.data, ctx.at)
  }))
  if (changed.length === 0) return
  await client.query(
    `UPDATE entries e SET data = x.data, subject_id = x.subject_id, content_hash = encode(sha256(convert_to(x.data::text, 'UTF8')), 'hex')
     FROM jsonb_to_recordset($1::jsonb) AS x(owner text, entry_id text, subject_id text, data jsonb)
     WHERE e.owner = x.owner AND e.entry_id = x.entry_id`, [JSON.stringify(changed)])
}

/**
 * entry_history: each change's `data` without the personal fields. Its transparency leaf
 * committed to the whole item, so the dataHash it committed to (salted since migration 012) is
 * kept in `leaf_data_hash` first: the leaf is rebuilt from it, and proofs still verify. The
 * dataHash is of the hash of the change's log (migration 024): the log that holds its leaf, or for a
 * change not sequenced yet the log of its list, or the hash that log will be created with.
 */
const eraseHistory: PersonalDataEraser = async (client, entries, ctx) => {
  const { rows } = await client.query<{
    id: string, data: unknown, salt: Buffer | null, leaf_data_hash: string | null, log_hash: ProofHash
  }>(
    `SELECT h.id, h.data, h.salt, h.leaf_data_hash,
            coalesce((SELECT g.hash FROM transparency_leaves l JOIN transparency_logs g ON g.id = l.log_id WHERE l.history_id = h.id),
                     (SELECT g.hash FROM transparency_logs g WHERE g.owner = h.owner AND g.list_code = coalesce(${HISTORY_LIST_CODE}, 'unlisted')),
                     $3) AS log_hash
     FROM entry_history h JOIN ${KEYS} USING (owner, entry_id)
     WHERE h.data ? 'subject' FOR UPDATE OF h`, [...keyParams(entries), ctx.newLogHash ?? 'SHA-256'])
  const changed = rows.filter((r) => !isErased(r.data)).map((r) => ({
    id: r.id,
    leaf_data_hash: r.leaf_data_hash ?? dataHashOf(r.data, r.salt, r.log_hash),
    data: erasePersonalFields(r.data, ctx.at)
  }))
  if (changed.length === 0) return
  await client.query(
    `UPDATE entry_history h SET data = x.data, leaf_data_hash = x.leaf_data_hash
     FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, leaf_data_hash text, data jsonb) WHERE h.id = x.id`, [JSON.stringify(changed)])
}

/**
 * envelopes: every stored envelope that carried the entry with its subject — its upserts, and
 * the punishment notices resting on it — is shielded (see shielded-envelope.ts): the signature,
 * the digest and the receipt stay as evidence, the erased items lose their personal fields.
 */
const eraseEnvelopes: PersonalDataEraser = async (client, entries, ctx) => {
  const { rows } = await client.query<{ iss: string, jti: string, jws: string }>(
    `SELECT e.iss, e.jti, e.jws FROM envelopes e WHERE (e.iss, e.jti) IN (
       SELECT h.iss, h.jti FROM entry_history h JOIN ${KEYS} USING (owner, entry_id) WHERE h.action = 'upsert'
       UNION SELECT c.initiator, c.jti FROM cases c JOIN ${KEYS} USING (owner, entry_id))
     FOR UPDATE OF e`, keyParams(entries))
  const erased = new Set(entries.map((e) => `${e.owner}\u0000${e.entryId}`))
  for (const r of rows) {
    const jws = shieldEnvelope(r.jws, (item) => {
      const i = item as { owner?: string, entryId?: string }
      return erased.has(`${i.owner ?? r.iss}\u0000${i.entryId ?? ''}`) ? erasePersonalFields(item, ctx.at) : item
    }, ctx.at)
    await client.query('UPDATE envelopes SET jws = $3 WHERE iss = $1 AND jti = $2', [r.iss, r.jti, jws])
    ctx.messageItems.forget(r.iss, r.jti)
  }
}

/** reconciliation_findings: the masked identifier a finding about the entry showed. */
const eraseFindings: PersonalDataEraser = async (client, entries) => {
  await client.query(
    `UPDATE reconciliation_findings f SET subject_masked = NULL FROM reconciliation_runs r, ${KEYS}
     WHERE r.id = f.run_id AND r.owner = k.owner AND f.entry_id = k.entry_id AND f.subject_masked IS NOT NULL`, keyParams(entries))
}

/** Every table that holds an entry's personal fields, in the order they are erased. */
export const PERSONAL_DATA_ERASERS: PersonalDataEraser[] = [eraseEntries, eraseHistory, eraseEnvelopes, eraseFindings]

/**
 * Erases the personal fields of `entries` from every table that holds them (国办发〔2020〕49号
 * (十一): 屏蔽或删除), in the caller's transaction. Erasing twice changes nothing.
 */
export async function erasePersonalData (
  client: pg.PoolClient, entries: EntryKey[], ctx: ErasureContext
): Promise<void> {
  if (entries.length === 0) return
  for (const erase of PERSONAL_DATA_ERASERS) await erase(client, entries, ctx)
}

import { compactVerify, createLocalJWKSet } from 'jose'
import type { Harness } from './harness.js'

/**
 * Records, for every envelope row that commits, the top-level transaction that wrote it
 * (txid_current() is the same in every savepoint of a transaction): the observable that proves
 * which envelopes shared a commit. A trigger in the test's own schema; a rolled-back envelope
 * (or savepoint) takes its probe row with it.
 */
export async function installGroupProbe (h: Harness): Promise<void> {
  await h.db.query('CREATE TABLE group_probe (iss text NOT NULL, jti text NOT NULL, txid bigint NOT NULL)')
  await h.db.query(`CREATE FUNCTION group_probe_row () RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO group_probe VALUES (NEW.iss, NEW.jti, txid_current()); RETURN NULL; END $$`)
  await h.db.query('CREATE TRIGGER group_probe AFTER INSERT ON envelopes FOR EACH ROW EXECUTE FUNCTION group_probe_row()')
}

/** The committed envelopes' jtis, grouped by the transaction that committed them (groups sorted). */
export async function commitGroups (h: Harness): Promise<string[][]> {
  const { rows } = await h.db.query<{ jtis: string[] }>(
    'SELECT array_agg(jti ORDER BY jti) AS jtis FROM group_probe GROUP BY txid')
  return rows.map((r) => r.jtis).sort((a, b) => a.join().localeCompare(b.join()))
}

/** Posts envelopes all at once; answers in the order given. */
export async function postTogether (
  h: Harness, jwss: string[]
): Promise<Array<{ status: number, body: Record<string, unknown> }>> {
  return await Promise.all(jwss.map(async (jws) => await h.post(jws)))
}

/** The claims of a receipt, once its signature is checked against the gateway's published keys. */
export async function receiptClaims (h: Harness, receipt: unknown): Promise<Record<string, unknown>> {
  const jwks = createLocalJWKSet((await h.app.inject({ url: '/.well-known/jwks.json' })).json())
  const { payload } = await compactVerify(String(receipt), jwks)
  return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
}

import t from 'tap'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { SM2_ALG, verifyCompact } from '../../src/keys/jws.js'
import { localKeySet } from '../../src/keys/key-sets.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, waitFor } from '../helpers/delivery-setup.js'

// Issue 19 "Done when", the delivery side: a gateway whose key is SM2 delivers SM2-SM3 signed
// messages that yrd-push platforms verify (the simulators check every delivery against the
// gateway's published keys), and platforms on SM2 keys sign their delivery receipts SM2-SM3, which
// the gateway verifies and keeps as evidence that verifies on its own.

const headerOf = (jws: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

t.test('SM2 both ways: SM2-SM3 deliveries verified by the platforms, SM2-SM3 receipts verified by the gateway', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { gatewayAlgs: [SM2_ALG], algs: { SH: SM2_ALG, AH: SM2_ALG } })
  const entry = sampleEntry('SH', '310000', 1)
  const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items: [entry] })
  t.equal(headerOf(jws).alg, SM2_ALG, 'SH publishes SM2-SM3')
  t.equal((await h.post(jws)).status, 202)
  const delivered = async (): Promise<number> =>
    (await h.db.query("SELECT 1 FROM deliveries WHERE jti = $1 AND status = 'delivered'", [jti])).rowCount ?? 0
  t.ok(await waitFor(async () => await delivered() === 3, 15_000), 'delivered to JS, ZJ and AH')
  for (const id of ['JS', 'ZJ', 'AH']) t.ok(sim(id).held.has(`SH:${entry.entryId}`), `${id} verified the SM2-SM3 delivery and applied it`)

  const { rows } = await h.db.query<{ receipt: Record<string, unknown> }>(
    "SELECT receipt FROM deliveries WHERE jti = $1 AND destination = 'AH'", [jti])
  const evidence = rows[0]?.receipt as Record<string, unknown>
  t.equal(evidence.signature, 'verified', 'AH\'s receipt verified by the gateway')
  t.equal(headerOf(String(evidence.receipt)).alg, SM2_ALG, 'AH signed it SM2-SM3')
  const own = await verifyCompact(String(evidence.receipt), localKeySet(sim('AH').jwks), ENVELOPE_ALGS)
  t.match(JSON.parse(new TextDecoder().decode(own.payload)), { iss: 'AH', jti }, 'the kept receipt verifies against AH\'s keys alone')

  sim('AH').receiptMode = 'forged'
  const second = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)] })
  t.equal((await h.post(second.jws)).status, 202)
  type Row = { status: string, last_error_code: string | null }
  const dead = async (): Promise<Row | undefined> => (await h.db.query<Row>(
    "SELECT status, last_error_code FROM deliveries WHERE jti = $1 AND destination = 'AH'", [second.jti])).rows[0]
  t.ok(await waitFor(async () => (await dead())?.status === 'dead', 15_000), 'a forged SM2-SM3 receipt')
  t.equal((await dead())?.last_error_code, 'ADAPTER_INVALID_RECEIPT')
})

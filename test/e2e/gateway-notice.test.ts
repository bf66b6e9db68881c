import t from 'tap'
import { urlOf } from '../helpers/harness.js'
import { issueNotices, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startNativeGateway } from '../helpers/native-setup.js'
import { sampleNotice } from '../../sim/sample-entries.js'

t.test('a gateway notice reaches all four provinces, each in its own protocol, every field intact; none can send one back', async (t) => {
  const { h, platforms } = await startNativeGateway(t)
  const notices = [sampleNotice(1, 'reminder'), sampleNotice(2, 'remediation'), sampleNotice(3, 'check.outcome')]
  const jti = await issueNotices(h, notices)
  const stored = await h.db.query<{ iss: string, kind: string }>('SELECT iss, kind FROM envelopes WHERE jti = $1', [jti])
  t.equal(stored.rows[0]?.kind, 'gateway.notice', 'kept in the ledger as a notice')
  t.equal(stored.rows[0]?.iss, 'YRD', 'issued by the gateway')
  const dest = await h.db.query<{ destination: string }>('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [jti])
  t.same(dest.rows.map((r) => r.destination), ['AH', 'JS', 'SH', 'ZJ'], 'one delivery per platform')

  t.ok(await waitFor(() => platforms.every((p) => p.appliedCount(jti) === 1), 30_000), 'every province applied it')
  for (const p of platforms) t.same(p.notices(), notices, `${p.id} (${p.adapter}): every notice, every field as issued`)
  t.ok(await waitFor(async () => (await statusCounts(h, `jti = '${jti}'`)).delivered === 4), 'four deliveries delivered')

  const envelopes = await h.count('envelopes')
  for (const p of platforms) {
    const sent = await p.publish(urlOf(h), { kind: 'gateway.notice', items: [sampleNotice(9)] })
    t.same([sent.status, (sent.body as { code?: string }).code], [403, 'FORBIDDEN'], `${p.id}: a signed envelope of a gateway notice is refused`)
    if (p.publishNative !== undefined) t.equal((await p.publishNative(urlOf(h), 'gateway.notice', [sampleNotice(9)])).accepted, false, `${p.id}: natively too`)
  }
  t.equal(await h.count('envelopes'), envelopes, 'nothing of theirs stored')
  t.same(platforms.map((p) => p.notices().length), [3, 3, 3, 3], 'and nothing more delivered')
})

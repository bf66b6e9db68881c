import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { accept } from '../helpers/coordination-items.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { recordFailed, startAttempt } from '../../src/delivery/delivery-store.js'
import { recordSecurityEvent } from '../../src/ledger/security-log.js'

const ID = sampleIdNumber('340100', 23)
const shows = (text: string): boolean => Array.from(
  { length: 14 }, (_, i) => ID.slice(i, i + 5)
).some((part) => text.includes(part))

t.test('error text is stored masked, and masked before it is cut, whoever writes it', async (t) => {
  const h = await startHarness(t)
  const jti = await accept(h, 'SH', 'list.upsert', [sampleEntry('SH', '310000', 1)])
  const { rows } = await h.db.query<{ id: string }>('SELECT id FROM deliveries WHERE jti = $1 ORDER BY id LIMIT 1', [jti])
  const deliveryId = rows[0]?.id ?? ''
  const started = await startAttempt(h.db, h.app.messageItems, deliveryId)
  if (started === undefined) throw new Error('no attempt started')
  // A platform's wording quoting a number, and again right where the stored text is cut (1000 characters).
  const wording = `证件号码${ID}；${'拒'.repeat(966)}${ID}不符`
  await recordFailed(h.db, started, wording, true, 'ADAPTER_REFUSED')
  const stored = await h.db.query<{ last_error: string, error: string, last_error_code: string }>(
    'SELECT d.last_error, d.last_error_code, a.error FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.id = $1', [deliveryId])
  t.notOk(shows(stored.rows[0]?.last_error ?? ID), 'deliveries.last_error')
  t.notOk(shows(stored.rows[0]?.error ?? ID), 'delivery_attempts.error')
  t.equal(stored.rows[0]?.last_error_code, 'ADAPTER_REFUSED', 'the cause is kept as its code beside the text')
  t.notOk(shows((await h.app.inject({ url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })).body), 'and so not in GET /v1/messages/{jti}')

  await recordSecurityEvent(h.db, { code: 'SCHEMA_INVALID', status: 422, authenticated: true, detail: `${'x'.repeat(490)}${ID}` })
  const refused = await h.db.query<{ detail: string }>('SELECT detail FROM security_log ORDER BY id DESC LIMIT 1')
  t.notOk(shows(refused.rows[0]?.detail ?? ID), 'security_log.detail')
})

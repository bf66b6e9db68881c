import t from 'tap'
import { jitteredBackoff } from '../../src/delivery/backoff.js'
import { platformSecrets } from '../../src/runtime/platform-secrets.js'

t.test('backoff doubles from the base, stays within [d/2, d], and never passes the cap', async (t) => {
  const lows = [1, 2, 3, 4, 5].map((n) => jitteredBackoff(n, 100, 1000, () => 0))
  const highs = [1, 2, 3, 4, 5].map((n) => jitteredBackoff(n, 100, 1000, () => 1))
  t.same(lows, [50, 100, 200, 400, 500])
  t.same(highs, [100, 200, 400, 800, 1000])
  const spread = new Set(Array.from({ length: 200 }, () => jitteredBackoff(3, 100, 1000)))
  t.ok(spread.size > 50, 'jitter spreads retries')
  t.ok([...spread].every((d) => d >= 200 && d <= 400))
  t.equal(jitteredBackoff(60, 1000, 300_000, () => 1), 300_000, 'no overflow at high attempt counts')
})

t.test('platform secrets come from GW_<ID>_<NAME>, only for that platform', async (t) => {
  const env = { GW_SH_APP_KEY: 'k', GW_SH_APP_SECRET: 's', GW_JS_APP_SECRET: 'other', GW_SHX: 'x', PATH: '/bin' }
  t.same(platformSecrets('SH', env), { APP_KEY: 'k', APP_SECRET: 's' })
  t.same(platformSecrets('AH', env), {})
})

import t from 'tap'
import { startHarness, urlOf, PROVINCES } from '../helpers/harness.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'
import { startProvinces } from '../../src/demo/demo-platforms.js'
import { runScenario } from '../../src/demo/demo-scenario.js'
import { renderSteps } from '../../src/demo/step-table.js'

t.test('the demo scenario holds end to end: the gateway and four provinces, each in its own protocol', async (t) => {
  const { platforms, secrets } = await startProvinces(() => 0)
  t.teardown(async () => { await Promise.all(platforms.map(async (p) => { await p.close() })) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50 },
    platformSecrets: secrets,
    platformOverrides: (p) => {
      const native = platforms.find((s) => s.id === p.id)
      return native === undefined ? p : { ...native.configure(p), delivery: FAST_POLICY }
    }
  })
  t.same(h.config.platforms.map((p) => [p.id, p.adapter]), [['SH', 'sh-rest'], ['JS', 'js-batch'], ['ZJ', 'zj-pull'], ['AH', 'ah-xml']])
  const steps = await runScenario({
    gatewayUrl: urlOf(h),
    platforms,
    regionOf: (id) => PROVINCES.find((p) => p.id === id)?.region ?? '310000',
    admin: await h.adminKey('operator'),
    tag: 'e2e'
  })
  t.ok(steps.length >= 21, 'the whole scenario ran')
  t.same(steps.filter((s) => !s.ok), [], renderSteps(steps))
})

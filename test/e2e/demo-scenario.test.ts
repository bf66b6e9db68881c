import t from 'tap'
import { urlOf, PROVINCES } from '../helpers/harness.js'
import { startNativeGateway } from '../helpers/native-setup.js'
import { runScenario } from '../../demo/demo-scenario.js'
import { renderSteps } from '../../demo/step-table.js'
import { reconciliationDemoStep } from '../../demo/reconciliation-demo-step.js'

t.test('the demo scenario holds end to end: the gateway and four provinces, each in its own protocol', async (t) => {
  const { h, platforms } = await startNativeGateway(t)
  t.same(h.config.platforms.map((p) => [p.id, p.adapter]), [['SH', 'sh-rest'], ['JS', 'js-batch'], ['ZJ', 'zj-pull'], ['AH', 'ah-xml']])
  const steps = await runScenario({
    gatewayUrl: urlOf(h),
    platforms,
    regionOf: (id) => PROVINCES.find((p) => p.id === id)?.region ?? '310000',
    admin: await h.adminKey('operator'),
    tag: 'e2e',
    reconcile: async (o) => await reconciliationDemoStep(h.app, o)
  })
  t.ok(steps.length >= 28, 'the whole scenario ran')
  t.same(steps.filter((s) => !s.ok), [], renderSteps(steps))
})

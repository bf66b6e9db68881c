import t from 'tap'
import { startHarness, urlOf, PROVINCES } from '../helpers/harness.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../src/simulators/platform-simulator.js'
import { runScenario } from '../../src/demo/demo-scenario.js'
import { renderSteps } from '../../src/demo/step-table.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'

t.test('the demo scenario holds end to end: real gateway, four simulated platforms over HTTP', async (t) => {
  const sims: SimulatedPlatform[] = []
  for (const p of PROVINCES) sims.push(await startSimulatedPlatform({ id: p.id, alg: p.alg }))
  t.teardown(async () => { await Promise.all(sims.map(async (s) => { await s.close() })) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50 },
    platformOverrides: (p) => {
      const sim = sims.find((s) => s.id === p.id)
      return sim === undefined
        ? p
        : { ...p, jwks: undefined, jwksUrl: `${sim.url}/.well-known/jwks.json`, endpoint: `${sim.url}/yrd/v1/deliveries`, healthUrl: `${sim.url}/health`, delivery: FAST_POLICY }
    }
  })
  const steps = await runScenario({
    gatewayUrl: urlOf(h),
    platforms: sims,
    regionOf: (id) => PROVINCES.find((p) => p.id === id)?.region ?? '310000',
    admin: await h.adminKey('operator'),
    tag: 'e2e'
  })
  t.ok(steps.length >= 18, 'the whole scenario ran')
  t.same(steps.filter((s) => !s.ok), [], renderSteps(steps))
  t.match(renderSteps(steps), /\| step +\| expected +\| got +\| ok +\|/)
})

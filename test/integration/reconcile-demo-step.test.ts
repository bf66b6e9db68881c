import t from 'tap'
import { reconciliationDemoStep } from '../../demo/reconciliation-demo-step.js'
import { statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'
import { startShNativeSetup } from '../helpers/reconcile-native.js'

t.test('the demo step: drift in Shanghai\'s records found, healed and gone', async (t) => {
  const { h, sh } = await startShNativeSetup(t)
  await publishOwnerList(h, 'AH', '340000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  const outcome = await reconciliationDemoStep(h.app, { owner: 'AH', listCode: LIST, platform: 'SH', drift: () => { sh.entries.delete('AH:AH-black-3') } })
  t.ok(outcome.held, outcome.detail)
  t.match(outcome.detail, /run \d+ found 1 \(missing\) via export; healed with 1 message\(s\); run \d+ found 0/)
  t.equal(sh.entries.get('AH:AH-black-3')?.removed, false, 'SH holds the entry again')
})

import t from 'tap'
import { CHECK_OUTCOMES } from '../../contracts/check-v1.js'
import { OUTCOME_ZH, outcomeNotices } from '../../src/checks/check-outcome.js'
import type { CheckRow } from '../../src/checks/check-store.js'

// Zhejiang reports what its checks led to in these words (seed 001, 信用浙江 on 应查必查: "优先办理32467次，
// 不予办理773次，从严办理583次，有1192个主体被纳入重点监管名单"); the owner's notice uses them too.
t.test('seed 001 (应查必查): check outcomes are named 优先办理 / 不予办理 / 从严办理 / 纳入重点监管', async (t) => {
  t.same(CHECK_OUTCOMES.map((o) => OUTCOME_ZH[o]), ['优先办理', '不予办理', '从严办理', '纳入重点监管', '未影响决定'])
  const check = {
    id: 'c1',
    at: new Date('2026-10-09T02:00:00Z'),
    platform: 'ZJ',
    department: null,
    decision_type: 'administrative-approval',
    answered: { entries: [{ owner: 'SH', entryId: 'SH-black-1', version: 1, status: 'active', listType: 'black' }] }
  } as unknown as CheckRow
  const [notice] = outcomeNotices(check, 'SH', 'handled-more-strictly', null)
  t.match(notice?.text, /结果：从严办理。/)
})

import type { DemoPlatform } from './demo-platforms.js'
import type { ScenarioContext } from './demo-scenario.js'
import { sampleDay, sampleEntry } from '../sim/sample-entries.js'
import { addMonths, dayBefore } from '../src/envelopes/validity-period.js'

type Record = (step: string, expected: string, got: string) => void

/**
 * Issue 13 item 2, in the demo: Shanghai lists a tourism operator on its own tourism black list; a
 * Zhejiang approval checks the operator before a grading decision and is bound by it — not as
 * information only — on the regional tourism memorandum (合作备忘录, 浙政办发〔2021〕29号 (五) 第26项),
 * which the answer names; a Jiangsu key-supervision listing, which no memorandum names, stays
 * information only in Zhejiang.
 */
export async function runRegionalBasisStep (ctx: ScenarioContext, record: Record): Promise<void> {
  const gw = ctx.gatewayUrl
  const sh = ctx.platforms.find((p) => p.id === 'SH')
  const zj = ctx.platforms.find((p) => p.id === 'ZJ')
  const js = ctx.platforms.find((p) => p.id === 'JS')
  if (sh === undefined || zj === undefined || js === undefined) return
  const tourism = {
    ...sampleEntry('SH', ctx.regionOf('SH'), 70, { tag: `${ctx.tag}-basis` }),
    listCode: 'sh-tourism-serious-violation',
    domain: 'tourism',
    severeCategory: 'market-order' as const,
    facts: '旅行社以不合理低价组织旅游活动并诱导购物，情节严重。',
    measures: [{ code: 'sh-restrict-tourism-grading', mandatory: false }, { code: 'restrict-public-procurement', mandatory: true }]
  }
  // Jiangsu's key-supervision list lists for 12 months at most (exit.maximumMonths, config/registries/JS.json):
  // a listing from today, in force when the check is made.
  const from = sampleDay()
  const supervised = {
    ...sampleEntry('JS', ctx.regionOf('JS'), 71, { listType: 'key-supervision', tag: `${ctx.tag}-basis` }),
    listCode: 'js-food-drug-key-supervision',
    validFrom: from,
    validUntil: dayBefore(addMonths(from, 12)),
    measures: [{ code: 'js-increase-sampling', mandatory: false }],
    subject: tourism.subject
  }
  const listed = [(await sh.publish(gw, { kind: 'list.upsert', items: [tourism] })).status, (await js.publish(gw, { kind: 'list.upsert', items: [supervised] })).status]
  const check = async (p: DemoPlatform, decisionType: string): Promise<Array<{
    code: string, applies: boolean, bases: Array<{ kind: string, ref: string | null }>
  }>> => {
    const res = await fetch(`${gw}/v1/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await p.readToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: tourism.subject.creditCode, purpose: '演示：A级旅游景区评定申请', decisionType, department: '浙江省文化和旅游厅' })
    })
    return (
      (await res.json()) as {
        measures?: Array<{ code: string, applies: boolean, bases: Array<{ kind: string, ref: string | null }> }>
      }
    ).measures ?? []
  }
  const describe = (ms: Awaited<ReturnType<typeof check>>): string =>
    ms.map((m) => `${m.code} ${m.applies ? 'applies' : 'information only'} (${m.bases.map((b) => b.ref ?? b.kind).join(', ')})`).join('; ')
  record('a Shanghai tourism entry binds a Zhejiang check on the regional tourism memorandum (合作备忘录)',
    '202/202, sh-restrict-tourism-grading applies (yrd-tourism-memorandum)', `${listed.join('/')}, ${describe(await check(zj, 'grading-certification'))}`)
  record('a Jiangsu key-supervision listing no memorandum names stays information only in Zhejiang',
    'js-increase-sampling information only (none)', describe(await check(zj, 'routine-supervision')))
}

import type { DemoPlatform } from './demo-platforms.js'
import type { ScenarioContext } from './demo-scenario.js'
import { sampleDay, sampleEntry } from '../sim/sample-entries.js'
import { mintToken } from '../src/auth/mint-token.js'

type Record = (step: string, expected: string, got: string) => void
type Until = (check: () => boolean | Promise<boolean>, ms: number) => Promise<boolean>

const MEASURES = ['restrict-public-procurement', 'strict-supervision']

/**
 * The joint punishment part of the demo (issue 5): a food-and-drug black-list entry from JS with
 * a joint punishment notice, feedback from the three others, an objection that suspends it
 * everywhere, a correction, a repair that removes it everywhere.
 */
export async function runCoordinationScenario (ctx: ScenarioContext, record: Record, until: Until): Promise<void> {
  const gw = ctx.gatewayUrl
  const js = ctx.platforms.find((p) => p.id === 'JS')
  if (js === undefined) return
  const others = ctx.platforms.filter((p) => p !== js)
  const token = await mintToken(ctx.admin, ctx.admin.iss, { sub: 'demo-coordinator' })
  const get = async (path: string): Promise<any> => await (await fetch(`${gw}${path}`, { // eslint-disable-line @typescript-eslint/no-explicit-any
    headers: { authorization: `Bearer ${token}`, 'x-query-purpose': encodeURIComponent('演示：联合惩戒协同') }
  })).json()
  const count = (ps: DemoPlatform[], ok: (p: DemoPlatform) => boolean): string => `${ps.filter(ok).length} of ${ps.length}`
  const all = `${others.length} of ${others.length}`

  const entry = sampleEntry('JS', ctx.regionOf('JS'), 90, { tag: `${ctx.tag}-jp` })
  record('JS lists a food-and-drug black-list entry', '202', String((await js.publish(gw, { kind: 'list.upsert', items: [entry] })).status))
  const caseId = `JP-${ctx.tag}`
  const notice = await js.publish(gw, {
    kind: 'punishment.notice',
    items: [{
      caseId,
      mode: 'punishment',
      entryId: entry.entryId,
      owner: 'JS',
      initiatingDepartment: { name: '江苏省市场监督管理局' },
      subject: entry.subject,
      measures: MEASURES,
      respondBy: '2026-12-04',
      feedbackBy: '2026-12-18'
    }]
  })
  await until(() => others.every((p) => p.appliedCount(notice.jti) === 1), 20_000)
  record('JS sends a joint punishment notice: it reaches SH, ZJ and AH', `202, ${all}`, `${notice.status}, ${count(others, (p) => p.appliedCount(notice.jti) === 1)}`)

  const fed: number[] = []
  for (const p of others) {
    const items = MEASURES.map((measure) => ({ caseId, initiator: 'JS', department: { name: `${p.id} 财政部门` }, outcome: 'applied', measure, appliedOn: '2026-11-24' }))
    fed.push((await p.publish(gw, { kind: 'punishment.feedback', items })).status)
  }
  const c = await get(`/v1/cases/JS/${caseId}`)
  const complete = (c.platforms as Array<{ state: string }> | undefined ?? []).filter((x) => x.state === 'feedback-complete').length
  record('SH, ZJ and AH feed back (applied, per measure): the case closes', `202 x3, closed, ${all}`,
    `${fed.every((s) => s === 202) ? '202 x3' : fed.join('/')}, ${String(c.status)}, ${complete} of ${others.length}`)

  const subject = entry.subject.creditCode ?? ''
  const statusInView = async (): Promise<string> => {
    const v = await get(`/v1/subjects/${subject}/entries`)
    return (v.entries as Array<{ entryId: string, status: string, version: number }> | undefined)?.filter((e) => e.entryId === entry.entryId).map((e) => `${e.status} v${e.version}`).join(',') ?? 'none'
  }
  const zj = others.find((p) => p.id === 'ZJ') ?? others[0] as DemoPlatform
  const objectionId = `OB-${ctx.tag}`
  const opened = await zj.publish(gw, { kind: 'objection.open', items: [{ objectionId, entryId: entry.entryId, owner: 'JS', lodgedOn: '2026-11-24', grounds: '当事人称检验报告有误' }] })
  const told = ctx.platforms.filter((p) => p !== zj)
  await until(() => told.every((p) => p.appliedCount(opened.jti) === 1), 20_000)
  record('an objection (via ZJ) suspends the entry everywhere', `202, suspended v1, ${told.length} of ${told.length} told`,
    `${opened.status}, ${await statusInView()}, ${count(told, (p) => p.appliedCount(opened.jti) === 1)} told`)

  const v2 = { ...entry, version: 2, facts: '经复核更正：生产经营不符合食品安全标准的食品（批次已更正）。' }
  const upd = await js.publish(gw, { kind: 'list.upsert', items: [v2] })
  const resolved = await js.publish(gw, { kind: 'objection.resolve', items: [{ objectionId, entryId: entry.entryId, owner: 'JS', outcome: 'corrected', resolvedOn: '2026-11-25', explanation: '部分事实有误，已更正', correctedVersion: 2 }] })
  const holdsV2 = (p: DemoPlatform): boolean => (p.held('JS', entry.entryId)?.item as { version?: number } | undefined)?.version === 2
  await until(() => others.every(holdsV2), 20_000)
  record('JS corrects the entry and resolves the objection: measures resume on v2', `202/202, active v2, ${all} hold v2`,
    `${upd.status}/${resolved.status}, ${await statusInView()}, ${count(others, holdsV2)} hold v2`)

  const repair = await js.publish(gw, { kind: 'list.remove', items: [{ entryId: entry.entryId, owner: 'JS', version: 3, reason: 'repair', basis: '信用修复决定书 苏信修〔2026〕9号', effectiveOn: sampleDay() }] })
  await until(() => others.every((p) => p.held('JS', entry.entryId)?.removed === true), 20_000)
  await until(async () => (await get(`/v1/entries/JS/${entry.entryId}`)).lastChange?.complete === true, 10_000)
  const tracking = await get(`/v1/entries/JS/${entry.entryId}`)
  const confirmed = (tracking.lastChange?.destinations as Array<{ status: string }> | undefined ?? []).filter((d) => d.status === 'delivered').length
  record('a repair removes it everywhere, confirmed by every platform', `202, ${all} removed, ${all} confirmed`,
    `${repair.status}, ${count(others, (p) => p.held('JS', entry.entryId)?.removed === true)} removed, ${confirmed} of ${others.length} confirmed`)
}

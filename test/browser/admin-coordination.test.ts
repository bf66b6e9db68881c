import t from 'tap'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { accept, feedback, MEASURES, notice } from '../helpers/coordination-items.js'
import { startHarness, urlOf } from '../helpers/harness.js'
import { logIn, openBrowser } from './admin-browser.js'

const UNMASKED_ID = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/
const [M0 = '', M1 = ''] = MEASURES

t.test('the coordination cases in headless Chromium: overdue first, each province\'s state, the outcome grid, the statistics', async (t) => {
  const h = await startHarness(t, { listen: true })
  const base = urlOf(h)
  // JS's case on a person's entry, its response deadline passed (National Day moves it to 8 October).
  const entry = sampleEntry('JS', '320000', 1, { person: true })
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1', { respondBy: '2026-10-01', feedbackBy: '2026-10-17' })])
  await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')])
  await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', M0), feedback('JS', 'C1', 'declined', M1)])
  await h.app.coordination.runNow(new Date('2026-10-08T16:01:00Z')) // 00:01 CST the day after: ZJ and AH late
  await accept(h, 'ZJ', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')])
  await accept(h, 'AH', 'punishment.feedback', [feedback('JS', 'C1', 'not-applicable', M1)])
  // SH's case, on time, opened later (so only "overdue first" puts JS's first).
  const other = sampleEntry('SH', '310000', 2)
  await accept(h, 'SH', 'list.upsert', [other])
  // Its feedback deadline falls in 2027, whose calendar (CN-2027) is provisional: marked.
  await accept(h, 'SH', 'punishment.notice', [notice(other, 'C2', { feedbackBy: '2027-01-15' })])
  const password = 'correct horse battery staple'
  await createAccount(h.db, 'operator1', ['operator'], password)
  await createAccount(h.db, 'auditor1', ['auditor'], password)

  t.test('operator: the list, the per-province states and late marks, the statistics', async (t) => {
    const b = await openBrowser(t, 'cases-operator')
    const { page } = b
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await logIn(page, base, 'operator1', password)
    await page.click('[data-testid=nav-cases]')
    await page.waitForSelector('[data-testid=cases] tbody tr')
    const rows = page.locator('[data-testid=cases] tbody tr')
    t.equal(await rows.count(), 2, 'both cases listed')
    t.equal(await rows.nth(0).getAttribute('data-testid'), 'case-JS-C1', 'the overdue case first')
    t.equal(await rows.nth(1).getAttribute('data-testid'), 'case-SH-C2')
    const c1 = '[data-testid=case-JS-C1]'
    t.ok(await page.isVisible(`${c1} [data-testid=case-overdue]`), 'JS\'s case marked overdue')
    t.equal(await page.locator('[data-testid=case-SH-C2] [data-testid=case-overdue]').count(), 0, 'SH\'s case not')
    t.match(await page.innerText(`${c1} [data-testid=cell-JS]`), /发起方/, 'JS initiated')
    t.equal(await page.innerText(`${c1} [data-testid=case-domain]`), '食品药品', 'the domain code gets its Chinese label')
    t.ok(await page.isVisible(`${c1} [data-testid=cell-SH] [data-testid=pstate-feedback-complete]`), 'SH fed back on every measure')
    t.equal(await page.locator(`${c1} [data-testid=cell-SH] .late`).count(), 0, 'SH on time')
    t.ok(await page.isVisible(`${c1} [data-testid=cell-ZJ] [data-testid=pstate-acknowledged]`), 'ZJ acknowledged')
    t.ok(await page.isVisible(`${c1} [data-testid=cell-ZJ] [data-testid=late-response]`), 'ZJ responded late')
    t.ok(await page.isVisible(`${c1} [data-testid=cell-AH] [data-testid=pstate-feedback-partial]`), 'AH fed back on one measure')
    t.ok(await page.isVisible(`${c1} [data-testid=cell-AH] [data-testid=late-response]`), 'AH late too')
    t.equal(await page.locator(`${c1} [data-testid=late-feedback]`).count(), 0, 'no feedback deadline passed yet')
    t.match(await page.innerText(`${c1} [data-testid=cell-AH]`), /部分反馈\s*响应逾期/)
    t.ok(await page.isVisible('[data-testid=case-SH-C2] [data-testid=cell-JS] [data-testid=pstate-pushed]'), 'JS has not answered SH\'s case')
    t.equal(await page.innerText('[data-testid=case-SH-C2] [data-testid=calendar-feedbackBy]'), '暂定日历', 'a deadline in a year with a provisional calendar is marked')
    t.equal(await page.locator('[data-testid=case-SH-C2] [data-testid=calendar-respondBy]').count(), 0, 'one in an official year is not')
    t.equal(await page.locator(`${c1} .calendar-mark`).count(), 0, 'nor are JS\'s 2026 deadlines')

    // The statistics of the current year: two cases opened, one overdue.
    await page.waitForSelector('[data-testid=stats-total]')
    const total = await page.locator('[data-testid=stats-total] th').allInnerTexts()
    t.same(total.slice(0, 3), ['合计', '2', '1'], 'two cases opened, one overdue, this year')
    t.match(await page.innerText('[data-testid=coordination-stats]'), /JS/)
    await b.screenshot('operator-cases')

    t.equal(await page.locator('select[name=status] option[value=withdrawn]').innerText(), '已终止', 'a case ended by the entry\'s removal is 已终止')
    // Filters: overdue only, then an empty month range.
    await page.selectOption('select[name=overdue]', 'true')
    await page.click('form.filters button[type=submit]')
    t.ok(await waitFor(async () => await rows.count() === 1), 'one case left')
    t.equal(await page.locator('[data-testid=case-JS-C1]').count(), 1, 'overdue only: JS\'s case')
    t.match(page.url(), /#\/cases\?overdue=true/, 'the filter is in the address')
    await page.fill('input[name=from]', '2025-01')
    await page.fill('input[name=to]', '2025-12')
    await page.click('form.filters button[type=submit]')
    await page.waitForSelector('text=此期间没有协同数据')
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })

  t.test('auditor: the case detail — outcome grid, deadlines, history — in Chinese and English', async (t) => {
    const b = await openBrowser(t, 'cases-auditor')
    const { page } = b
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await logIn(page, base, 'auditor1', password)
    await page.click('[data-testid=nav-cases]')
    await page.click('[data-testid=case-JS-C1] a[href="#/cases/JS/C1"]')
    await page.waitForSelector('[data-testid=outcome-grid]')
    t.equal(await page.innerText('[data-testid=respond-by]'), '2026-10-08', 'the working-day response deadline')
    t.equal(await page.innerText('[data-testid=feedback-by]'), '2026-10-19', 'the working-day feedback deadline')
    const cell = async (m: string, p: string): Promise<string> => await page.innerText(`[data-testid=outcome-${m}-${p}]`)
    t.equal(await cell(M0, 'SH'), '已执行 2026-11-20')
    t.equal(await cell(M1, 'SH'), '未执行：不属于本部门职责')
    t.equal(await cell(M0, 'ZJ'), '待反馈')
    t.equal(await cell(M1, 'AH'), '不适用')
    t.equal(await cell(M0, 'AH'), '待反馈')
    t.equal(await page.locator('[data-testid=outcome-grid] thead th').count(), 4, 'a column per implementing platform (not the initiator)')
    t.match(await page.innerText('[data-testid=platform-ZJ]'), /已响应[\s\S]*响应逾期/)
    t.match(await page.innerText('[data-testid=platform-SH]'), /明确响应/)
    const history = page.locator('[data-testid=case-history] tbody tr')
    t.equal(await history.count(), 1 + 1 + 2 + 2 + 1 + 1, 'opened, SH\'s response and two outcomes, two deadlines passed, ZJ\'s response, AH\'s outcome')
    t.match(await history.nth(0).innerText(), /发起/)
    t.match(await page.innerText('[data-testid=case-history]'), /期限已过[\s\S]*which=response/)
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
    await b.screenshot('auditor-case-detail')

    await page.click('[data-testid=lang-toggle]')
    await page.waitForSelector('text=Coordination case')
    t.equal(await cell(M0, 'SH'), 'applied 2026-11-20')
    t.equal(await cell(M1, 'AH'), 'not applicable')
    t.match(await page.innerText('[data-testid=platform-AH]'), /feedback partial[\s\S]*response late/)
    await b.screenshot('auditor-case-detail-en')
    await page.click('[data-testid=nav-cases]')
    await page.waitForSelector('text=Coordination statistics')
    t.equal(await page.innerText('[data-testid=nav-cases]'), 'Cases')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })
})

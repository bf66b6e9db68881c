import t from 'tap'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { LIST, publishOwnerList, seedDrift } from '../helpers/reconcile-drift.js'
import { fetchInPage, logIn, openBrowser } from './admin-browser.js'

const UNMASKED_ID = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/

t.test('reconciliation in headless Chromium: an operator runs it, opens a finding; an auditor cannot heal; an admin heals', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const base = urlOf(h)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'the owner\'s list delivered to the three replicas')
  // One difference of every kind, straight into JS's own storage (never through the gateway).
  const seeded = seedDrift(sim('JS').held, 'SH', '310000')
  const person = sampleIdNumber('310000', 13)
  const password = 'correct horse battery staple'
  for (const role of ['admin', 'operator', 'auditor'] as const) await createAccount(h.db, `${role}1`, [role], password)
  let runId = ''

  t.test('operator: runs it now, sees the counts, opens the run and its most harmful finding', async (t) => {
    const b = await openBrowser(t, 'reconcile-operator')
    const { page } = b
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await logIn(page, base, 'operator1', password)
    await page.click('[data-testid=nav-reconciliation]')
    // The first page of runs under a loaded CI machine (browser tests run beside the rest of the suite) can take a
    // while.
    await page.waitForSelector('text=还没有对账记录', { timeout: 30_000 })
    await page.fill('[data-testid=run-now] input[name=owner]', 'SH')
    await page.fill('[data-testid=run-now] input[name=listCode]', LIST)
    await page.fill('[data-testid=run-now] input[name=platform]', 'JS')
    await page.click('[data-testid=run-now] button[type=submit]')
    await page.waitForSelector('text=已完成 1 次对账')
    await page.waitForSelector('[data-testid=runs] tbody tr')
    const row = page.locator('[data-testid=runs] tbody tr').first()
    runId = (await row.getAttribute('data-testid'))?.replace('run-', '') ?? ''
    t.match(runId, /^\d+$/, 'the new run listed')
    t.match(await row.innerText(), /SH\/food-drug-serious-violation → JS/)
    t.ok(await row.locator('[data-testid=run-done]').isVisible(), 'done')
    for (const s of seeded) t.equal(await row.locator(`[data-testid=count-${s.kind}]`).innerText(), '1', `one ${s.kind}`)
    await b.screenshot('operator-reconciliation-runs')

    await row.locator(`a[href="#/reconciliation/${runId}"]`).click()
    await page.waitForSelector('[data-testid=findings] tbody tr')
    const ids = await page.locator('[data-testid=findings] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))
    t.same(ids, seeded.map((s) => `finding-${s.entryId}`), 'every finding, the most harmful (removed at the owner, held by the replica) first')
    t.equal(await page.locator('[data-testid=heal-button]').count(), 0, 'no heal button for an operator')
    await page.click('[data-testid=open-SH-black-21]')
    await page.waitForSelector('[data-testid=finding-detail]')
    const detail = await page.innerText('[data-testid=finding-detail]')
    t.match(detail, /所有方已移出/, 'what the kind means')
    t.match(detail, /所有方\s*v2 removed/, 'the owner\'s version: removed')
    t.match(detail, /副本\s*v1 active/, 'the replica\'s: still active')
    t.match(detail, /已送达后丢失/, 'the likely cause: delivered, then lost')
    t.match(page.url(), /#\/reconciliation\/\d+\?finding=SH-black-21$/, 'the open finding is in the address')
    t.match(await page.innerText('[data-testid=finding-SH-black-13]'), new RegExp(`${person.slice(0, 4)}\\*{10}${person.slice(14)}`), 'the person is shown masked')
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
    await b.screenshot('operator-reconciliation-finding')
    const csvHref = await page.getAttribute('[data-testid=export-csv]', 'href') ?? ''
    const csv = await fetchInPage(page, csvHref)
    t.equal(csv.status, 200)
    t.match(csv.body, /run,owner,listCode,platform,kind,entryId,ownerVersion,ownerStatus,replicaVersion,replicaStatus,cause,subject,detail/)
    t.equal(csv.body.trim().split('\n').length, 7, 'a header and six findings')
    // (Organisations' credit codes may be all digits too: look for the person's number itself.)
    t.notOk(csv.body.includes(person), 'the export names the person masked too')
    t.match(csv.body, `,${person.slice(0, 4)}**********${person.slice(14)},`)
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })

  t.test('auditor: reads the run, has no run-now form and no heal button; the API refuses the heal', async (t) => {
    const b = await openBrowser(t, 'reconcile-auditor')
    const { page } = b
    await logIn(page, base, 'auditor1', password)
    await page.click('[data-testid=nav-reconciliation]')
    await page.waitForSelector('[data-testid=runs] tbody tr')
    t.equal(await page.locator('[data-testid=run-now]').count(), 0, 'no run-now form for an auditor')
    await page.goto(`${base}/admin/#/reconciliation/${runId}`)
    await page.waitForSelector('[data-testid=findings] tbody tr')
    t.equal(await page.locator('[data-testid=heal-button]').count(), 0, 'no heal button for an auditor')
    const forced = await fetchInPage(page, `/v1/reconciliation/runs/${runId}/heal`, 'POST')
    t.equal(forced.status, 403, 'the API refuses the auditor too')
    t.match(JSON.parse(forced.body), { code: 'FORBIDDEN' })
    await b.screenshot('auditor-reconciliation-run')
  })

  t.test('admin: heals the run, the heal is delivered and recorded, a second run finds nothing', async (t) => {
    const b = await openBrowser(t, 'reconcile-admin')
    const { page } = b
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await logIn(page, base, 'admin1', password)
    await page.goto(`${base}/admin/#/reconciliation/${runId}`)
    await page.click('[data-testid=heal-button]')
    await b.screenshot('admin-reconciliation-heal-confirm')
    await page.click('[data-testid=heal-confirm]')
    await page.waitForSelector('[data-testid=heal-note]')
    t.match(await page.innerText('[data-testid=heal-note]'), /已发出 \d+ 条纠偏\/补发消息/, 'a heal is 纠偏/补发: 修复 is 信用修复')
    t.match(await page.innerText('[data-testid=heal-note]'), /1 项暂停状态差异在账本中没有真实的异议消息.*SH-black-13/, 'the suspension no objection set is left for review, not healed')
    await page.waitForSelector('[data-testid=healed-at]')
    t.equal(await page.locator('[data-testid=heal-button]').count(), 0, 'a run is healed once: the button is gone')
    const jtis = await page.locator('[data-testid=heal-jtis] a').allInnerTexts()
    t.ok(jtis.length > 0, 'the heal messages are linked')
    t.ok(await waitFor(async () => {
      const { rows } = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE jti = ANY($1) AND destination = 'JS' AND status = 'delivered'", [jtis])
      return rows[0]?.n === jtis.length
    }, 15_000), 'delivered to JS')
    const actions = await h.db.query<{ principal: string, target: string }>("SELECT principal, target FROM admin_actions WHERE action = 'reconciliation.heal'")
    t.same(actions.rows, [{ principal: 'local:admin1', target: runId }], 'the approval is recorded under the admin\'s name')
    await b.screenshot('admin-reconciliation-healed')
    // A person reviews the suspension left for review and has JS drop it at its own end.
    const spurious = sim('JS').held.get('SH:SH-black-13')
    if (spurious === undefined) throw new Error('JS holds SH-black-13')
    const { suspended: _, ...reviewed } = spurious
    sim('JS').held.set('SH:SH-black-13', reviewed)

    await page.click('[data-testid=nav-reconciliation]')
    await page.fill('[data-testid=run-now] input[name=owner]', 'SH')
    await page.fill('[data-testid=run-now] input[name=listCode]', LIST)
    await page.fill('[data-testid=run-now] input[name=platform]', 'JS')
    await page.click('[data-testid=run-now] button[type=submit]')
    await page.waitForSelector('text=已完成 1 次对账')
    t.ok(await waitFor(async () => await page.locator('[data-testid=runs] tbody tr').count() === 2), 'two runs listed')
    const newest = page.locator('[data-testid=runs] tbody tr').first()
    t.not(await newest.getAttribute('data-testid'), `run-${runId}`, 'the new run first')
    await newest.locator('a').first().click()
    await page.waitForSelector('[data-testid=no-findings]')
    t.equal(await page.locator('[data-testid=heal-button]').count(), 0, 'nothing to heal')
    await page.click('[data-testid=lang-toggle]')
    await page.waitForSelector('text=The replica matches the owner')
    t.equal(await page.innerText('[data-testid=nav-reconciliation]'), 'Reconciliation')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })
})

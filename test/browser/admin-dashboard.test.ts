import t from 'tap'
import { copyFile, mkdir } from 'node:fs/promises'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { fetchInPage, logIn, openBrowser } from './admin-browser.js'

const UNMASKED_ID = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/

t.test('the dashboard in headless Chromium: admin resends a dead delivery, auditor reads the query log, operator may not', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const base = urlOf(h)
  // Anhui refuses everything (a permanent 4xx): its deliveries die at once; the others deliver.
  sim('AH').failure = 'reject-400'
  const jtis: string[] = []
  for (let i = 1; i <= 3; i++) {
    const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', i, { person: i === 2 })] })
    t.equal((await h.post(jws)).status, 202)
    jtis.push(jti)
  }
  t.ok(await waitFor(async () => (await statusCounts(h)).dead === 3 && (await statusCounts(h)).delivered === 6, 15_000), 'three dead (AH), six delivered')
  // Lookups for the query log: one of a person (identity number), one of an organisation.
  const person = sampleEntry('SH', '310000', 2, { person: true }).subject.idNumber as string
  const org = sampleEntry('SH', '310000', 1).subject.creditCode as string
  for (const [id, purpose] of [[person, '行政许可审查'], [org, '政府采购']] as const) {
    const res = await h.app.inject({ url: `/v1/subjects/${id}/entries`, headers: { authorization: `Bearer ${await h.platformToken('JS')}`, 'x-query-purpose': encodeURIComponent(purpose) } })
    t.equal(res.statusCode, 200)
  }
  const password = 'correct horse battery staple'
  for (const role of ['admin', 'operator', 'auditor'] as const) await createAccount(h.db, `${role}1`, [role], password)

  t.test('admin: logs in, sees the overview, finds a dead delivery and resends it', async (t) => {
    const b = await openBrowser(t, 'admin')
    const { page } = b
    await page.goto(`${base}/admin/`)
    await page.waitForSelector('form.login')
    await b.screenshot('admin-login')
    await logIn(page, base, 'admin1', password)
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await page.waitForSelector('[data-testid=platform-AH] [data-testid=health-up]')
    for (const id of ['SH', 'JS', 'ZJ', 'AH']) t.ok(await page.isVisible(`[data-testid=platform-${id}]`), `the overview shows ${id}`)
    t.match(await page.textContent('[data-testid=platform-AH]'), /失败投递\s*3/, 'AH has three dead deliveries')
    t.ok(await page.isVisible('[data-testid=lag-chart] canvas'), 'the lag chart is drawn')
    t.equal(await page.locator('[data-testid=dead-deliveries] tbody tr').count(), 3, 'the dead deliveries are listed')
    t.match(await page.textContent('[data-testid=dead-causes]'), /报文被拒收\s*3/, 'grouped by cause: three refused messages')
    t.equal(await page.locator('[data-testid=dead-deliveries] [data-testid=cause][title=ADAPTER_REFUSED]').count(), 3, 'each row names its cause code')
    const overviewShot = await b.screenshot('admin-overview')
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') { await mkdir('docs', { recursive: true }); await copyFile(overviewShot, 'docs/admin-overview.png') }

    // Open the first message from the dead list and resend its AH delivery once Anhui accepts again.
    sim('AH').failure = 'none'
    await page.click(`[data-testid=dead-deliveries] a[href="#/messages/${jtis[0] ?? ''}"]`)
    await page.waitForSelector('[data-testid=destination-AH] [data-testid=status-dead]')
    t.ok(await page.isVisible('[data-testid=destination-SH]') === false, 'the origin is no destination')
    await b.screenshot('admin-message-dead')
    await page.click('[data-testid=resend-AH]')
    await page.waitForSelector('[data-testid=destination-AH] .note')
    t.ok(await waitFor(async () => (await h.db.query("SELECT 1 FROM deliveries WHERE jti = $1 AND destination = 'AH' AND status = 'delivered'", [jtis[0]])).rowCount === 1), 'delivered after the resend')
    await page.click('text=刷新')
    await page.waitForSelector('[data-testid=destination-AH] [data-testid=status-delivered]')
    await b.screenshot('admin-message-resent')
    const actions = await h.db.query<{ principal: string, action: string }>("SELECT principal, action FROM admin_actions WHERE action = 'delivery.resend'")
    t.same(actions.rows, [{ principal: 'local:admin1', action: 'delivery.resend' }], 'the resend is recorded under the admin\'s name')

    // English on request; the admin has no query-log page.
    await page.click('[data-testid=lang-toggle]')
    await page.click('[data-testid=nav-overview]')
    await page.waitForSelector('text=Dead deliveries')
    t.notOk(await page.isVisible('[data-testid=nav-query-log]'), 'no query log for an admin')
    t.equal((await fetchInPage(page, '/v1/admin/query-log')).status, 403)
    await b.screenshot('admin-overview-en')
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })

  t.test('auditor: reads the query log with subjects masked, exports it, cannot resend', async (t) => {
    const b = await openBrowser(t, 'auditor')
    const { page } = b
    await logIn(page, base, 'auditor1', password)
    await page.click('[data-testid=nav-query-log]')
    await page.waitForSelector('[data-testid=query-log] tbody tr')
    const text = await page.innerText('[data-testid=query-log]')
    t.match(text, /行政许可审查/)
    t.match(text, new RegExp(`${person.slice(0, 4)}\\*{10}${person.slice(14)}`), 'the person is shown masked')
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
    t.ok(await page.isVisible('[data-testid=chain-ok]'), 'the hash chain is shown intact')
    await b.screenshot('auditor-query-log')
    // Who looked up this person: search by the number itself (hashed on the server).
    await page.fill('input[name=subject]', person)
    await page.click('form.filters button[type=submit]')
    t.ok(await waitFor(async () => await page.locator('[data-testid=query-log] tbody tr').count() === 1), 'one lookup of this person')
    t.match(await page.innerText('[data-testid=query-log]'), /JS/)

    const csv = await fetchInPage(page, '/v1/admin/query-log.csv')
    t.equal(csv.status, 200)
    t.match(csv.body, /seq,at,principal,role,route,subject_masked,purpose,result_count/)
    t.notMatch(csv.body, UNMASKED_ID, 'the export is masked too')

    await page.goto(`${base}/admin/#/messages/${jtis[1] ?? ''}`)
    await page.waitForSelector('[data-testid=destination-AH] [data-testid=status-dead]')
    t.equal(await page.locator('[data-testid=resend-AH]').count(), 0, 'no resend button for an auditor')
    const deliveryId = (await h.db.query<{ id: string }>("SELECT id FROM deliveries WHERE jti = $1 AND destination = 'AH'", [jtis[1]])).rows[0]?.id
    const forced = await fetchInPage(page, `/v1/deliveries/${deliveryId ?? ''}/resend`, 'POST')
    t.equal(forced.status, 403, 'the API refuses the auditor too')
    t.match(JSON.parse(forced.body), { code: 'FORBIDDEN' })
    await page.click('[data-testid=nav-actions]')
    await page.waitForSelector('[data-testid=admin-actions] tbody tr')
    t.match(await page.innerText('[data-testid=admin-actions]'), /delivery\.resend/)
    await b.screenshot('auditor-admin-actions')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })

  t.test('operator: sees deliveries but not the query log', async (t) => {
    const b = await openBrowser(t, 'operator')
    const { page } = b
    await logIn(page, base, 'operator1', password)
    await page.waitForSelector('[data-testid=dead-deliveries]')
    t.notOk(await page.isVisible('[data-testid=nav-query-log]'), 'no query-log entry in the nav')
    t.equal(await page.locator('[data-testid=dead-deliveries] button').count(), 0, 'no resend button for an operator')
    await page.goto(`${base}/admin/#/query-log`)
    await page.waitForSelector('[data-testid=forbidden]')
    t.equal((await fetchInPage(page, '/v1/admin/query-log')).status, 403, 'the API refuses the operator')
    await b.screenshot('operator-query-log-forbidden')
    await page.goto(`${base}/admin/#/messages?status=dead`)
    await page.waitForSelector('[data-testid=messages] tbody tr')
    t.equal(await page.locator('[data-testid=messages] tbody tr').count(), 2, 'two messages still have a dead delivery')
    t.equal(await page.locator('[data-testid=messages] tbody td[data-kind="list.upsert"]').first().innerText(), '名单新增或变更', 'a kind code gets its Chinese label')
    t.notMatch(await page.innerText('body'), UNMASKED_ID, 'no identity number in clear')
  })

  t.test('a platform refusing the gateway\'s credentials: shown paused with why; the operator resumes it, the auditor may not', async (t) => {
    sim('JS').failure = 'auth-401'
    const { jws } = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 9)] })
    t.equal((await h.post(jws)).status, 202)
    t.ok(await waitFor(async () => (await h.app.delivery.health.pauseOf('JS'))?.reason === 'credentials'), 'JS paused')

    const auditor = await openBrowser(t, 'auditor')
    await logIn(auditor.page, base, 'auditor1', password)
    await auditor.page.waitForSelector('[data-testid=platform-JS] [data-testid=pause][data-reason=credentials]')
    t.equal(await auditor.page.locator('[data-testid=platform-JS] [data-testid=resume]').count(), 0, 'no resume button for an auditor')

    const b = await openBrowser(t, 'operator')
    const { page } = b
    await logIn(page, base, 'operator1', password)
    await page.waitForSelector('[data-testid=platform-JS] [data-testid=pause][data-reason=credentials]')
    t.match(await page.textContent('[data-testid=platform-JS]'), /对方拒绝网关的认证凭据/, 'the reason, in Chinese')
    t.ok(await page.isVisible('[data-testid=platform-JS] [data-testid=health-paused]'))
    await b.screenshot('operator-platform-paused')
    sim('JS').failure = 'none'
    await page.click('[data-testid=platform-JS] [data-testid=resume]')
    t.ok(await waitFor(async () => (await h.db.query(
      "SELECT 1 FROM admin_actions WHERE action = 'platform.resume' AND target = 'JS' AND principal = 'local:operator1'")).rowCount === 1),
    'the resume is recorded under the operator\'s name')
    t.ok(await waitFor(async () => (await h.db.query(
      "SELECT 1 FROM deliveries WHERE destination = 'JS' AND status = 'delivered' AND attempts = 1 AND jti = $1", [(await h.db.query(
        "SELECT jti FROM deliveries WHERE destination = 'JS' ORDER BY id DESC LIMIT 1")).rows[0]?.jti])).rowCount === 1, 15_000),
    'delivered with one attempt once resumed')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })
})

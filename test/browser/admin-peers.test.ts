import t from 'tap'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { startWithPeers } from '../helpers/overview-peers.js'
import { logIn, openBrowser } from './admin-browser.js'

t.test('peer gateways on the overview in headless Chromium: an operator pauses and resumes CN; an auditor only looks', async (t) => {
  const { h, sim } = await startWithPeers(t)
  const base = urlOf(h)
  await sim('SH').publish(base, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], jti: 'SH-peer-ui-1' })
  t.ok(await waitFor(async () => (await h.db.query(
    "SELECT 1 FROM deliveries WHERE jti = 'SH-peer-ui-1' AND destination = 'CN' AND status = 'delivered'")).rowCount === 1), 'relayed to CN')
  const password = 'correct horse battery staple'
  for (const role of ['operator', 'auditor'] as const) await createAccount(h.db, `${role}1`, [role], password)

  t.test('operator: sees both peers, pauses CN with a reason, resumes it', async (t) => {
    const b = await openBrowser(t, 'peers-operator')
    const { page } = b
    t.teardown(() => { if (b.console.length > 0) t.comment(b.console.join('\n')) })
    await logIn(page, base, 'operator1', password)
    await page.waitForSelector('[data-testid=peer-gateways] [data-testid=peer-CN]')
    t.match(await page.textContent('[data-testid=peer-gateways] h2'), '对等网关')
    t.match(await page.textContent('[data-testid=peer-deliveries-CN]'), /已送达\s*1/, 'CN\'s delivery counted')
    t.match(await page.textContent('[data-testid=peer-CN] [data-testid=peer-origins]'), 'FY')
    t.ok(await page.isVisible('[data-testid=peer-JJJ] [data-testid=peer-config-paused]'), 'JJJ paused in its config')
    t.equal(await page.locator('[data-testid=peer-JJJ] button').count(), 0, 'which no button lifts')
    t.match(await page.textContent('[data-testid=peer-JJJ] [data-testid=peer-relayed]'), '否', 'nothing is relayed to JJJ')

    await page.fill('[data-testid=peer-CN] input[name=reason]', '密钥轮换')
    await page.click('[data-testid=pause-peer-CN]')
    await page.waitForSelector('[data-testid=peer-CN] [data-testid=peer-admin-paused]')
    t.match(await page.textContent('[data-testid=peer-CN] [data-testid=peer-pause-reason]'), '密钥轮换')
    t.ok(await page.isVisible('[data-testid=peer-CN] [data-testid=peer-state-paused]'), 'CN shows paused')
    const { rows } = await h.db.query<{ principal: string, reason: string }>("SELECT principal, reason FROM peer_pauses WHERE peer = 'CN'")
    t.same(rows, [{ principal: 'local:operator1', reason: '密钥轮换' }], 'paused under the operator\'s name (the CSRF token went along)')
    await b.screenshot('peers-overview-paused')

    await page.click('[data-testid=resume-peer-CN]')
    await page.waitForSelector('[data-testid=peer-CN] [data-testid=peer-state-active]')
    await page.waitForSelector('[data-testid=pause-peer-CN]')
    t.equal((await h.db.query("SELECT 1 FROM peer_pauses WHERE peer = 'CN'")).rowCount, 0, 'resumed')
    t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
  })

  t.test('auditor: sees the peers, no pause or resume button', async (t) => {
    const b = await openBrowser(t, 'peers-auditor')
    const { page } = b
    await logIn(page, base, 'auditor1', password)
    await page.waitForSelector('[data-testid=peer-gateways] [data-testid=peer-CN]')
    t.equal(await page.locator('[data-testid=peer-gateways] button').count(), 0, 'no button for an auditor')
  })
})

import t from 'tap'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleEntry } from '../../src/simulators/sample-entries.js'
import { startHarness, urlOf } from '../helpers/harness.js'
import { logIn, openBrowser } from './admin-browser.js'

t.test('the dashboard\'s data quality page: figures per source and month, and the checks counted', async (t) => {
  const h = await startHarness(t, { listen: true })
  const base = urlOf(h)
  for (const items of [[sampleEntry('SH', '310000', 1)], [sampleEntry('SH', '310000', 2)]]) {
    const { jws } = await h.sign('SH', { kind: 'list.upsert', items })
    t.equal((await h.post(jws)).status, 202)
  }
  const { jws } = await h.sign('JS', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 3)] })
  t.equal((await h.post(jws)).status, 403, 'a refused envelope')
  const check = await h.app.inject({
    method: 'POST',
    url: '/v1/checks',
    headers: { authorization: `Bearer ${await h.platformToken('ZJ')}` },
    payload: { subject: sampleEntry('SH', '310000', 1).subject.creditCode as string, purpose: 'tender', decisionType: 'public-procurement' }
  })
  t.equal(check.statusCode, 200)
  const password = 'correct horse battery staple'
  await createAccount(h.db, 'operator1', ['operator'], password)

  const b = await openBrowser(t, 'quality')
  const { page } = b
  await logIn(page, base, 'operator1', password)
  await page.click('[data-testid=nav-quality]')
  await page.waitForSelector('[data-testid=quality] tbody tr')
  const rows = await page.locator('[data-testid=quality] tbody tr').allInnerTexts()
  t.equal(rows.length, 2, 'the two sources that sent something this month')
  t.match(rows.find((r) => r.includes('SH')), /SH\s+2\s+0\s+0\.00%/, 'SH: two received, none refused')
  t.match(rows.find((r) => r.includes('JS')), /JS\s+1\s+1\s+100\.00%\s+NOT_OWNER 1/, 'JS: one refused, and why')
  t.match(await page.innerText('[data-testid=check-stats]'), /1/, 'the checks are counted')
  await b.screenshot('operator-quality')
  t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
})

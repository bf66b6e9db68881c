import t from 'tap'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { sampleEntry } from '../../sim/sample-entries.js'
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
  const outcome = await h.app.inject({
    method: 'POST',
    url: `/v1/checks/${String(check.json().checkId)}/outcome`,
    headers: { authorization: `Bearer ${await h.platformToken('ZJ')}` },
    payload: { outcome: 'handled-more-strictly' }
  })
  t.equal(outcome.statusCode, 201)
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
  t.match(await page.innerText('[data-testid=check-stats]'), /从严办理 1/, 'the outcome in seed 001\'s words (应查必查: 从严办理)')
  const head = await page.innerText('[data-testid=quality] thead')
  t.match(head, /统一社会信用代码重错码率/, 'the indicator\'s name (浙政办发〔2021〕29号)')
  t.match(head, /归集合规率/, '归集合规率 next to it')
  t.match(head, /时效中位数（工作日）/, 'timeliness in working days')
  t.match(head, /红名单与严重失信主体名单冲突/, 'the black list is 严重失信主体名单 (国办发〔2020〕49号 (八)), not 黑名单')
  t.match(rows.find((r) => r.includes('SH')), /食品药品 2/, 'SH\'s entries per domain, labelled')
  t.equal(await page.innerText('[data-testid=coverage-SH-food-drug]'), '2', 'coverage: SH holds two food-drug entries')
  t.equal(await page.innerText('[data-testid=coverage-JS-food-drug]'), '0', 'JS none: its envelope was refused')
  t.match(await page.innerText('[data-testid=coverage] thead'), /食品药品[\s\S]*旅游/, 'every domain of the registries, labelled')
  await b.screenshot('operator-quality')
  t.same(b.console.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violation, no page error')
})

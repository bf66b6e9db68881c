import t from 'tap'
import { startHarness, urlOf } from '../helpers/harness.js'
import { openBrowser } from './admin-browser.js'

t.test('the OpenAPI UI at /docs still works under the strict CSP', async (t) => {
  const h = await startHarness(t, { listen: true })
  const b = await openBrowser(t, 'docs')
  await b.page.goto(`${urlOf(h)}/docs`)
  await b.page.waitForSelector('.opblock')
  const paths = (await b.page.locator('.opblock-summary-path').allInnerTexts()).map((p) => p.replace(/\u200b/g, ''))
  t.ok(paths.includes('/v1/admin/overview') && paths.includes('/v1/envelopes'), 'the routes are listed')
  await b.screenshot('docs')
  t.same(b.console.filter((m) => /pageerror|script-src/i.test(m)), [], 'no page error, no script refused')
  // Swagger UI sets one inline style the CSP refuses; it is cosmetic, and the policy stays strict.
  t.ok(b.console.filter((m) => /Content Security Policy/.test(m)).every((m) => /style-src/.test(m)), 'only inline styles refused')
})

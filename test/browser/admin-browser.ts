import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = join(process.cwd(), 'test-artifacts')

interface Teardown { teardown: (fn: () => unknown) => void }

export interface BrowserPage {
  page: Page
  context: BrowserContext
  /** Console messages the page logged (CSP violations show up here). */
  console: string[]
  screenshot: (name: string) => Promise<string>
}

/**
 * Debian's headless Chromium driven by playwright-core, in a fresh profile of its own, closed with
 * the test. Screenshots go to test-artifacts/ (not committed).
 */
export async function openBrowser (t: Teardown, name: string): Promise<BrowserPage> {
  const profile = await mkdtemp(join(tmpdir(), `yrd-chromium-${name}-`))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai'
  })
  t.teardown(async () => {
    await context.close().catch(() => undefined)
    await rm(profile, { recursive: true, force: true })
  })
  const page = context.pages()[0] ?? await context.newPage()
  page.setDefaultTimeout(15_000)
  const console: string[] = []
  page.on('console', (m) => { console.push(`${m.type()}: ${m.text()}`) })
  page.on('pageerror', (e) => { console.push(`pageerror: ${e.message}`) })
  await mkdir(ARTIFACTS, { recursive: true })
  return {
    page,
    context,
    console,
    screenshot: async (shot) => {
      const path = join(ARTIFACTS, `${shot}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    }
  }
}

/** Logs in through the dashboard's own form. */
export async function logIn (page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.waitForSelector('[data-testid=who]')
}

/** A call from inside the page, with its session cookie and (for state changes) its CSRF token. */
export async function fetchInPage (page: Page, path: string, method = 'GET'): Promise<{ status: number, body: string }> {
  return await page.evaluate(async ({ path, method }) => {
    const session = await (await fetch('/v1/admin/session')).json() as { csrfToken: string | null }
    const res = await fetch(path, { method, headers: method === 'GET' ? {} : { 'x-csrf-token': session.csrfToken ?? '' } })
    return { status: res.status, body: await res.text() }
  }, { path, method })
}

import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, setCsrfToken, whenUnauthorized, type Session } from './api'
import { setLang, useLang, usePageLabels } from './i18n'
import { PAGES } from './pages/registry'
import { can } from './pages/page'
import { href, match, useHash } from './router'

function Login ({ onLogin }: { onLogin: (s: Session) => void }) {
  const t = usePageLabels()
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    const form = new FormData(e.target as HTMLFormElement)
    setBusy(true)
    try {
      onLogin(await api<Session>('/v1/admin/session', { method: 'POST', body: { username: String(form.get('username')), password: String(form.get('password')) } }))
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('loginFailed') : (err as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class='login card' onSubmit={(e) => { submit(e).catch(() => undefined) }}>
      <h1>{t('title')}</h1>
      <label>{t('username')} <input name='username' autocomplete='username' required /></label>
      <label>{t('password')} <input name='password' type='password' autocomplete='current-password' required /></label>
      {error !== undefined && <p class='error' role='alert'>{error}</p>}
      <button type='submit' disabled={busy}>{t('login')}</button>
    </form>
  )
}

function LangToggle () {
  const lang = useLang()
  const t = usePageLabels()
  return <button type='button' class='lang' data-testid='lang-toggle' onClick={() => { setLang(lang === 'zh' ? 'en' : 'zh') }}>{t('language')}</button>
}

/** The dashboard: login, then the nav of the pages the user's roles allow, and the page the address names. */
export function App () {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const hash = useHash()
  const lang = useLang()
  const t = usePageLabels()
  const login = (s: Session | null): void => { setCsrfToken(s?.csrfToken ?? null); setSession(s) }
  useEffect(() => {
    whenUnauthorized(() => { login(null) })
    api<Session>('/v1/admin/session').then(login, () => { login(null) })
  }, [])
  if (session === undefined) return <p>{t('loading')}</p>
  if (session === null) return <><header class='top'><LangToggle /></header><Login onLogin={login} /></>

  const found = match(PAGES, hash === '' || hash === '#/' ? '#/overview' : hash)
  const logout = async (): Promise<void> => { await api('/v1/admin/session', { method: 'DELETE' }).catch(() => undefined); login(null) }
  const Page = found?.page.component
  return (
    <>
      <header class='top'>
        <strong class='brand'>{t('title')}</strong>
        <nav>
          {PAGES.filter((p) => p.nav !== undefined && can(session, p.roles)).map((p) => (
            <a key={p.path} href={href(p.path)} class={found?.page === p ? 'active' : ''} data-testid={`nav-${p.path}`}>{p.nav?.[lang]}</a>
          ))}
        </nav>
        <span class='who' data-testid='who'>{session.principal} · {session.roles.map((r) => t(`role.${r}`)).join(', ')}</span>
        <LangToggle />
        <button type='button' onClick={() => { logout().catch(() => undefined) }}>{t('logout')}</button>
      </header>
      <main>
        {found === undefined || Page === undefined
          ? <p class='error'>{t('notFound')}</p>
          : can(session, found.page.roles)
            ? <Page params={found.params} session={session} />
            : <p class='error' role='alert' data-testid='forbidden'>{t('forbidden')}</p>}
      </main>
    </>
  )
}

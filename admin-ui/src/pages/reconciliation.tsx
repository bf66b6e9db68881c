import { useState } from 'preact/hooks'
import { api, query } from '../api'
import { usePageLabels } from '../i18n'
import { formatTime } from '../mask'
import { hashQuery, href, setHashQuery, useHash } from '../router'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { FINDING_KINDS, withReconcileLabels, type Run } from './reconcile-labels'
import { can, OPS, type PageDef, type PageProps } from './page'

const labels = withReconcileLabels({
  zh: {
    heading: '对账',
    intro: '各副本平台持有的名单与所有方名单的比对，最新的在前；每类差异一列。',
    run: '对账编号',
    runNow: '立即对账',
    platformOpt: '副本平台（留空为全部）',
    methodOpt: '方式',
    auto: '自动',
    started_: '已完成 {n} 次对账',
    empty: '还没有对账记录',
    running_: '对账中…'
  },
  en: {
    heading: 'Reconciliation',
    intro: 'Each replica platform\'s copy of a list compared with the owner\'s, newest first; one column per kind of difference.',
    run: 'Run',
    runNow: 'Run now',
    platformOpt: 'Replica (empty: all)',
    methodOpt: 'Method',
    auto: 'auto',
    started_: '{n} run(s) done',
    empty: 'No reconciliation run yet',
    running_: 'Reconciling…'
  }
})
const FIELDS = ['owner', 'listCode', 'platform'] as const

function RunNow (
  { onDone, t }: { onDone: (runs: Run[]) => void, t: (k: string, v?: Record<string, string | number>) => string }
) {
  const [form, setForm] = useState({ owner: '', listCode: '', platform: '', method: '' })
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string | undefined>(undefined)
  const field = (name: keyof typeof form) => (e: Event) => {
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value.trim() })
  }
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setNote(t('running_'))
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''))
      const res = await api<{ runs: Run[] }>('/v1/reconciliation/runs', { method: 'POST', body })
      setNote(t('started_', { n: res.runs.length }))
      onDone(res.runs)
    } catch (err) {
      setNote(`${t('error')}: ${(err as Error).message}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class='filters card' data-testid='run-now' onSubmit={(e) => { submit(e).catch(() => undefined) }}>
      <label>{t('owner')} <input name='owner' value={form.owner} onInput={field('owner')} size={4} required /></label>
      <label>{t('listCode')} <input name='listCode' value={form.listCode} onInput={field('listCode')} required /></label>
      <label>{t('platformOpt')} <input name='platform' value={form.platform} onInput={field('platform')} size={4} /></label>
      <label>{t('methodOpt')}{' '}
        <select name='method' value={form.method} onChange={field('method')}>
          <option value=''>{t('auto')}</option><option value='range'>range</option><option value='export'>export</option>
        </select>
      </label>
      <button type='submit' disabled={busy}>{t('runNow')}</button>
      {note !== undefined && <span class='note' role='status' data-testid='run-now-note'>{note}</span>}
    </form>
  )
}

function ReconciliationPage ({ session }: PageProps) {
  const t = usePageLabels(labels)
  const hash = useHash()
  const params = hashQuery(hash)
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<typeof FIELDS[number], string>
  const [form, setForm] = useState(filters)
  const [before, setBefore] = useState<string | undefined>(undefined)
  const runs = useLoad(async () => await api<{ runs: Run[], nextBefore: string | null }>(`/v1/reconciliation/runs${query({ ...filters, before })}`), `${hash}|${before ?? ''}`)
  const field = (name: typeof FIELDS[number]) => (e: Event) => {
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value.trim() })
  }
  const list = runs.data?.runs ?? []
  return (
    <div>
      <header class='page-head'><h1>{t('heading')}</h1><button type='button' onClick={() => { runs.reload() }}>{t('refresh')}</button></header>
      <p class='muted'>{t('intro')}</p>
      {can(session, ['admin', 'operator']) && <RunNow t={t} onDone={() => { setBefore(undefined); runs.reload() }} />}
      <form class='filters' onSubmit={(e) => { e.preventDefault(); setBefore(undefined); setHashQuery('reconciliation', form) }}>
        <label>{t('owner')} <input name='owner' value={form.owner} onInput={field('owner')} size={4} /></label>
        <label>{t('listCode')} <input name='listCode' value={form.listCode} onInput={field('listCode')} /></label>
        <label>{t('replica')} <input name='platform' value={form.platform} onInput={field('platform')} size={4} /></label>
        <button type='submit'>{t('search')}</button>
      </form>
      <ErrorLine error={runs.error} t={t} />
      {runs.data !== undefined && list.length === 0 && <p class='muted'>{t('empty')}</p>}
      {list.length > 0 && (
        <div class='scroll'>
          <table data-testid='runs'>
            <thead>
              <tr>
                <th>{t('run')}</th><th>{t('started')}</th><th>{t('scope')}</th><th>{t('trigger')}</th><th>{t('method')}</th><th>{t('status')}</th>
                {FINDING_KINDS.map((k) => <th key={k}>{t(`finding.${k}`)}</th>)}
                <th>{t('healed')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.id} data-testid={`run-${r.id}`}>
                  <td><a href={href(`reconciliation/${r.id}`)}>#{r.id}</a></td>
                  <td>{formatTime(r.startedAt)}</td>
                  <td>{r.owner}/{r.listCode} → {r.platform}</td>
                  <td>{r.trigger} · {r.requestedBy}</td>
                  <td>{r.method ?? '—'}</td>
                  <td><Badge kind='run' value={r.status} t={t} /></td>
                  {FINDING_KINDS.map((k) => <td key={k} class={(r.counts[k] ?? 0) > 0 ? 'num alarm' : 'num muted'} data-testid={`count-${k}`}>{r.counts[k] ?? 0}</td>)}
                  <td>{r.healedAt === null ? '—' : formatTime(r.healedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.data?.nextBefore != null && <button type='button' onClick={() => { setBefore(runs.data?.nextBefore ?? undefined) }}>{t('next')}</button>}
    </div>
  )
}

export const reconciliationPage: PageDef = {
  path: 'reconciliation',
  roles: OPS,
  nav: { zh: '对账', en: 'Reconciliation' },
  labels,
  component: ReconciliationPage
}

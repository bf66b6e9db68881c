import { useState } from 'preact/hooks'
import { api, query } from '../api'
import { usePageLabels } from '../i18n'
import { formatTime, maskText } from '../mask'
import { hashQuery, setHashQuery, useHash } from '../router'
import { ChainStatus } from '../components/chain-status'
import { ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import type { PageDef } from './page'
import type { QueryLogPageV1 } from '../../../contracts/admin-v1.js'

const labels = {
  zh: {
    heading: '查询日志',
    intro: '谁在何时以何目的查询了哪个主体（国办发〔2020〕49号（十三）查询使用登记）。证件号码一律脱敏。',
    principal: '查询人',
    role: '角色',
    subject: '主体（脱敏）',
    subjectFilter: '主体代码或证件号',
    purpose: '用途',
    results: '结果数',
    from: '起',
    to: '止',
    export: '导出 CSV',
    empty: '没有记录',
    chainOk: '哈希链完整：{rows} 条，链头 {hash}…',
    chainBroken: '哈希链在第 {seq} 条断开：{reason}'
  },
  en: {
    heading: 'Query log',
    intro: 'Who looked up which subject, when and why (query-use registration, 国办发〔2020〕49号 (十三)). Identity numbers are always masked.',
    principal: 'Who',
    role: 'Role',
    subject: 'Subject (masked)',
    subjectFilter: 'Credit code or identity number',
    purpose: 'Purpose',
    results: 'Results',
    from: 'From',
    to: 'To',
    export: 'Export CSV',
    empty: 'No records',
    chainOk: 'Hash chain intact: {rows} rows, head {hash}…',
    chainBroken: 'Hash chain broken at row {seq}: {reason}'
  }
}
const FIELDS = ['principal', 'subject', 'from', 'to'] as const
const iso = (local: string): string | undefined => local === '' ? undefined : new Date(local).toISOString()

function QueryLogPage () {
  const t = usePageLabels(labels)
  const hash = useHash()
  const params = hashQuery(hash)
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<typeof FIELDS[number], string>
  const [form, setForm] = useState(filters)
  const [before, setBefore] = useState<string | undefined>(undefined)
  const apiFilters = {
    principal: filters.principal, subject: filters.subject, from: iso(filters.from), to: iso(filters.to)
  }
  const log = useLoad(
    async () => await api<QueryLogPageV1>(`/v1/admin/query-log${query({ ...apiFilters, before, limit: 100 })}`),
    `${hash}|${before ?? ''}`)
  const field = (name: typeof FIELDS[number]) => (e: Event) => {
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value })
  }
  return (
    <div>
      <header class='page-head'>
        <h1>{t('heading')}</h1>
        <a class='button' href={`/v1/admin/query-log.csv${query(apiFilters)}`} data-testid='export-csv' download>{t('export')}</a>
      </header>
      <p class='muted'>{t('intro')}</p>
      <ChainStatus table='query_log' t={t} />
      <form class='filters' onSubmit={(e) => { e.preventDefault(); setBefore(undefined); setHashQuery('query-log', form) }}>
        <label>{t('principal')} <input name='principal' value={form.principal} onInput={field('principal')} /></label>
        <label>{t('subjectFilter')} <input name='subject' value={form.subject} onInput={field('subject')} autocomplete='off' maxLength={18} /></label>
        <label>{t('from')} <input type='datetime-local' name='from' value={form.from} onInput={field('from')} /></label>
        <label>{t('to')} <input type='datetime-local' name='to' value={form.to} onInput={field('to')} /></label>
        <button type='submit'>{t('search')}</button>
      </form>
      <ErrorLine error={log.error} t={t} />
      {log.data?.rows.length === 0 && <p class='muted'>{t('empty')}</p>}
      {(log.data?.rows.length ?? 0) > 0 && (
        <table data-testid='query-log'>
          <thead><tr><th>#</th><th>{t('time')}</th><th>{t('principal')}</th><th>{t('role')}</th><th>{t('subject')}</th><th>{t('purpose')}</th><th>{t('results')}</th></tr></thead>
          <tbody>
            {log.data?.rows.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td><td>{formatTime(r.at)}</td><td>{maskText(r.principal)}</td><td>{r.role}</td>
                <td><code>{maskText(r.subjectMasked)}</code></td><td>{maskText(r.purpose)}</td><td>{r.resultCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.data?.nextBefore != null && <button type='button' onClick={() => { setBefore(log.data?.nextBefore ?? undefined) }}>{t('next')}</button>}
    </div>
  )
}

export const queryLogPage: PageDef = {
  path: 'query-log',
  roles: ['auditor'],
  nav: { zh: '查询日志', en: 'Query log' },
  labels,
  component: QueryLogPage
}

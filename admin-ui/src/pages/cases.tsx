import { useState } from 'preact/hooks'
import { api, query } from '../api'
import { useCodeLabel, usePageLabels } from '../i18n'
import { formatTime, maskText } from '../mask'
import { hashQuery, href, setHashQuery, useHash } from '../router'
import { Deadline, PlatformState } from '../components/case-marks'
import { CoordinationStatsTable, currentYear, statsLabels } from '../components/coordination-stats-table'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { CASE_STATUSES, provincesOf, withCaseLabels, type Case } from './case-labels'
import { OPS, type PageDef } from './page'

const labels = withCaseLabels({
  zh: { ...statsLabels.zh, heading: '协同案件', intro: '联合惩戒和激励案件，逾期的在前；每个省份一列：该平台的响应和反馈状态及逾期标记。', any: '全部', overdueFilter: '是否逾期', yes: '逾期', no: '未逾期', empty: '没有符合条件的案件' },
  en: { ...statsLabels.en, heading: 'Coordination cases', intro: 'Joint punishment and reward cases, overdue first; one column per province: that platform\'s response and feedback state and its late marks.', any: 'any', overdueFilter: 'Overdue', yes: 'overdue', no: 'not overdue', empty: 'No case matches' }
})
const FIELDS = ['status', 'overdue', 'from', 'to'] as const

function CasesPage () {
  const t = usePageLabels(labels)
  const label = useCodeLabel()
  const hash = useHash()
  const params = hashQuery(hash)
  const year = currentYear()
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<typeof FIELDS[number], string>
  const [form, setForm] = useState({ ...filters, from: filters.from === '' ? year.from : filters.from, to: filters.to === '' ? year.to : filters.to })
  const cases = useLoad(async () => await api<{ cases: Case[] }>(`/v1/cases${query({ status: filters.status, overdue: filters.overdue, limit: 500 })}`), `${filters.status}|${filters.overdue}`)
  const field = (name: typeof FIELDS[number]) => (e: Event) => {
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value })
  }
  const list = cases.data?.cases ?? []
  const provinces = provincesOf(list)
  return (
    <div>
      <header class='page-head'><h1>{t('heading')}</h1><button type='button' onClick={() => { cases.reload() }}>{t('refresh')}</button></header>
      <p class='muted'>{t('intro')}</p>
      <form class='filters' onSubmit={(e) => { e.preventDefault(); setHashQuery('cases', form) }}>
        <label>{t('status')}{' '}
          <select name='status' value={form.status} onChange={field('status')}>
            <option value=''>{t('any')}</option>
            {CASE_STATUSES.map((s) => <option key={s} value={s}>{t(`case.${s}`)}</option>)}
          </select>
        </label>
        <label>{t('overdueFilter')}{' '}
          <select name='overdue' value={form.overdue} onChange={field('overdue')}>
            <option value=''>{t('any')}</option>
            <option value='true'>{t('yes')}</option>
            <option value='false'>{t('no')}</option>
          </select>
        </label>
        <label>{t('fromMonth')} <input name='from' type='month' value={form.from} onInput={field('from')} /></label>
        <label>{t('toMonth')} <input name='to' type='month' value={form.to} onInput={field('to')} /></label>
        <button type='submit'>{t('search')}</button>
      </form>
      <ErrorLine error={cases.error} t={t} />
      {cases.data !== undefined && list.length === 0 && <p class='muted'>{t('empty')}</p>}
      {list.length > 0 && (
        <div class='scroll'>
          <table data-testid='cases'>
            <thead>
              <tr>
                <th>{t('case')}</th><th>{t('mode')}</th><th>{t('domain')}</th><th>{t('entry')}</th><th>{t('status')}</th>
                <th>{t('respondBy')}</th><th>{t('feedbackBy')}</th>
                {provinces.map((p) => <th key={p}>{p}</th>)}
                <th>{t('opened')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={`${c.initiator}/${c.caseId}`} class={c.overdue ? 'overdue' : ''} data-testid={`case-${c.initiator}-${c.caseId}`}>
                  <td><a href={href(`cases/${encodeURIComponent(c.initiator)}/${encodeURIComponent(c.caseId)}`)}>{c.initiator} · {maskText(c.caseId)}</a></td>
                  <td>{t(`mode.${c.mode}`)}</td>
                  <td title={c.domain} data-testid='case-domain'>{label('domain', c.domain)}</td>
                  <td>{c.owner}/{maskText(c.entryId)} v{c.entryVersion}</td>
                  <td><Badge kind='case' value={c.status} t={t} />{c.overdue && <> <span class='late' data-testid='case-overdue'>{t('overdue')}</span></>}</td>
                  <td><Deadline c={c} which='respondBy' t={t} /></td><td><Deadline c={c} which='feedbackBy' t={t} /></td>
                  {provinces.map((p) => {
                    const part = c.platforms.find((x) => x.platform === p)
                    return (
                      <td key={p} data-testid={`cell-${p}`}>
                        {p === c.initiator ? <span class='muted'>{t('initiatorMark')}</span> : part === undefined ? '—' : <PlatformState p={part} t={t} />}
                      </td>
                    )
                  })}
                  <td>{formatTime(c.openedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('stats')}</h2>
      <p class='muted'>{t('statsIntro')}</p>
      <CoordinationStatsTable from={filters.from === '' ? year.from : filters.from} to={filters.to === '' ? year.to : filters.to} t={t} />
    </div>
  )
}

export const casesPage: PageDef = {
  path: 'cases',
  roles: OPS,
  nav: { zh: '协同案件', en: 'Cases' },
  labels,
  component: CasesPage
}

import { api } from '../api'
import { usePageLabels } from '../i18n'
import { ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { OPS, type PageDef } from './page'

interface Completeness { field: string, present: number, of: number, rate: number | null }
interface QualityRow {
  source: string
  month: string
  envelopes: { received: number, accepted: number, refused: number, rejectionRate: number | null, refusedByReason: Record<string, number> }
  completeness: Completeness[]
  creditCodes: { items: number, duplicates: number, refusedInvalid: number, errorRate: number | null, meetsIndicator: boolean | null }
  freshness: { entries: number, medianDays: number | null, p90Days: number | null }
  contradictions: { entries: number, acrossProvinces: number }
}
interface CheckStats { checks: number, withEntries: number, withOutcome: number, byOutcome: Record<string, number> }

const labels = {
  zh: {
    heading: '数据质量与应查必查',
    intro: '各来源平台按月统计：收到与拒收的报文（按原因）、字段完整率、统一社会信用代码重错率（指标 ≤ 0.01%）、时效（决定日期至到达）、红黑名单冲突。',
    source: '来源',
    month: '月份',
    received: '收到',
    refused: '拒收',
    rejection: '拒收率',
    reasons: '拒收原因',
    weakest: '完整率最低的字段',
    codes: '代码重错率',
    meets: '达标',
    fresh: '时效中位数（天）',
    contradictions: '红黑冲突',
    csv: '下载 CSV',
    checks: '应查必查',
    checked: '查询次数',
    withEntries: '命中名单',
    withOutcome: '已反馈结果',
    yes: '是',
    no: '否'
  },
  en: {
    heading: 'Data quality and checks',
    intro: 'Per source platform and month: envelopes received and refused (by reason), field completeness, wrong or duplicate credit codes (indicator ≤ 0.01%), freshness (decision date to arrival), red-and-black contradictions.',
    source: 'Source',
    month: 'Month',
    received: 'Received',
    refused: 'Refused',
    rejection: 'Rejection rate',
    reasons: 'Refused for',
    weakest: 'Least complete fields',
    codes: 'Code error rate',
    meets: 'Meets',
    fresh: 'Median days to arrive',
    contradictions: 'Contradictions',
    csv: 'Download CSV',
    checks: 'Checks before deciding',
    checked: 'Checks',
    withEntries: 'Found entries',
    withOutcome: 'Outcome reported',
    yes: 'yes',
    no: 'no'
  }
}

const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(r < 0.001 && r > 0 ? 4 : 2)}%`)

function weakest (c: Completeness[]): string {
  return c.filter((x) => x.rate !== null && x.rate < 1)
    .sort((a, b) => (a.rate ?? 1) - (b.rate ?? 1))
    .slice(0, 3)
    .map((x) => `${x.field} ${pct(x.rate)}`)
    .join(', ')
}

function QualityPage () {
  const t = usePageLabels(labels)
  const report = useLoad(async () => await api<{ rows: QualityRow[] }>('/v1/quality'), 'quality')
  const stats = useLoad(async () => await api<CheckStats>('/v1/checks/stats'), 'check-stats')
  const rows = (report.data?.rows ?? []).filter((r) => r.envelopes.received > 0).reverse()
  return (
    <div>
      <header class='page-head'><h1>{t('heading')}</h1>
        <a href='/v1/quality?format=csv' download='quality.csv'>{t('csv')}</a>
        <button type='button' onClick={() => { report.reload(); stats.reload() }}>{t('refresh')}</button>
      </header>
      <p class='muted'>{t('intro')}</p>
      <ErrorLine error={report.error ?? stats.error} t={t} />
      {stats.data !== undefined && (
        <p data-testid='check-stats'>{t('checks')}: {t('checked')} {stats.data.checks} · {t('withEntries')} {stats.data.withEntries} · {t('withOutcome')} {stats.data.withOutcome}
          {' · '}{Object.entries(stats.data.byOutcome).map(([k, v]) => `${k} ${v}`).join(' · ')}
        </p>
      )}
      <table data-testid='quality'>
        <thead>
          <tr>
            <th>{t('month')}</th><th>{t('source')}</th><th>{t('received')}</th><th>{t('refused')}</th><th>{t('rejection')}</th><th>{t('reasons')}</th>
            <th>{t('weakest')}</th><th>{t('codes')}</th><th>{t('meets')}</th><th>{t('fresh')}</th><th>{t('contradictions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.month} ${r.source}`}>
              <td>{r.month}</td><td>{r.source}</td><td>{r.envelopes.received}</td><td>{r.envelopes.refused}</td><td>{pct(r.envelopes.rejectionRate)}</td>
              <td>{Object.entries(r.envelopes.refusedByReason).map(([k, v]) => `${k} ${v}`).join(', ')}</td>
              <td>{weakest(r.completeness)}</td>
              <td>{pct(r.creditCodes.errorRate)}</td>
              <td>{r.creditCodes.meetsIndicator === null ? '—' : r.creditCodes.meetsIndicator ? t('yes') : t('no')}</td>
              <td>{r.freshness.medianDays ?? '—'}</td>
              <td>{r.contradictions.entries}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export const qualityPage: PageDef = {
  path: 'quality',
  roles: OPS,
  nav: { zh: '数据质量', en: 'Data quality' },
  labels,
  component: QualityPage
}

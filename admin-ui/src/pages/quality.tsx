import { api } from '../api'
import { useCodeLabel, usePageLabels, type T } from '../i18n'
import { ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { OPS, type PageDef } from './page'
import type { QualityReportV1, QualityRowV1 } from '../../../contracts/quality-report-v1.js'
import type { CheckStatsV1 } from '../../../contracts/check-v1.js'

type QualityRow = QualityRowV1
type Completeness = QualityRow['completeness'][number]
type Coverage = QualityReportV1['coverage'][number]
type CheckStats = CheckStatsV1

const labels = {
  zh: {
    heading: '数据质量与应查必查',
    intro: '各来源平台按月（北京时间）统计：收到与拒收的报文（按原因）、字段完整率、统一社会信用代码重错码率（指标 ≤ 0.01%）、' +
      '公共信用信息数据归集合规率（约束性指标 ≥ 98%：完整且自决定之日起 7 个工作日内归集的条目所占比例，浙政办发〔2021〕29号）、时效（决定日期至到达，工作日）、各领域条目、同一主体同时在诚信典型红名单和严重失信主体名单上的冲突。',
    source: '来源',
    month: '月份',
    received: '收到',
    refused: '拒收',
    rejection: '拒收率',
    reasons: '拒收原因',
    weakest: '完整率最低的字段',
    codes: '统一社会信用代码重错码率',
    meets: '达标',
    fresh: '时效中位数（工作日）',
    contradictions: '红名单与严重失信主体名单冲突',
    compliance: '归集合规率',
    complianceMeets: '合规率达标（≥ 98%）',
    domains: '各领域条目',
    coverage: '各平台各领域现有条目',
    coverageIntro: '某平台在某领域没有条目，查询“未发现”并不等于该主体守信。',
    domain: '领域',
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
    intro: 'Per source platform and month (China Standard Time): envelopes received and refused (by reason), field completeness, wrong or duplicate credit codes (indicator ≤ 0.01%), ' +
      'the data-collection compliance rate (binding target ≥ 98%: entries arriving complete within 7 working days of the decision, 浙政办发〔2021〕29号), timeliness (decision date to arrival, working days), entries per domain, subjects on both an honour (red) list and a serious dishonesty list.',
    source: 'Source',
    month: 'Month',
    received: 'Received',
    refused: 'Refused',
    rejection: 'Rejection rate',
    reasons: 'Refused for',
    weakest: 'Least complete fields',
    codes: 'Wrong or duplicate credit codes',
    meets: 'Meets',
    fresh: 'Median working days to arrive',
    contradictions: 'Contradictions',
    compliance: 'Compliance rate',
    complianceMeets: 'Meets 98%',
    domains: 'Entries per domain',
    coverage: 'Current entries per platform and domain',
    coverageIntro: 'Where a platform holds nothing in a domain, "no entry found" does not mean the subject is clean.',
    domain: 'Domain',
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
  const label = useCodeLabel()
  const report = useLoad(async () => await api<{ rows: QualityRow[], coverage: Coverage[] }>('/v1/quality'), 'quality')
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
          {' · '}{Object.entries(stats.data.byOutcome).map(([k, v]) => `${label('outcome', k)} ${v}`).join(' · ')}
        </p>
      )}
      <table data-testid='quality'>
        <thead>
          <tr>
            <th>{t('month')}</th><th>{t('source')}</th><th>{t('received')}</th><th>{t('refused')}</th><th>{t('rejection')}</th><th>{t('reasons')}</th>
            <th>{t('weakest')}</th><th>{t('codes')}</th><th>{t('meets')}</th><th>{t('fresh')}</th><th>{t('contradictions')}</th>
            <th>{t('compliance')}</th><th>{t('complianceMeets')}</th><th>{t('domains')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.month} ${r.source}`}>
              <td>{r.month}</td><td>{r.source}</td><td>{r.envelopes.received}</td><td>{r.envelopes.refused}</td>
              <td>{pct(r.envelopes.rejectionRate)}</td>
              <td>{Object.entries(r.envelopes.refusedByReason).map(([k, v]) => `${k} ${v}`).join(', ')}</td>
              <td>{weakest(r.completeness)}</td>
              <td>{pct(r.creditCodes.errorRate)}</td>
              <td>{yesNo(r.creditCodes.meetsIndicator, t)}</td>
              <td>{r.freshness.medianWorkingDays ?? '—'}</td>
              <td>{r.contradictions.entries}</td>
              <td data-testid='compliance'>{pct(r.compliance.rate)}</td>
              <td>{yesNo(r.compliance.meetsTarget, t)}</td>
              <td>{Object.entries(r.domains).map(([d, n]) => `${label('domain', d)} ${n.upserts + n.removals}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CoverageTable coverage={report.data?.coverage ?? []} t={t} label={label} />
    </div>
  )
}

const yesNo = (b: boolean | null, t: T): string => (b === null ? '—' : b ? t('yes') : t('no'))

/** Platforms down, domains across: what each source holds now (DOMAIN.md: no entry is not clean where a source sent
 * nothing). */
function CoverageTable ({ coverage, t, label }: { coverage: Coverage[], t: T, label: (g: 'domain', c: string) => string }) {
  const platforms = [...new Set(coverage.map((c) => c.platform))]
  const domains = [...new Set(coverage.map((c) => c.domain))]
  const held = new Map(coverage.map((c) => [`${c.platform} ${c.domain}`, c.entries]))
  if (coverage.length === 0) return null
  return (
    <section>
      <h2>{t('coverage')}</h2>
      <p class='muted'>{t('coverageIntro')}</p>
      <table data-testid='coverage'>
        <thead><tr><th>{t('source')}</th>{domains.map((d) => <th key={d} title={d}>{label('domain', d)}</th>)}</tr></thead>
        <tbody>
          {platforms.map((p) => (
            <tr key={p} data-testid={`coverage-${p}`}>
              <td>{p}</td>
              {domains.map((d) => { const n = held.get(`${p} ${d}`) ?? 0; return <td key={d} data-testid={`coverage-${p}-${d}`} class={n === 0 ? 'muted' : ''}>{n}</td> })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

export const qualityPage: PageDef = {
  path: 'quality',
  roles: OPS,
  nav: { zh: '数据质量', en: 'Data quality' },
  labels,
  component: QualityPage
}

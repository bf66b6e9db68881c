import { api, query } from '../api'
import type { T } from '../i18n'
import { formatSeconds } from '../mask'
import { ErrorLine } from './status'
import { useLoad } from './use-load'
import type { CoordinationStatsRowV1 } from '../../../contracts/coordination-stats-v1.js'

type Row = CoordinationStatsRowV1

/** Labels of the statistics table (merged into the cases page's own). */
export const statsLabels = {
  zh: {
    stats: '协同统计',
    statsIntro: '按月（北京时间）、领域和省份：发起和逾期的案件，响应和反馈的及时、逾期、未完成，异议及其结果（含逾期未处理），信用修复申请及其结果（含逾期未办结），信用修复移出及其到达各平台的时间。',
    month: '月份',
    province: '省份',
    casesOpened: '发起案件',
    casesOverdue: '逾期案件',
    responses: '响应',
    feedback: '反馈',
    objections: '异议',
    repairs: '信用修复',
    onTime: '及时',
    late: '逾期',
    missing: '未响应',
    incomplete: '未完成',
    opened_: '提出',
    open_: '未结',
    upheld: '维持',
    corrected: '更正',
    revoked: '撤销',
    withdrawn_: '撤回',
    objOverdue: '逾期未处理',
    requested: '申请',
    granted: '准予修复',
    refused: '不予修复',
    repOverdue: '逾期未办结',
    count: '已移出',
    propagated: '全部确认',
    median: '中位用时',
    max: '最长用时',
    total: '合计',
    fromMonth: '起始月份',
    toMonth: '截止月份',
    noStats: '此期间没有协同数据'
  },
  en: {
    stats: 'Coordination statistics',
    statsIntro: 'Per month (China Standard Time), domain and province: cases opened and overdue, responses and feedback on time, late or outstanding, objections and their outcomes (and those not answered in time), repair requests and their decisions (and those not decided in time), repairs and their time to reach every platform.',
    month: 'Month',
    province: 'Province',
    casesOpened: 'Cases opened',
    casesOverdue: 'Cases overdue',
    responses: 'Responses',
    feedback: 'Feedback',
    objections: 'Objections',
    repairs: 'Repairs',
    onTime: 'on time',
    late: 'late',
    missing: 'missing',
    incomplete: 'incomplete',
    opened_: 'opened',
    open_: 'open',
    upheld: 'upheld',
    corrected: 'corrected',
    revoked: 'revoked',
    withdrawn_: 'withdrawn',
    objOverdue: 'not answered in time',
    requested: 'requested',
    granted: 'granted',
    refused: 'refused',
    repOverdue: 'not decided in time',
    count: 'removed',
    propagated: 'confirmed by all',
    median: 'median',
    max: 'max',
    total: 'Total',
    fromMonth: 'From month',
    toMonth: 'To month',
    noStats: 'No coordination in this period'
  }
}

/** The months of the current year in China Standard Time (the statistics' default). */
export function currentYear (now = Date.now()): { from: string, to: string } {
  const year = new Date(now + 8 * 3600_000).getUTCFullYear()
  return { from: `${year}-01`, to: `${year}-12` }
}

const sum = (rows: Row[], f: (r: Row) => number): number => rows.reduce((n, r) => n + f(r), 0)

/** GET /v1/stats/coordination as a table, with a totals line (times are not summed). */
export function CoordinationStatsTable ({ from, to, t }: { from: string, to: string, t: T }) {
  const stats = useLoad(async () => await api<{ rows: Row[] }>(`/v1/stats/coordination${query({ from, to })}`), `${from}|${to}`)
  const rows = stats.data?.rows ?? []
  const counts = (
    r: Row
  ): number[] => [r.casesOpened, r.casesOverdue, r.responses.onTime, r.responses.late, r.responses.missing,
    r.feedback.onTime, r.feedback.late, r.feedback.incomplete, r.objections.opened, r.objections.open,
    r.objections.upheld,
    r.objections.corrected, r.objections.revoked, r.objections.withdrawn, r.objections.overdue,
    r.repairs.requested, r.repairs.granted, r.repairs.refused, r.repairs.overdue, r.repairs.count, r.repairs.propagated]
  const totals = rows.length === 0 ? [] : counts(rows[0] as Row).map((_, i) => sum(rows, (r) => counts(r)[i] ?? 0))
  return (
    <>
      <ErrorLine error={stats.error} t={t} />
      {stats.data !== undefined && rows.length === 0 && <p class='muted'>{t('noStats')}</p>}
      {rows.length > 0 && (
        <div class='scroll'>
          <table data-testid='coordination-stats' class='numbers'>
            <thead>
              <tr>
                <th rowSpan={2}>{t('month')}</th><th rowSpan={2}>{t('domain')}</th><th rowSpan={2}>{t('province')}</th>
                <th rowSpan={2}>{t('casesOpened')}</th><th rowSpan={2}>{t('casesOverdue')}</th>
                <th colSpan={3}>{t('responses')}</th><th colSpan={3}>{t('feedback')}</th><th colSpan={7}>{t('objections')}</th><th colSpan={8}>{t('repairs')}</th>
              </tr>
              <tr>
                <th>{t('onTime')}</th><th>{t('late')}</th><th>{t('missing')}</th>
                <th>{t('onTime')}</th><th>{t('late')}</th><th>{t('incomplete')}</th>
                <th>{t('opened_')}</th><th>{t('open_')}</th><th>{t('upheld')}</th><th>{t('corrected')}</th><th>{t('revoked')}</th><th>{t('withdrawn_')}</th><th>{t('objOverdue')}</th>
                <th>{t('requested')}</th><th>{t('granted')}</th><th>{t('refused')}</th><th>{t('repOverdue')}</th><th>{t('count')}</th><th>{t('propagated')}</th><th>{t('median')}</th><th>{t('max')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.month}|${r.domain}|${r.province}`} data-testid={`stats-${r.month}-${r.domain}-${r.province}`}>
                  <td>{r.month}</td><td>{r.domain}</td><td>{r.province}</td>
                  {counts(r).map((n, i) => <td key={i}>{n}</td>)}
                  <td>{formatSeconds(r.repairs.medianPropagationSeconds)}</td>
                  <td>{formatSeconds(r.repairs.maxPropagationSeconds)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid='stats-total'><th colSpan={3}>{t('total')}</th>{totals.map((n, i) => <th key={i}>{n}</th>)}<th colSpan={2} /></tr>
            </tfoot>
          </table>
        </div>
      )}
    </>
  )
}

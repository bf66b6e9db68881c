import { api } from '../api'
import { useCodeLabel, usePageLabels, type T } from '../i18n'
import { formatTime, maskText } from '../mask'
import { href } from '../router'
import { Deadline, LateMarks } from '../components/case-marks'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { withCaseLabels, type Case, type CaseEvent, type MeasureOutcome } from './case-labels'
import { OPS, type PageDef, type PageProps } from './page'

const labels = withCaseLabels({
  zh: {
    heading: '协同案件',
    back: '返回案件列表',
    notice: '通报消息',
    objection: '未结异议',
    removedBy: '移出原因',
    remediation: '待撤销措施',
    updated: '更新时间',
    platforms: '各实施平台',
    state: '状态',
    respondedBy: '响应方式',
    'respondedBy.acknowledge': '明确响应',
    'respondedBy.feedback': '以反馈响应',
    'respondedBy.none': '未响应',
    corrections: '更正次数',
    late: '逾期',
    outcomes: '措施执行情况',
    measure: '措施',
    applied: '已执行 {date}',
    declined: '未执行：{reason}',
    notApplicable: '不适用',
    outstanding: '待反馈',
    history: '处理记录',
    event: '事件',
    message: '消息',
    deadlines: '期限',
    'event.opened': '发起',
    'event.acknowledge': '响应',
    'event.feedback': '反馈',
    'event.deadline-passed': '期限已过',
    'event.objection-opened': '提出异议',
    'event.objection-resolved': '异议处理',
    'event.entry-removed': '条目移出'
  },
  en: {
    heading: 'Coordination case',
    back: 'Back to the cases',
    notice: 'Notice message',
    objection: 'Open objection',
    removedBy: 'Removed by',
    remediation: 'Measures to lift',
    updated: 'Updated',
    platforms: 'Implementing platforms',
    state: 'State',
    respondedBy: 'Responded',
    'respondedBy.acknowledge': 'acknowledged',
    'respondedBy.feedback': 'by its feedback',
    'respondedBy.none': 'not yet',
    corrections: 'Corrections',
    late: 'Late',
    outcomes: 'Measures',
    measure: 'Measure',
    applied: 'applied {date}',
    declined: 'declined: {reason}',
    notApplicable: 'not applicable',
    outstanding: 'outstanding',
    history: 'History',
    event: 'Event',
    message: 'Message',
    deadlines: 'Deadlines',
    'event.opened': 'opened',
    'event.acknowledge': 'acknowledged',
    'event.feedback': 'feedback',
    'event.deadline-passed': 'deadline passed',
    'event.objection-opened': 'objection opened',
    'event.objection-resolved': 'objection resolved',
    'event.entry-removed': 'entry removed'
  }
})

function Outcome ({ o, t }: { o: MeasureOutcome | undefined, t: T }) {
  if (o === undefined) return <span class='muted' data-outcome='outstanding'>{t('outstanding')}</span>
  if (o.outcome === 'applied') return <span class='outcome-applied' data-outcome='applied'>{t('applied', { date: o.appliedOn ?? '' })}</span>
  if (o.outcome === 'declined') return <span class='outcome-declined' data-outcome='declined'>{t('declined', { reason: maskText(o.reason ?? '—') })}</span>
  return <span class='muted' data-outcome='not-applicable'>{t('notApplicable')}{o.reason != null && o.reason !== '' ? `：${maskText(o.reason)}` : ''}</span>
}

/** An event's fields other than its type and platform, as `key=value`. */
function details (e: Record<string, unknown>): string {
  return maskText(Object.entries(e).filter(([k]) => k !== 'type' && k !== 'platform').map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · '))
}

function CaseDetailPage ({ params }: PageProps) {
  const t = usePageLabels(labels)
  const label = useCodeLabel()
  const initiator = params.initiator ?? ''
  const caseId = params.caseId ?? ''
  const detail = useLoad(async () => await api<Case & { events: CaseEvent[] }>(`/v1/cases/${encodeURIComponent(initiator)}/${encodeURIComponent(caseId)}`), `${initiator}/${caseId}`)
  const c = detail.data
  return (
    <div>
      <header class='page-head'>
        <h1>{t('heading')} <code>{initiator} · {maskText(caseId)}</code></h1>
        {c !== undefined && <Badge kind='case' value={c.status} t={t} />}
        {c?.overdue === true && <span class='late' data-testid='case-overdue'>{t('overdue')}</span>}
        <button type='button' onClick={() => { detail.reload() }}>{t('refresh')}</button>
        <a href={href('cases')}>{t('back')}</a>
      </header>
      <ErrorLine error={detail.error} t={t} />
      {c !== undefined && (
        <>
          <dl class='facts' data-testid='case-facts'>
            <dt>{t('mode')}</dt><dd>{t(`mode.${c.mode}`)}</dd>
            <dt>{t('domain')}</dt><dd title={c.domain} data-testid='case-domain'>{label('domain', c.domain)}</dd>
            <dt>{t('entry')}</dt><dd>{c.owner}/{maskText(c.entryId)} v{c.entryVersion}</dd>
            <dt>{t('respondBy')}</dt><dd data-testid='respond-by'><Deadline c={c} which='respondBy' t={t} /></dd>
            <dt>{t('feedbackBy')}</dt><dd data-testid='feedback-by'><Deadline c={c} which='feedbackBy' t={t} /></dd>
            <dt>{t('opened')}</dt><dd>{formatTime(c.openedAt)}</dd>
            <dt>{t('updated')}</dt><dd>{formatTime(c.updatedAt)}</dd>
            <dt>{t('notice')}</dt><dd><a href={href(`messages/${encodeURIComponent(c.jti)}`)}>{c.jti}</a></dd>
            {c.openObjection !== null && <><dt>{t('objection')}</dt><dd>{maskText(c.openObjection)}</dd></>}
            {c.removedBy !== null && <><dt>{t('removedBy')}</dt><dd title={c.removedBy}>{label('removal', c.removedBy)}</dd></>}
            {c.remediation.length > 0 && <><dt>{t('remediation')}</dt><dd>{c.remediation.map((r) => `${r.platform}: ${r.measures.join(', ')}`).join('；')}</dd></>}
          </dl>

          <h2>{t('platforms')}</h2>
          <table data-testid='case-platforms'>
            <thead><tr><th>{t('platform')}</th><th>{t('state')}</th><th>{t('respondedBy')}</th><th>{t('late')}</th><th>{t('corrections')}</th></tr></thead>
            <tbody>
              {c.platforms.map((p) => (
                <tr key={p.platform} data-testid={`platform-${p.platform}`}>
                  <td>{p.platform}</td>
                  <td><Badge kind='pstate' value={p.state} t={t} /></td>
                  <td>{t(`respondedBy.${p.respondedBy ?? 'none'}`)}</td>
                  <td><LateMarks p={p} t={t} /></td>
                  <td>{p.corrections}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h2>{t('outcomes')}</h2>
          <table data-testid='outcome-grid'>
            <thead><tr><th>{t('measure')}</th>{c.platforms.map((p) => <th key={p.platform}>{p.platform}</th>)}</tr></thead>
            <tbody>
              {c.measures.map((m) => (
                <tr key={m} data-testid={`measure-${m}`}>
                  <td><code>{m}</code></td>
                  {c.platforms.map((p) => <td key={p.platform} data-testid={`outcome-${m}-${p.platform}`}><Outcome o={p.outcomes[m]} t={t} /></td>)}
                </tr>
              ))}
            </tbody>
          </table>

          <h2>{t('history')}</h2>
          <table data-testid='case-history'>
            <thead><tr><th>{t('time')}</th><th>{t('platform')}</th><th>{t('event')}</th><th /><th>{t('status')}</th><th>{t('message')}</th></tr></thead>
            <tbody>
              {c.events.map((e, i) => (
                <tr key={i}>
                  <td>{formatTime(e.at)}</td>
                  <td>{e.platform ?? '—'}</td>
                  <td>{t(`event.${String(e.event.type)}`)}</td>
                  <td>{details(e.event)}</td>
                  <td>{t(`case.${e.status}`)}</td>
                  <td>{e.jti === null ? '—' : <a href={href(`messages/${encodeURIComponent(e.jti)}`)}>{e.jti.slice(0, 12)}…</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  )
}

export const caseDetailPage: PageDef = {
  path: 'cases/:initiator/:caseId',
  roles: OPS,
  labels,
  component: CaseDetailPage
}

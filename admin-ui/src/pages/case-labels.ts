import type { Labels, Lang } from '../i18n'
import type { CaseDetailV1, CaseV1 } from '../../../contracts/case-v1.js'

/** What the case pages share: the API's shapes (from contracts/case-v1.ts) and their labels. */
export type Case = CaseV1
export type CasePlatform = CaseV1['platforms'][number]
export type MeasureOutcome = CasePlatform['outcomes'][string]
export type CaseEvent = CaseDetailV1['events'][number]

export const CASE_STATUSES = ['open', 'suspended', 'closed', 'revoked', 'withdrawn'] as const
/** The four provinces first, in the gateway's usual order; any other platform after them. */
export const PROVINCES = ['SH', 'JS', 'ZJ', 'AH']

export function provincesOf (cases: Case[]): string[] {
  const seen = new Set<string>(cases.flatMap((c) => [c.initiator, ...c.platforms.map((p) => p.platform)]))
  return [...PROVINCES.filter((p) => seen.has(p)), ...[...seen].filter((p) => !PROVINCES.includes(p)).sort()]
}

export const caseLabels: Record<Lang, Labels> = {
  zh: {
    'case.open': '进行中',
    'case.suspended': '已中止',
    'case.closed': '已办结',
    'case.revoked': '已撤销',
    'case.withdrawn': '已终止',
    'pstate.pushed': '已推送',
    'pstate.acknowledged': '已响应',
    'pstate.feedback-partial': '部分反馈',
    'pstate.feedback-complete': '反馈完成',
    'pstate.suspended': '已中止',
    'mode.punishment': '联合惩戒',
    'mode.reward': '联合激励',
    initiatorMark: '发起方',
    responseLate: '响应逾期',
    feedbackLate: '反馈逾期',
    overdue: '逾期',
    case: '案件',
    initiator: '发起平台',
    mode: '类型',
    domain: '领域',
    entry: '名单条目',
    status: '状态',
    respondBy: '响应期限',
    feedbackBy: '反馈期限',
    'calendar.provisional': '暂定日历',
    'calendar.none': '无官方日历',
    'calendarHint.provisional': '该年的节假日安排尚未正式公布，按暂定日历计算的工作日期限可能不准，请核对',
    'calendarHint.none': '该年没有节假日日历，只按周末计算工作日，期限可能不准，请核对',
    opened: '发起时间'
  },
  en: {
    'case.open': 'open',
    'case.suspended': 'suspended',
    'case.closed': 'closed',
    'case.revoked': 'revoked',
    'case.withdrawn': 'ended (entry removed)',
    'pstate.pushed': 'pushed',
    'pstate.acknowledged': 'acknowledged',
    'pstate.feedback-partial': 'feedback partial',
    'pstate.feedback-complete': 'feedback complete',
    'pstate.suspended': 'suspended',
    'mode.punishment': 'joint punishment',
    'mode.reward': 'joint reward',
    initiatorMark: 'initiator',
    responseLate: 'response late',
    feedbackLate: 'feedback late',
    overdue: 'overdue',
    case: 'Case',
    initiator: 'Initiator',
    mode: 'Mode',
    domain: 'Domain',
    entry: 'Entry',
    status: 'Status',
    respondBy: 'Respond by',
    feedbackBy: 'Feedback by',
    'calendar.provisional': 'provisional calendar',
    'calendar.none': 'no official calendar',
    'calendarHint.provisional': 'The year\'s official holiday arrangement is not published yet: the working-day deadline was computed with a provisional calendar; check it',
    'calendarHint.none': 'No holiday calendar for this year: only weekends count as rest days; check the deadline',
    opened: 'Opened'
  }
}

/** A page's own labels over the shared case labels. */
export function withCaseLabels (own: Record<Lang, Labels>): Record<Lang, Labels> {
  return { zh: { ...caseLabels.zh, ...own.zh }, en: { ...caseLabels.en, ...own.en } }
}

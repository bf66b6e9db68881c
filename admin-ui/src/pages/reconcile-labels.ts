import type { FindingV1, RunDetailV1, RunSummaryV1 } from '../../../contracts/reconcile-v1.js'
import type { Labels, Lang } from '../i18n'

/** What the reconciliation pages share: the API's shapes (contracts/reconcile-v1.ts) and their labels. */
export const FINDING_KINDS = ['extra-removed', 'extra-unknown', 'missing', 'stale', 'content-mismatch', 'suspension-mismatch'] as const
export const FINDING_CAUSES = ['delivery-dead', 'delivery-pending', 'never-delivered', 'delivered-then-lost', 'edited-at-replica', 'unknown'] as const

export type Finding = FindingV1
export type Run = RunSummaryV1
export type RunDetail = RunDetailV1

/** Most harmful first (the server's order too). */
export const byHarm = (a: Finding, b: Finding): number => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind)

export const reconcileLabels: Record<Lang, Labels> = {
  zh: {
    'finding.extra-removed': '已移出仍在',
    'finding.extra-unknown': '来源不明',
    'finding.missing': '缺失',
    'finding.stale': '版本落后',
    'finding.content-mismatch': '内容不一致',
    'finding.suspension-mismatch': '中止状态不一致',
    'run.running': '运行中',
    'run.done': '已完成',
    'run.failed': '失败',
    'run.unsupported': '不支持',
    owner: '名单所有方',
    listCode: '名单',
    replica: '副本平台',
    scope: '范围',
    status: '状态',
    method: '方式',
    trigger: '触发',
    requestedBy: '发起人',
    started: '开始',
    finished: '结束',
    healed: '已纠偏/补发',
    allReplicas: '全部副本平台'
  },
  en: {
    'finding.extra-removed': 'removed, still held',
    'finding.extra-unknown': 'unknown to owner',
    'finding.missing': 'missing',
    'finding.stale': 'stale',
    'finding.content-mismatch': 'content differs',
    'finding.suspension-mismatch': 'suspension differs',
    'run.running': 'running',
    'run.done': 'done',
    'run.failed': 'failed',
    'run.unsupported': 'unsupported',
    owner: 'Owner',
    listCode: 'List',
    replica: 'Replica',
    scope: 'Scope',
    status: 'Status',
    method: 'Method',
    trigger: 'Trigger',
    requestedBy: 'Requested by',
    started: 'Started',
    finished: 'Finished',
    healed: 'Healed',
    allReplicas: 'every replica'
  }
}

export function withReconcileLabels (own: Record<Lang, Labels>): Record<Lang, Labels> {
  return { zh: { ...reconcileLabels.zh, ...own.zh }, en: { ...reconcileLabels.en, ...own.en } }
}

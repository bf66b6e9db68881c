import type { Labels, Lang } from './i18n'

/**
 * The one label table for the codes the API sends and the dashboard shows: message kinds, check
 * outcomes, list types, domains, removal reasons. The words are the official ones: check outcomes as
 * Zhejiang reports them
 * (seed 001, 应查必查: 优先办理 / 不予办理 / 从严办理 / 纳入重点监管名单, src/checks/check-outcome.ts), the black list
 * as 严重失信主体名单 (国办发〔2020〕49号 (八)); why an entry left its list (the list.remove reasons, in the native
 * tables' words: adapters/js-batch/README.md); why a delivery failed (`cause.`, adapters' ADAPTER_ERROR_CODES).
 * A code without a label is shown as it is.
 */
export const CODE_LABELS: Record<Lang, Labels> = {
  zh: {
    'kind.list.upsert': '名单新增或变更',
    'kind.list.remove': '名单移出',
    'kind.punishment.notice': '联合惩戒（激励）发起',
    'kind.punishment.feedback': '执行反馈',
    'kind.objection.open': '异议申请',
    'kind.objection.resolve': '异议处理结果',
    'kind.repair.request': '信用修复申请',
    'kind.repair.decision': '信用修复决定',
    'kind.gateway.notice': '网关通知',
    'kind.reconcile.query': '对账查询',
    'kind.reconcile.export': '对账导出',
    'outcome.fast-tracked': '优先办理',
    'outcome.refused': '不予办理',
    'outcome.handled-more-strictly': '从严办理',
    'outcome.key-supervision': '纳入重点监管',
    'outcome.no-effect': '未影响决定',
    'listType.black': '严重失信主体名单',
    'listType.red': '诚信典型红名单',
    'listType.key-supervision': '重点监管名单',
    'domain.food-drug': '食品药品',
    'domain.ecology': '生态环境',
    'domain.tourism': '旅游',
    'domain.product-quality': '产品质量',
    'domain.court': '法院（失信被执行人）',
    'removal.repair': '信用修复',
    'removal.expiry': '期满移出',
    'removal.revoked': '撤销认定',
    'removal.corrected': '更正',
    'removal.fulfilled': '履行完毕',
    'removal.court-deleted': '法院删除',
    'removal.other': '其他',
    'cause.ADAPTER_TIMEOUT': '超时未应答',
    'cause.ADAPTER_UNREACHABLE': '无法连接',
    'cause.ADAPTER_UNAVAILABLE': '对方繁忙或故障',
    'cause.ADAPTER_AUTH': '认证被拒',
    'cause.ADAPTER_REFUSED': '报文被拒收',
    'cause.ADAPTER_PARTIAL': '部分记录被拒',
    'cause.ADAPTER_INVALID_RECEIPT': '回执无效',
    'cause.ADAPTER_INVALID_ANSWER': '应答无效',
    'cause.ADAPTER_UNMAPPABLE': '条目无法转换',
    'cause.ADAPTER_PENDING': '对方仍在处理',
    'cause.ADAPTER_UNSUPPORTED': '对方不支持',
    'cause.ADAPTER_INTERNAL': '网关内部错误'
  },
  en: {
    'kind.list.upsert': 'list entry added or changed',
    'kind.list.remove': 'list entry removed',
    'kind.punishment.notice': 'joint punishment (reward) notice',
    'kind.punishment.feedback': 'implementation feedback',
    'kind.objection.open': 'objection lodged',
    'kind.objection.resolve': 'objection resolved',
    'kind.repair.request': 'credit repair request',
    'kind.repair.decision': 'credit repair decision',
    'kind.gateway.notice': 'gateway notice',
    'kind.reconcile.query': 'reconciliation query',
    'kind.reconcile.export': 'reconciliation export',
    'outcome.fast-tracked': 'fast-tracked',
    'outcome.refused': 'refused',
    'outcome.handled-more-strictly': 'handled more strictly',
    'outcome.key-supervision': 'put under key supervision',
    'outcome.no-effect': 'no effect on the decision',
    'listType.black': 'serious dishonesty list',
    'listType.red': 'honour (red) list',
    'listType.key-supervision': 'key supervision list',
    'domain.food-drug': 'food and drugs',
    'domain.ecology': 'ecology',
    'domain.tourism': 'tourism',
    'domain.product-quality': 'product quality',
    'domain.court': 'courts (judgment defaulters)',
    'removal.repair': 'credit repair',
    'removal.expiry': 'period ended',
    'removal.revoked': 'listing revoked',
    'removal.corrected': 'corrected',
    'removal.fulfilled': 'obligation fulfilled',
    'removal.court-deleted': 'deleted by the court',
    'removal.other': 'other',
    'cause.ADAPTER_TIMEOUT': 'no answer in time',
    'cause.ADAPTER_UNREACHABLE': 'unreachable',
    'cause.ADAPTER_UNAVAILABLE': 'platform busy or failing',
    'cause.ADAPTER_AUTH': 'credentials refused',
    'cause.ADAPTER_REFUSED': 'message refused',
    'cause.ADAPTER_PARTIAL': 'records partly refused',
    'cause.ADAPTER_INVALID_RECEIPT': 'invalid acknowledgement',
    'cause.ADAPTER_INVALID_ANSWER': 'invalid answer',
    'cause.ADAPTER_UNMAPPABLE': 'item not representable',
    'cause.ADAPTER_PENDING': 'still processing',
    'cause.ADAPTER_UNSUPPORTED': 'not supported by the platform',
    'cause.ADAPTER_INTERNAL': 'gateway failure'
  }
}

/** The groups of codes the table labels. */
export type CodeGroup = 'kind' | 'outcome' | 'listType' | 'domain' | 'removal' | 'cause'

/** A code's label in `lang`, or the code itself where the table has none. */
export function codeLabel (lang: Lang, group: CodeGroup, code: string): string {
  return CODE_LABELS[lang][`${group}.${code}`] ?? code
}

import { Fragment } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api'
import { usePageLabels, type T } from '../i18n'
import { formatTime, maskText } from '../mask'
import { hashQuery, href, setHashQuery, useHash } from '../router'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { byHarm, withReconcileLabels, type Finding, type RunDetail } from './reconcile-labels'
import { can, OPS, type PageDef, type PageProps } from './page'

const labels = withReconcileLabels({
  zh: {
    heading: '对账结果',
    back: '返回对账列表',
    stats: '统计',
    errorText: '错误',
    healMessages: '纠偏/补发消息',
    findings: '差异',
    kind: '类型',
    entry: '条目',
    ownerSide: '所有方',
    replicaSide: '副本',
    cause: '可能原因',
    subject: '主体（脱敏）',
    detail: '说明',
    open: '查看',
    close: '收起',
    noFindings: '副本与所有方一致',
    export: '导出 CSV',
    heal: '纠偏/补发…',
    healConfirm: '确认纠偏/补发：向 {platform} 重新发送 {n} 项差异',
    cancel: '取消',
    healed_: '已发出 {n} 条纠偏/补发消息：{items}',
    review_: '；{n} 项暂停状态差异在账本中没有真实的异议消息，未补发，待人工核查：{ids}',
    healNote: '纠偏/补发以普通投递发给副本平台；投递完成后请再对账一次确认。',
    shown: '显示 {shown} / {total} 项',
    'explain.extra-removed': '所有方已移出（信用修复、到期或撤销），副本仍在公示——危害最大。',
    'explain.extra-unknown': '副本持有所有方从未发布的条目。',
    'explain.missing': '所有方已发布，副本没有。',
    'explain.stale': '副本持有旧版本。',
    'explain.content-mismatch': '同一版本，内容不同（或所有方从未发布该版本）。',
    'explain.suspension-mismatch': '版本和内容相同，中止（异议）状态不同。',
    'cause.delivery-dead': '投递失败（未重发）',
    'cause.delivery-pending': '投递尚未完成',
    'cause.never-delivered': '从未投递',
    'cause.delivered-then-lost': '已送达后丢失',
    'cause.edited-at-replica': '在副本处被修改',
    'cause.unknown': '不明'
  },
  en: {
    heading: 'Reconciliation run',
    back: 'Back to the runs',
    stats: 'Figures',
    errorText: 'Error',
    healMessages: 'Heal messages',
    findings: 'Findings',
    kind: 'Kind',
    entry: 'Entry',
    ownerSide: 'Owner',
    replicaSide: 'Replica',
    cause: 'Likely cause',
    subject: 'Subject (masked)',
    detail: 'Detail',
    open: 'Open',
    close: 'Close',
    noFindings: 'The replica matches the owner',
    export: 'Export CSV',
    heal: 'Heal…',
    healConfirm: 'Confirm: send {platform} what fixes these {n} findings',
    cancel: 'Cancel',
    healed_: '{n} heal message(s) sent: {items}',
    review_: '; {n} suspension difference(s) without a real objection message in the ledger, not healed, for review: {ids}',
    healNote: 'Heals go to the replica as ordinary deliveries; reconcile again once they are delivered.',
    shown: 'showing {shown} of {total}',
    'explain.extra-removed': 'Removed at the owner (repair, expiry, revocation) but still published by the replica — the most harmful.',
    'explain.extra-unknown': 'Held by the replica, never published by the owner.',
    'explain.missing': 'Published by the owner, not held by the replica.',
    'explain.stale': 'The replica holds an older version.',
    'explain.content-mismatch': 'Same version, other content (or a version the owner never published).',
    'explain.suspension-mismatch': 'Same version and content, other suspension (objection) state.',
    'cause.delivery-dead': 'delivery dead (not resent)',
    'cause.delivery-pending': 'delivery still pending',
    'cause.never-delivered': 'never delivered',
    'cause.delivered-then-lost': 'delivered, then lost',
    'cause.edited-at-replica': 'edited at the replica',
    'cause.unknown': 'unknown'
  }
})

const side = (version: number | null, status: string | null): string => version === null && status === null ? '—' : `v${version ?? '?'} ${status ?? ''}`.trim()

function FindingDetail ({ f, t }: { f: Finding, t: T }) {
  return (
    <dl class='facts' data-testid='finding-detail'>
      <dt>{t('kind')}</dt><dd>{t(`explain.${f.kind}`)}</dd>
      <dt>{t('ownerSide')}</dt><dd>{side(f.ownerVersion, f.ownerStatus)}</dd>
      <dt>{t('replicaSide')}</dt><dd>{side(f.replicaVersion, f.replicaStatus)}</dd>
      <dt>{t('cause')}</dt><dd>{t(`cause.${f.cause}`)}</dd>
      <dt>{t('subject')}</dt><dd>{maskText(f.subject ?? '—')}</dd>
      <dt>{t('detail')}</dt><dd>{maskText(f.detail ?? '—')}</dd>
    </dl>
  )
}

function ReconciliationRunPage ({ params, session }: PageProps) {
  const t = usePageLabels(labels)
  const id = params.id ?? ''
  const hash = useHash()
  const open = hashQuery(hash).get('finding') ?? ''
  const detail = useLoad(async () => await api<RunDetail>(`/v1/reconciliation/runs/${encodeURIComponent(id)}`), id)
  const [confirming, setConfirming] = useState(false)
  const [note, setNote] = useState<string | undefined>(undefined)
  const heal = async (): Promise<void> => {
    try {
      const res = await api<{ jtis: string[], items: Record<string, number>, resent?: unknown[], review?: Array<{ entryId: string }> }>(`/v1/reconciliation/runs/${encodeURIComponent(id)}/heal`, { method: 'POST' })
      const review = res.review ?? []
      setNote(t('healed_', { n: res.jtis.length + (res.resent ?? []).length, items: Object.entries(res.items).map(([k, n]) => `${k} ×${n}`).join(', ') }) +
        (review.length === 0 ? '' : t('review_', { n: review.length, ids: review.map((r) => r.entryId).join(', ') })))
      detail.reload()
    } catch (err) {
      setNote(`${t('error')}: ${(err as Error).message}`)
    } finally {
      setConfirming(false)
    }
  }
  const d = detail.data
  const r = d?.run
  const findings = [...(d?.findings ?? [])].sort(byHarm)
  const healable = r !== undefined && r.status === 'done' && r.healedAt === null && (d?.findingsTotal ?? 0) > 0
  return (
    <div>
      <header class='page-head'>
        <h1>{t('heading')} <code>#{id}</code></h1>
        {r !== undefined && <Badge kind='run' value={r.status} t={t} />}
        <button type='button' onClick={() => { detail.reload() }}>{t('refresh')}</button>
        <a class='button' href={`/v1/reconciliation/runs/${encodeURIComponent(id)}?format=csv`} data-testid='export-csv' download>{t('export')}</a>
        <a href={href('reconciliation')}>{t('back')}</a>
      </header>
      <ErrorLine error={detail.error} t={t} />
      {r !== undefined && d !== undefined && (
        <>
          <dl class='facts' data-testid='run-facts'>
            <dt>{t('scope')}</dt><dd>{r.owner}/{r.listCode} → {r.platform}</dd>
            <dt>{t('method')}</dt><dd>{r.method ?? '—'}</dd>
            <dt>{t('trigger')}</dt><dd>{r.trigger}</dd>
            <dt>{t('requestedBy')}</dt><dd>{maskText(r.requestedBy)}</dd>
            <dt>{t('started')}</dt><dd>{formatTime(r.startedAt)}</dd>
            <dt>{t('finished')}</dt><dd>{formatTime(r.finishedAt)}</dd>
            <dt>{t('stats')}</dt><dd>{Object.entries(r.stats).map(([k, v]) => `${k} ${v}`).join(' · ') || '—'}</dd>
            {r.error !== null && <><dt>{t('errorText')}</dt><dd class='error-text'>{maskText(r.error)}</dd></>}
            {r.healedAt !== null && <><dt>{t('healed')}</dt><dd data-testid='healed-at'>{formatTime(r.healedAt)}</dd></>}
            {(r.healJtis ?? []).length > 0 && (
              <><dt>{t('healMessages')}</dt><dd data-testid='heal-jtis'>{(r.healJtis ?? []).map((j) => <div key={j}><a href={href(`messages/${encodeURIComponent(j)}`)}>{j}</a></div>)}</dd></>
            )}
          </dl>

          {note !== undefined && <p class='note' role='status' data-testid='heal-note'>{note}</p>}
          {healable && can(session, ['admin']) && (
            <section class='card wide' data-testid='heal'>
              <p class='muted'>{t('healNote')}</p>
              {confirming
                ? <><button type='button' class='danger' data-testid='heal-confirm' onClick={() => { heal().catch(() => undefined) }}>{t('healConfirm', { platform: r.platform, n: d.findingsTotal })}</button> <button type='button' onClick={() => { setConfirming(false) }}>{t('cancel')}</button></>
                : <button type='button' data-testid='heal-button' onClick={() => { setConfirming(true) }}>{t('heal')}</button>}
            </section>
          )}

          <h2>{t('findings')} <small class='muted'>{t('shown', { shown: findings.length, total: d.findingsTotal })}</small></h2>
          {findings.length === 0
            ? <p class='muted' data-testid='no-findings'>{t('noFindings')}</p>
            : (
              <table data-testid='findings'>
                <thead><tr><th>{t('kind')}</th><th>{t('entry')}</th><th>{t('ownerSide')}</th><th>{t('replicaSide')}</th><th>{t('cause')}</th><th>{t('subject')}</th><th /></tr></thead>
                <tbody>
                  {findings.map((f) => (
                    <Fragment key={f.entryId}>
                      <tr data-testid={`finding-${f.entryId}`} class={f.kind === 'extra-removed' ? 'harmful' : ''}>
                        <td><Badge kind='finding' value={f.kind} t={t} /></td>
                        <td><code>{maskText(f.entryId)}</code></td>
                        <td>{side(f.ownerVersion, f.ownerStatus)}</td>
                        <td>{side(f.replicaVersion, f.replicaStatus)}</td>
                        <td>{t(`cause.${f.cause}`)}</td>
                        <td>{maskText(f.subject ?? '—')}</td>
                        <td>
                          {open === f.entryId
                            ? <button type='button' onClick={() => { setHashQuery(`reconciliation/${id}`, {}) }}>{t('close')}</button>
                            : <button type='button' data-testid={`open-${f.entryId}`} onClick={() => { setHashQuery(`reconciliation/${id}`, { finding: f.entryId }) }}>{t('open')}</button>}
                        </td>
                      </tr>
                      {open === f.entryId && <tr><td colSpan={7}><FindingDetail f={f} t={t} /></td></tr>}
                    </Fragment>
                  ))}
                </tbody>
              </table>
              )}
        </>
      )}
    </div>
  )
}

export const reconciliationRunPage: PageDef = {
  path: 'reconciliation/:id',
  roles: OPS,
  labels,
  component: ReconciliationRunPage
}

import { useState } from 'preact/hooks'
import { api } from '../api'
import { useCodeLabel, usePageLabels } from '../i18n'
import { formatTime, maskText } from '../mask'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { can, OPS, type PageDef, type PageProps } from './page'
import type { MessageDetailV1 } from '../../../contracts/admin-v1.js'

const labels = {
  zh: { heading: '消息详情', origin: '来源平台', kind: '类型', items: '条目数', digest: '摘要', received: '接收时间', destination: '目的地', status: '状态', attempts: '尝试', resends: '重发次数', lastError: '最后错误', delivered: '送达时间', receipt: '回执', attemptLog: '投递记录', outcome: '结果', started: '开始', finished: '结束', refused: '被拒条目', index: '序号', entry: '条目', code: '代码', reason: '原因' },
  en: { heading: 'Message', origin: 'Origin', kind: 'Kind', items: 'Items', digest: 'Digest', received: 'Received', destination: 'Destination', status: 'Status', attempts: 'Attempts', resends: 'Resends', lastError: 'Last error', delivered: 'Delivered', receipt: 'Receipt', attemptLog: 'Attempts', outcome: 'Outcome', started: 'Started', finished: 'Finished', refused: 'Refused items', index: 'Item', entry: 'Entry', code: 'Code', reason: 'Reason' }
}

const json = (v: unknown): string => v === null || v === undefined ? '—' : maskText(JSON.stringify(v, null, 2))

function MessageDetailPage ({ params, session }: PageProps) {
  const t = usePageLabels(labels)
  const label = useCodeLabel()
  const jti = params.jti ?? ''
  const detail = useLoad(async () => await api<MessageDetailV1>(`/v1/admin/messages/${encodeURIComponent(jti)}`), jti)
  const [note, setNote] = useState<Record<string, string>>({})
  const resend = async (id: string): Promise<void> => {
    try {
      await api(`/v1/deliveries/${id}/resend`, { method: 'POST' })
      setNote((n) => ({ ...n, [id]: t('resent') }))
      detail.reload()
    } catch (err) {
      setNote((n) => ({ ...n, [id]: `${t('error')}: ${(err as Error).message}` }))
    }
  }
  const d = detail.data
  return (
    <div>
      <header class='page-head'><h1>{t('heading')} <code>{jti}</code></h1><button type='button' onClick={() => { detail.reload() }}>{t('refresh')}</button></header>
      <ErrorLine error={detail.error} t={t} />
      {d !== undefined && (
        <>
          <dl class='facts'>
            <dt>{t('origin')}</dt><dd>{d.iss}</dd>
            <dt>{t('kind')}</dt><dd title={d.kind}>{label('kind', d.kind)} <small class='muted'>{d.kind}</small></dd>
            <dt>{t('items')}</dt><dd>{d.items}</dd>
            <dt>{t('received')}</dt><dd>{formatTime(d.receivedAt)}</dd>
            <dt>{t('digest')}</dt><dd><code>{d.digest}</code></dd>
          </dl>
          {d.destinations.map((x) => (
            <section class='card wide' key={x.deliveryId} data-testid={`destination-${x.platform}`}>
              <h2>{t('destination')} {x.platform} <Badge kind='status' value={x.status} t={t} /></h2>
              <dl class='facts'>
                <dt>{t('attempts')}</dt><dd>{x.attempts}</dd>
                <dt>{t('resends')}</dt><dd>{x.resends}</dd>
                <dt>{t('lastError')}</dt><dd class='error-text'>{maskText(x.lastError ?? '—')}</dd>
                <dt>{t('delivered')}</dt><dd>{formatTime(x.deliveredAt)}</dd>
                <dt>{t('receipt')}</dt><dd><pre>{json(x.receipt)}</pre></dd>
              </dl>
              {x.refusedItems.length > 0 && (
                <table data-testid={`refused-${x.platform}`}>
                  <caption>{t('refused')} ({x.refusedItems.length})</caption>
                  <thead><tr><th>{t('index')}</th><th>{t('entry')}</th><th>{t('code')}</th><th>{t('reason')}</th></tr></thead>
                  <tbody>{x.refusedItems.map((r) => (
                    <tr key={r.index}><td>{r.index}</td><td>{r.entryId ?? '—'}</td><td>{r.code}</td><td class='error-text'>{maskText(r.reason)}</td></tr>
                  ))}
                  </tbody>
                </table>
              )}
              {note[x.deliveryId] !== undefined
                ? <p class='note' role='status'>{note[x.deliveryId]}</p>
                : can(session, ['admin']) && (x.status === 'dead' || x.status === 'delivered' || x.status === 'partial') &&
                  <button type='button' data-testid={`resend-${x.platform}`} onClick={() => { resend(x.deliveryId).catch(() => undefined) }}>{t('resend')}</button>}
              {x.attemptLog.length > 0 && (
                <details>
                  <summary>{t('attemptLog')} ({x.attemptLog.length})</summary>
                  <table>
                    <thead><tr><th>#</th><th>{t('started')}</th><th>{t('finished')}</th><th>{t('outcome')}</th><th>{t('lastError')}</th></tr></thead>
                    <tbody>{x.attemptLog.map((a, i) => <tr key={i}><td>{a.attempt}</td><td>{formatTime(a.startedAt)}</td><td>{formatTime(a.finishedAt)}</td><td>{a.outcome ?? '—'}</td><td class='error-text'>{maskText(a.error ?? '')}</td></tr>)}</tbody>
                  </table>
                </details>
              )}
            </section>
          ))}
        </>
      )}
    </div>
  )
}

export const messageDetailPage: PageDef = {
  path: 'messages/:jti',
  roles: OPS,
  labels,
  component: MessageDetailPage
}

import { useState } from 'preact/hooks'
import { api, query } from '../api'
import { usePageLabels } from '../i18n'
import { formatTime, maskText } from '../mask'
import { ChainStatus } from '../components/chain-status'
import { ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import type { PageDef } from './page'
import type { AdminActionPageV1 } from '../../../contracts/admin-v1.js'

const labels = {
  zh: { heading: '操作审计', intro: '每一次管理操作（重发、纠偏/补发、审批、登录、导出）均不可更改地记入哈希链。', principal: '操作人', action: '操作', target: '对象', detail: '详情', chainOk: '哈希链完整：{rows} 条，链头 {hash}…', chainBroken: '哈希链在第 {seq} 条断开：{reason}' },
  en: { heading: 'Admin actions', intro: 'Every admin action (resend, heal, approve, login, export) is kept in an append-only hash chain.', principal: 'Who', action: 'Action', target: 'Target', detail: 'Detail', chainOk: 'Hash chain intact: {rows} rows, head {hash}…', chainBroken: 'Hash chain broken at row {seq}: {reason}' }
}

function AdminActionsPage () {
  const t = usePageLabels(labels)
  const [before, setBefore] = useState<string | undefined>(undefined)
  const page = useLoad(
    async () => await api<AdminActionPageV1>(`/v1/admin/actions${query({ before, limit: 100 })}`), before ?? '')
  return (
    <div>
      <header class='page-head'><h1>{t('heading')}</h1><button type='button' onClick={() => { page.reload() }}>{t('refresh')}</button></header>
      <p class='muted'>{t('intro')}</p>
      <ChainStatus table='admin_actions' t={t} />
      <ErrorLine error={page.error} t={t} />
      <table data-testid='admin-actions'>
        <thead><tr><th>#</th><th>{t('time')}</th><th>{t('principal')}</th><th>{t('action')}</th><th>{t('target')}</th><th>{t('detail')}</th></tr></thead>
        <tbody>
          {page.data?.rows.map((r) => (
            <tr key={r.seq}><td>{r.seq}</td><td>{formatTime(r.at)}</td><td>{maskText(r.principal)}</td>
              <td>{r.action}</td><td>{maskText(r.target)}</td>
              <td><code>{r.detail === null ? '' : maskText(JSON.stringify(r.detail))}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data?.nextBefore != null && <button type='button' onClick={() => { setBefore(page.data?.nextBefore ?? undefined) }}>{t('next')}</button>}
    </div>
  )
}

export const adminActionsPage: PageDef = {
  path: 'actions',
  roles: ['auditor'],
  nav: { zh: '操作审计', en: 'Admin actions' },
  labels,
  component: AdminActionsPage
}

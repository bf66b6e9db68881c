import { useState } from 'preact/hooks'
import { api, query } from '../api'
import { useCodeLabel, usePageLabels } from '../i18n'
import { formatTime } from '../mask'
import { hashQuery, href, setHashQuery, useHash } from '../router'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { OPS, type PageDef } from './page'
import type { MessageSearchV1 } from '../../../contracts/admin-v1.js'

const labels = {
  zh: { heading: '消息查询', jti: '消息编号（前缀）', origin: '来源平台', destination: '目的平台', status: '投递状态', any: '全部', kind: '类型', items: '条目数', received: '接收时间', deliveries: '各目的地状态', empty: '没有符合条件的消息' },
  en: { heading: 'Messages', jti: 'Message id (prefix)', origin: 'Origin', destination: 'Destination', status: 'Delivery status', any: 'any', kind: 'Kind', items: 'Items', received: 'Received', deliveries: 'Deliveries', empty: 'No message matches' }
}
const STATUSES = ['queued', 'delivering', 'delivered', 'retrying', 'dead', 'partial']
const FIELDS = ['q', 'origin', 'destination', 'status'] as const

function MessagesPage () {
  const t = usePageLabels(labels)
  const label = useCodeLabel()
  const hash = useHash()
  const params = hashQuery(hash)
  const filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ''])) as Record<typeof FIELDS[number], string>
  const [form, setForm] = useState(filters)
  const [before, setBefore] = useState<string | undefined>(undefined)
  const result = useLoad(
    async () => await api<MessageSearchV1>(`/v1/admin/messages${query({ ...filters, before, limit: 50 })}`),
    `${hash}|${before ?? ''}`)
  const field = (name: typeof FIELDS[number]) => (e: Event) => {
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value })
  }
  return (
    <div>
      <header class='page-head'><h1>{t('heading')}</h1></header>
      <form class='filters' onSubmit={(e) => { e.preventDefault(); setBefore(undefined); setHashQuery('messages', form) }}>
        <label>{t('jti')} <input name='q' value={form.q} onInput={field('q')} /></label>
        <label>{t('origin')} <input name='origin' value={form.origin} onInput={field('origin')} size={4} /></label>
        <label>{t('destination')} <input name='destination' value={form.destination} onInput={field('destination')} size={4} /></label>
        <label>{t('status')}{' '}
          <select name='status' value={form.status} onChange={field('status')}>
            <option value=''>{t('any')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </label>
        <button type='submit'>{t('search')}</button>
      </form>
      <ErrorLine error={result.error} t={t} />
      {result.data?.messages.length === 0 && <p class='muted'>{t('empty')}</p>}
      {(result.data?.messages.length ?? 0) > 0 && (
        <table data-testid='messages'>
          <thead><tr><th>{t('jti')}</th><th>{t('origin')}</th><th>{t('kind')}</th><th>{t('items')}</th><th>{t('received')}</th><th>{t('deliveries')}</th></tr></thead>
          <tbody>
            {result.data?.messages.map((m) => (
              <tr key={m.jti}>
                <td><a href={href(`messages/${encodeURIComponent(m.jti)}`)}>{m.jti}</a></td>
                <td>{m.iss}</td><td title={m.kind} data-kind={m.kind}>{label('kind', m.kind)}</td><td>{m.items}</td><td>{formatTime(m.receivedAt)}</td>
                <td>{Object.entries(m.statuses).map(([s, n]) => <span key={s}><Badge kind='status' value={s} t={t} /> {n} </span>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.data?.nextBefore != null && <button type='button' onClick={() => { setBefore(result.data?.nextBefore ?? undefined) }}>{t('next')}</button>}
    </div>
  )
}

export const messagesPage: PageDef = {
  path: 'messages',
  roles: OPS,
  nav: { zh: '消息', en: 'Messages' },
  labels,
  component: MessagesPage
}

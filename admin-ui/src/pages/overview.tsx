import { useState } from 'preact/hooks'
import { api, query, type Session } from '../api'
import { useCodeLabel, usePageLabels, type T } from '../i18n'
import { formatSeconds, formatTime, maskText } from '../mask'
import { href } from '../router'
import { LagChart } from '../components/lag-chart'
import { PeerGateways, peerLabels, queueDepth } from '../components/peer-gateways'
import { Badge, ErrorLine } from '../components/status'
import { useLoad } from '../components/use-load'
import { can, OPS, type PageDef, type PageProps } from './page'
import type { OverviewV1 } from '../../../contracts/admin-v1.js'
import type { DeliveryListV1 } from '../../../contracts/message-status-v1.js'

type PlatformOverview = OverviewV1['platforms'][number]
type DeliveryRow = DeliveryListV1['deliveries'][number]

const labels = {
  zh: {
    ...peerLabels.zh,
    heading: '总览',
    queue: '队列',
    dead: '失败投递',
    partial: '部分送达（被拒条目）',
    oldest: '最久未送达',
    pull: '拉取模式',
    lagTitle: '投递时延（平均，秒）',
    lagAxis: '秒',
    window: '时间窗',
    deadHeading: '失败的投递',
    message: '消息',
    origin: '来源',
    destination: '目的地',
    attempts: '尝试次数',
    lastError: '最后错误',
    cause: '原因',
    byCause: '按原因',
    noCause: '未记录',
    noDead: '没有失败的投递',
    updated: '更新于 {t}',
    'pause.down': '已暂停：对方平台故障，恢复后自动继续',
    'pause.credentials': '已暂停：对方拒绝网关的认证凭据',
    'pause.breaker': '已暂停：熔断（健康检查正常但请求超时），{t} 后重试',
    pausedSince: '暂停于 {t}',
    resume: '恢复投递',
    resumed: '已恢复'
  },
  en: {
    ...peerLabels.en,
    heading: 'Overview',
    queue: 'Queue',
    dead: 'Dead deliveries',
    partial: 'Partial (refused items)',
    oldest: 'Oldest pending',
    pull: 'pulls its feed',
    lagTitle: 'Delivery lag (average, seconds)',
    lagAxis: 'seconds',
    window: 'Window',
    deadHeading: 'Dead deliveries',
    message: 'Message',
    origin: 'Origin',
    destination: 'Destination',
    attempts: 'Attempts',
    lastError: 'Last error',
    cause: 'Cause',
    byCause: 'By cause',
    noCause: 'not recorded',
    noDead: 'No dead deliveries',
    updated: 'Updated {t}',
    'pause.down': 'Paused: the platform is down; resumes by itself',
    'pause.credentials': 'Paused: the platform refused the gateway\'s credentials',
    'pause.breaker': 'Paused: circuit breaker open (timeouts while its health check answers); tries again at {t}',
    pausedSince: 'Paused since {t}',
    resume: 'Resume deliveries',
    resumed: 'Resumed'
  }
}

/** Why the queue is paused, since when, and for admins and operators the button that resumes it. */
interface CardProps { p: PlatformOverview, t: T, session: Session, onResumed: () => void }

function PauseNotice ({ p, t, session, onResumed }: CardProps) {
  const [outcome, setOutcome] = useState<string | undefined>(undefined)
  const pause = p.pause
  if (pause === null) return null
  const resume = async (): Promise<void> => {
    try {
      await api(`/v1/admin/platforms/${encodeURIComponent(p.id)}/resume`, { method: 'POST' })
      setOutcome(t('resumed'))
      onResumed()
    } catch (err) {
      setOutcome(`${t('error')}: ${(err as Error).message}`)
    }
  }
  return (
    <div class='pause' data-testid='pause' data-reason={pause.reason}>
      <p class='alarm'>{t(`pause.${pause.reason}`, { t: formatTime(pause.until ?? pause.since) })}</p>
      <p class='muted'>{t('pausedSince', { t: formatTime(pause.since) })}</p>
      {pause.detail !== null && <p class='muted error-text'>{maskText(pause.detail)}</p>}
      {outcome ?? (can(session, ['admin', 'operator']) &&
        <button type='button' data-testid='resume' onClick={() => { resume().catch(() => undefined) }}>{t('resume')}</button>)}
    </div>
  )
}

function PlatformCard ({ p, t, session, onResumed }: CardProps) {
  return (
    <section class='card platform' data-testid={`platform-${p.id}`}>
      <h3>{p.name} <small>{p.id} · {p.adapter}</small></h3>
      <Badge kind='health' value={p.health} t={t} />
      {p.pause === null && p.healthDetail !== null && <p class='muted'>{maskText(p.healthDetail)}</p>}
      <PauseNotice key={p.pause?.since ?? ''} p={p} t={t} session={session} onResumed={onResumed} />
      <dl>
        <dt>{t('queue')}</dt><dd>{p.pull ? t('pull') : queueDepth(p.queue)}</dd>
        <dt>{t('dead')}</dt><dd class={p.dead > 0 ? 'alarm' : ''}>{p.dead > 0 ? <a href={href(`messages?status=dead&destination=${p.id}`)}>{p.dead}</a> : 0}</dd>
        <dt>{t('partial')}</dt>
        <dd class={p.partial > 0 ? 'alarm' : ''} data-testid={`partial-${p.id}`}>
          {p.partial > 0 ? <a href={href(`messages?status=partial&destination=${p.id}`)}>{p.partial} ({p.refusedItems})</a> : 0}
        </dd>
        <dt>{t('oldest')}</dt><dd>{formatSeconds(p.oldestPendingSeconds)}</dd>
      </dl>
    </section>
  )
}

export function DeadDeliveries ({ session, t, platform }: { session: Session, t: T, platform?: string }) {
  const dead = useLoad(async () => await api<{ deliveries: DeliveryRow[] }>(`/v1/deliveries${query({ status: 'dead', platform })}`), platform ?? '')
  const [done, setDone] = useState<Record<string, string>>({})
  const resend = async (id: string): Promise<void> => {
    try {
      await api(`/v1/deliveries/${id}/resend`, { method: 'POST' })
      setDone((d) => ({ ...d, [id]: t('resent') }))
    } catch (err) {
      setDone((d) => ({ ...d, [id]: `${t('error')}: ${(err as Error).message}` }))
    }
  }
  const rows = dead.data?.deliveries ?? []
  const label = useCodeLabel()
  const cause = (code: string | null): string => code === null ? t('noCause') : label('cause', code)
  // Grouped by the code, never by the text: the platform's wording differs from one failure to the next.
  const causes = [...rows.reduce(
    (n, d) => n.set(d.lastErrorCode, (n.get(d.lastErrorCode) ?? 0) + 1), new Map<string | null, number>()
  )]
  return (
    <section class='card wide'>
      <h2>{t('deadHeading')}</h2>
      <ErrorLine error={dead.error} t={t} />
      {rows.length === 0 && !dead.loading
        ? <p class='muted'>{t('noDead')}</p>
        : (
          <>
            <p data-testid='dead-causes'>{t('byCause')}:{' '}
              {causes.map(([code, n]) => <span key={code ?? ''} class='cause' data-cause={code ?? ''}>{cause(code)} {n} </span>)}
            </p>
            <table data-testid='dead-deliveries'>
              <thead>
                <tr>
                  <th>{t('message')}</th><th>{t('origin')}</th><th>{t('destination')}</th><th>{t('attempts')}</th>
                  <th>{t('cause')}</th><th>{t('lastError')}</th><th>{t('time')}</th><th />
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.deliveryId} data-testid={`dead-${d.deliveryId}`}>
                    <td><a href={href(`messages/${encodeURIComponent(d.jti)}`)}>{d.jti}</a></td>
                    <td>{d.origin}</td><td>{d.platform}</td><td>{d.attempts}</td>
                    <td data-testid='cause' title={d.lastErrorCode ?? ''}>{cause(d.lastErrorCode)}</td>
                    <td class='error-text'>{maskText(d.lastError ?? '')}</td>
                    <td>{formatTime(d.updatedAt)}</td>
                    <td>
                      {done[d.deliveryId] ?? (can(session, ['admin']) &&
                        <button type='button' onClick={() => { resend(d.deliveryId).catch(() => undefined) }}>{t('resend')}</button>)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
          )}
    </section>
  )
}

function OverviewPage ({ session }: PageProps) {
  const t = usePageLabels(labels)
  const [minutes, setMinutes] = useState(60)
  const overview = useLoad(
    async () => await api<OverviewV1>(`/v1/admin/overview?minutes=${minutes}`), String(minutes), 15_000)
  const o = overview.data
  return (
    <div>
      <header class='page-head'>
        <h1>{t('heading')}</h1>
        <label>{t('window')}{' '}
          <select value={minutes} onChange={(e) => { setMinutes(Number((e.target as HTMLSelectElement).value)) }}>
            {[60, 360, 1440, 10080].map((m) => <option key={m} value={m}>{m < 1440 ? `${m / 60} h` : `${m / 1440} d`}</option>)}
          </select>
        </label>
        <button type='button' onClick={() => { overview.reload() }}>{t('refresh')}</button>
        {o !== undefined && <span class='muted'>{t('updated', { t: formatTime(o.generatedAt) })}</span>}
      </header>
      <ErrorLine error={overview.error} t={t} />
      {o === undefined
        ? <p>{t('loading')}</p>
        : (
          <>
            <div class='cards'>{o.platforms.map((p) => <PlatformCard key={p.id} p={p} t={t} session={session} onResumed={() => { overview.reload() }} />)}</div>
            <PeerGateways peers={o.peers} t={t} session={session} onChanged={() => { overview.reload() }} />
            <section class='card wide'>
              <LagChart
                points={o.lag.points} platforms={o.platforms.map((p) => p.id)} title={t('lagTitle')} yLabel={t('lagAxis')}
                from={Date.parse(o.lag.since) / 1000} to={Date.parse(o.generatedAt) / 1000}
              />
            </section>
          </>
          )}
      <DeadDeliveries session={session} t={t} />
    </div>
  )
}

export const overviewPage: PageDef = {
  path: 'overview',
  roles: OPS,
  nav: { zh: '总览', en: 'Overview' },
  labels,
  component: OverviewPage
}

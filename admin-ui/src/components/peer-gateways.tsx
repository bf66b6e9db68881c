import { useState } from 'preact/hooks'
import { api, query, type Session } from '../api'
import type { T } from '../i18n'
import { formatTime, maskText } from '../mask'
import { href } from '../router'
import { can } from '../pages/page'
import type { OverviewV1 } from '../../../contracts/admin-v1.js'

type PeerOverview = OverviewV1['peers'][number]

/** Labels of the peer gateways' section (merged into the overview page's own). */
export const peerLabels = {
  zh: {
    peersHeading: '对等网关',
    endpoint: '地址',
    relayed: '向其转发',
    yes: '是',
    no: '否',
    deliveries: '投递',
    origins: '其后的平台',
    'peer.active': '运行中',
    'peer.disabled': '已停用',
    'peer.configPaused': '已暂停：配置文件中 paused 为 true，修改配置后恢复',
    'peer.adminPaused': '已暂停：{who} 于 {t} 暂停',
    'peer.refused': '其转发被拒收（503，可重试）',
    'peer.refusedWaiting': '其转发被拒收（503，可重试）；发往它的消息在队列中等待，恢复后送出',
    reason: '原因',
    pausePeer: '暂停',
    resumePeer: '恢复',
    peerPaused: '已暂停',
    peerResumed: '已恢复'
  },
  en: {
    peersHeading: 'Peer gateways',
    endpoint: 'Endpoint',
    relayed: 'Relayed to',
    yes: 'yes',
    no: 'no',
    deliveries: 'Deliveries',
    origins: 'Origins behind it',
    'peer.active': 'active',
    'peer.disabled': 'disabled',
    'peer.configPaused': 'Paused in its config (paused: true); a change of config resumes it',
    'peer.adminPaused': 'Paused by {who} at {t}',
    'peer.refused': 'Its relays are refused (503, retryable)',
    'peer.refusedWaiting': 'Its relays are refused (503, retryable); what goes to it waits in its queue until resumed',
    reason: 'Reason',
    pausePeer: 'Pause',
    resumePeer: 'Resume',
    peerPaused: 'Paused',
    peerResumed: 'Resumed'
  }
}

/** Jobs still to run (failed jobs are dead deliveries, counted apart). */
export const queueDepth = (
  q: Record<string, number>
): number => (q.wait ?? 0) + (q.active ?? 0) + (q.delayed ?? 0) + (q.paused ?? 0)

interface PeerProps { p: PeerOverview, t: T, session: Session, onChanged: () => void }

/** The peer's pauses and, for admins and operators, the button that pauses or resumes it (the peer admin routes). */
function PeerPauseControl ({ p, t, session, onChanged }: PeerProps) {
  const [outcome, setOutcome] = useState<string | undefined>(undefined)
  const [reason, setReason] = useState('')
  const act = async (action: 'pause' | 'resume'): Promise<void> => {
    try {
      const q = action === 'pause' ? query({ reason: reason.trim() }) : ''
      await api(`/v1/admin/peers/${encodeURIComponent(p.id)}/${action}${q}`, { method: 'POST' })
      setOutcome(t(action === 'pause' ? 'peerPaused' : 'peerResumed'))
      onChanged()
    } catch (err) {
      setOutcome(`${t('error')}: ${(err as Error).message}`)
    }
  }
  const mayAct = can(session, ['admin', 'operator'])
  return (
    <div class='pause' data-testid='peer-pause'>
      {p.configPaused && <p class='alarm' data-testid='peer-config-paused'>{t('peer.configPaused')}</p>}
      {p.pause !== null && (
        <>
          <p class='alarm' data-testid='peer-admin-paused'>{t('peer.adminPaused', { who: p.pause.principal, t: formatTime(p.pause.since) })}</p>
          <p class='muted'>{t('reason')}: <span data-testid='peer-pause-reason'>{maskText(p.pause.reason)}</span></p>
        </>
      )}
      {p.paused && <p class='muted'>{t(p.relayed ? 'peer.refusedWaiting' : 'peer.refused')}</p>}
      {outcome ?? (mayAct && (p.pause !== null
        ? <button type='button' data-testid={`resume-peer-${p.id}`} onClick={() => { act('resume').catch(() => undefined) }}>{t('resumePeer')}</button>
        : !p.paused && (
          <p>
            <input
              name='reason' maxLength={200} placeholder={t('reason')} value={reason}
              onInput={(e) => { setReason((e.target as HTMLInputElement).value) }}
            />{' '}
            <button type='button' data-testid={`pause-peer-${p.id}`} onClick={() => { act('pause').catch(() => undefined) }}>{t('pausePeer')}</button>
          </p>
          )))}
    </div>
  )
}

function PeerCard ({ p, t, session, onChanged }: PeerProps) {
  const statuses = Object.entries(p.deliveries ?? {}).filter(([, n]) => n > 0)
  return (
    <section class='card peer' data-testid={`peer-${p.id}`}>
      <h3>{p.name} <small>{p.id}</small></h3>
      {p.paused
        ? <span class='badge health-paused' data-testid='peer-state-paused'>{t('health.paused')}</span>
        : p.enabled
          ? <span class='badge health-up' data-testid='peer-state-active'>{t('peer.active')}</span>
          : <span class='badge' data-testid='peer-state-disabled'>{t('peer.disabled')}</span>}
      <PeerPauseControl key={`${String(p.paused)} ${p.pause?.since ?? ''}`} p={p} t={t} session={session} onChanged={onChanged} />
      <dl>
        <dt>{t('endpoint')}</dt><dd>{p.endpoint ?? t('none')}</dd>
        <dt>{t('relayed')}</dt><dd data-testid='peer-relayed'>{t(p.relayed ? 'yes' : 'no')}</dd>
        <dt>{t('queue')}</dt><dd>{p.queue === null ? '—' : queueDepth(p.queue)}</dd>
        <dt>{t('deliveries')}</dt>
        <dd data-testid={`peer-deliveries-${p.id}`}>
          {p.deliveries === null
            ? '—'
            : statuses.length === 0
              ? 0
              : statuses.map(([s, n]) => (
                <span key={s} class={s === 'dead' ? 'alarm' : ''} data-status={s}>
                  {s === 'dead' ? <a href={href(`messages?status=dead&destination=${p.id}`)}>{t(`status.${s}`)} {n}</a> : `${t(`status.${s}`)} ${n}`}{' '}
                </span>
              ))}
        </dd>
        <dt>{t('origins')}</dt><dd data-testid='peer-origins'>{p.origins.length === 0 ? t('none') : p.origins.join(', ')}</dd>
      </dl>
    </section>
  )
}

interface PeersProps { peers: PeerOverview[], t: T, session: Session, onChanged: () => void }

/** The configured peer gateways (issue 18): nothing at all where there are none. */
export function PeerGateways ({ peers, t, session, onChanged }: PeersProps) {
  if (peers.length === 0) return null
  return (
    <section class='card wide' data-testid='peer-gateways'>
      <h2>{t('peersHeading')}</h2>
      <div class='cards'>{peers.map((p) => <PeerCard key={p.id} p={p} t={t} session={session} onChanged={onChanged} />)}</div>
    </section>
  )
}

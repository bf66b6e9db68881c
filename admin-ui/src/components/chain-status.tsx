import { api } from '../api'
import type { T } from '../i18n'
import { useLoad } from './use-load'

interface Chain {
  table: string,
  rows: number,
  ok: boolean,
  head: { seq: string, hash: string } | null,
  firstBroken: { seq: string, reason: string } | null
}

/** Whether the audit hash chain of `table` is intact (GET /v1/admin/audit/verify). */
export function ChainStatus ({ table, t }: { table: string, t: T }) {
  const v = useLoad(async () => await api<{ chains: Chain[] }>('/v1/admin/audit/verify'), table)
  const c = v.data?.chains.find((x) => x.table === table)
  if (c === undefined) return null
  return c.ok
    ? <p class='chain ok' data-testid='chain-ok'>{t('chainOk', { rows: c.rows, hash: c.head?.hash.slice(0, 16) ?? '—' })}</p>
    : <p class='chain broken' role='alert' data-testid='chain-broken'>{t('chainBroken', { seq: c.firstBroken?.seq ?? '?', reason: c.firstBroken?.reason ?? '' })}</p>
}

import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import type { ObjectionResolveItemV1 } from '../../contracts/objection-items-v1.js'
import type { CaseEvent } from '../punishment/case-events.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { lockCasesOfEntry, saveCase, step, type StoredCase } from './case-store.js'
import { revokeClosed } from '../punishment/case-state-machine.js'
import { ItemErrors } from '../errors/item-errors.js'
import { removeOnBehalf } from './remove-on-behalf.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

interface OpenObjection { entry_version: number, measures_continue: boolean }

/** Remediation notices (纠错) to every platform that applied a measure of a case now revoked. */
async function sendRemediation (
  client: pg.PoolClient, deps: WorkflowDeps, c: StoredCase, item: ObjectionResolveItemV1, at: Date
): Promise<void> {
  for (const n of c.state.remediation) {
    const notice: GatewayNoticeItemV1 = {
      noticeId: `RM-${randomUUID()}`,
      noticeType: 'remediation',
      caseId: c.caseId,
      initiator: c.initiator,
      entryId: item.entryId,
      owner: item.owner,
      objectionId: item.objectionId,
      measures: [...n.measures],
      text: `Entry ${item.owner}/${item.entryId} was revoked as wrongful on ${item.resolvedOn} after objection ${item.objectionId}: remedy the measures applied under case ${c.caseId}.`
    }
    await emitGatewayMessage(client, deps.keys, { kind: 'gateway.notice', items: [notice], destinations: [n.platform] }, at)
  }
}

/**
 * `objection.resolve` from the entry's owner: `upheld` — the entry and its cases resume;
 * `corrected` — the owner has already published the corrected version (a `list.upsert` while the
 * entry was suspended), named by `correctedVersion`, and the cases continue on it; `revoked` — the
 * entry is removed everywhere as wrongful (a removal the gateway issues, tracked like any other),
 * its cases are revoked and every platform that applied a measure gets a remediation notice.
 */
export async function resolveObjections (
  client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage
): Promise<void> {
  const items = msg.items as ObjectionResolveItemV1[]
  const errors = new ItemErrors()
  for (const [index, item] of items.entries()) {
    const found = await client.query<OpenObjection>(
      `SELECT entry_version, measures_continue FROM objections
       WHERE owner = $1 AND objection_id = $2 AND entry_id = $3 AND status = 'open' FOR UPDATE`, [item.owner, item.objectionId, item.entryId])
    const objection = found.rows[0]
    if (objection === undefined) {
      errors.add(index, '/objectionId', 'OBJECTION_UNKNOWN', 'no open objection with this id on this entry')
      continue
    }
    const { rows } = await client.query<{ version: number, status: string }>(
      'SELECT version, status FROM entries WHERE owner = $1 AND entry_id = $2 FOR UPDATE', [item.owner, item.entryId])
    const version = rows[0]?.version ?? 0
    // Already removed (by its owner, or here by a peer gateway's removal on the owner's behalf that
    // arrived first, issue 18): revoking it needs no second removal.
    const removed = rows[0]?.status === 'removed'
    if (item.outcome === 'corrected' && (item.correctedVersion !== version || version <= objection.entry_version)) {
      errors.add(index, '/correctedVersion', 'VERSION_CONFLICT', `publish the corrected entry (a version above ${objection.entry_version}) first, then name its current version (${version})`)
      continue
    }
    const event: CaseEvent = { type: 'objection-resolved', objectionId: item.objectionId, outcome: item.outcome, ...(item.outcome === 'corrected' ? { correctedVersion: version } : {}) }
    for (const c of await lockCasesOfEntry(client, item.owner, item.entryId)) {
      // Where measures continued during verification the case was never suspended: it is now.
      let state = c.state
      if (state.openObjection !== item.objectionId) {
        if (item.outcome !== 'revoked') continue
        state = step(state, { type: 'objection-opened', objectionId: item.objectionId })
      }
      const next = { ...c, state: step(state, event) }
      await saveCase(client, next, event, msg.jti, msg.at)
      if (item.outcome === 'revoked') await sendRemediation(client, deps, next, item, msg.at)
    }
    if (item.outcome === 'revoked') {
      // Measures applied under a case that had already closed are remedied too.
      for (const c of await lockCasesOfEntry(client, item.owner, item.entryId, ['closed'])) {
        const next = { ...c, state: revokeClosed(c.state) }
        await saveCase(client, next, { type: 'revoked-after-closing' }, msg.jti, msg.at)
        await sendRemediation(client, deps, next, item, msg.at)
      }
      await client.query('UPDATE entries SET wrongful = true WHERE owner = $1 AND entry_id = $2', [item.owner, item.entryId])
      if (!removed) {
        await removeOnBehalf(client, deps, item.owner, [{
          entryId: item.entryId, owner: item.owner, version: version + 1, reason: 'revoked', basis: item.explanation, effectiveOn: item.resolvedOn
        }], msg.at)
      }
    } else {
      await client.query("UPDATE entries SET status = 'active', updated_at = $3 WHERE owner = $1 AND entry_id = $2 AND status = 'suspended'", [item.owner, item.entryId, msg.at])
    }
    await client.query(
      'UPDATE objections SET status = $3, resolved_jti = $4, resolved_at = $5, corrected_version = $6 WHERE owner = $1 AND objection_id = $2',
      [item.owner, item.objectionId, item.outcome, msg.jti, msg.at, item.outcome === 'corrected' ? version : null])
  }
  errors.throwIfAny((n) => `${n} item(s) cannot resolve an objection; the envelope was not accepted`)
}

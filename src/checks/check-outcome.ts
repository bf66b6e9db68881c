import type pg from 'pg'
import type { CheckOutcomeNameV1, CheckOutcomeV1 } from '../../contracts/check-v1.js'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { scrubIdNumbers } from '../identifiers/mask.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { inTransaction } from '../ledger/pool.js'
import { consultedEntries, readCheck, type CheckRow } from './check-store.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'

/**
 * The outcomes in the words Zhejiang reports them (seed 001, 信用浙江's account of 应查必查: 优先办理,
 * 不予办理, 从严办理, 纳入重点监管名单); the admin UI's label table (admin-ui/src/code-labels.ts) uses the same.
 */
export const OUTCOME_ZH: Record<CheckOutcomeNameV1, string> = {
  'fast-tracked': '优先办理',
  refused: '不予办理',
  'handled-more-strictly': '从严办理',
  'key-supervision': '纳入重点监管',
  'no-effect': '未影响决定'
}

const ROLE_ZH: Record<string, string> = {
  'legal-representative': '法定代表人', principal: '主要负责人', 'actual-controller': '实际控制人', 'directly-responsible': '直接责任人员'
}

/**
 * One notice item per entry of `owner` in the answer, those found through a role of the checked
 * subject (落实到人) included: the owner learns what its listing led to.
 */
export function outcomeNotices (
  check: CheckRow, owner: string, outcome: CheckOutcomeNameV1, note: string | null
): GatewayNoticeItemV1[] {
  const measures = (check.answered as { measures?: Array<{ code: string }> }).measures?.map((m) => m.code) ?? []
  return consultedEntries(check)
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.owner === owner)
    .map(({ e, i }) => {
      const who = `${check.platform}${check.department === null ? '' : `（${check.department}）`}`
      const role = e.roles === undefined ? '' : `，查询对象系该条目主体的责任人（${e.roles.map((r) => ROLE_ZH[r] ?? r).join('、')}）`
      const text = `应查必查结果反馈：${who}于 ${check.at.toISOString()} 查询了贵方名单条目 ${e.entryId}（第 ${e.version} 版，${e.status === 'suspended' ? '异议中' : '有效'}${role}），` +
        `决定类型 ${check.decision_type}，结果：${OUTCOME_ZH[outcome]}。Outcome of a check before deciding (${check.decision_type}): ${outcome}.` +
        (note === null ? '' : ` ${note}`)
      return {
        noticeId: `${check.id}.${i}`,
        noticeType: 'check.outcome' as const,
        entryId: e.entryId,
        owner: e.owner,
        checkId: check.id,
        outcome,
        ...(measures.length > 0 ? { measures } : {}),
        text: text.slice(0, 2000)
      }
    })
}

/**
 * Records what a check led to (结果实时反馈) — once; the same outcome again is answered as recorded,
 * another one is a conflict — and, in the same transaction, sends each platform owning an entry of
 * the answer a gateway notice (`check.outcome`) through the ordinary delivery pipeline. Only the
 * principal that checked may report.
 */
export async function reportOutcome (
  pool: pg.Pool,
  keys: GatewayKeys,
  principal: string,
  checkId: string,
  outcome: CheckOutcomeNameV1,
  rawNote: string | undefined
): Promise<{ created: boolean, body: CheckOutcomeV1 }> {
  const note = rawNote === undefined ? null : scrubIdNumbers(rawNote.trim())
  return await inTransaction(pool, async (client) => {
    const check = await readCheck(client, checkId, true)
    if (check === undefined) throw new GatewayError('NOT_FOUND', 'no such check')
    if (check.principal !== principal) throw new GatewayError('FORBIDDEN', 'only the principal that checked may report its outcome')
    if (check.outcome !== null) {
      if (check.outcome !== outcome) throw new GatewayError('CHECK_OUTCOME_CONFLICT', `the outcome ${check.outcome} was already reported for this check`)
      return {
        created: false,
        body: {
          checkId, outcome, reportedAt: (check.outcome_at as Date).toISOString(), notices: check.outcome_notices ?? []
        }
      }
    }
    const at = new Date()
    const owners = [...new Set(consultedEntries(check).map((e) => e.owner))].sort()
    const notices: Array<{ platform: string, jti: string }> = []
    for (const owner of owners) {
      const jti = await emitGatewayMessage(client, keys, {
        kind: 'gateway.notice', items: outcomeNotices(check, owner, outcome, note), destinations: [owner], jti: `${GATEWAY_ID}-check-${check.id}-${owner}`
      }, at)
      notices.push({ platform: owner, jti })
    }
    await client.query(
      'UPDATE checks SET outcome = $2, outcome_at = $3, outcome_note = $4, outcome_notices = $5 WHERE id = $1',
      [checkId, outcome, at, note, JSON.stringify(notices)])
    return { created: true, body: { checkId, outcome, reportedAt: at.toISOString(), notices } }
  })
}

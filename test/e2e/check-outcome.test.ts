import t from 'tap'
import { decodeJwt } from 'jose'
import { startDeliverySetup, waitFor } from '../helpers/delivery-setup.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { noticesOf } from '../../sim/replica-state.js'
import { Value } from '@sinclair/typebox/value'
import { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'

t.test('a check\'s outcome reaches each platform owning an entry of the answer, through the delivery pipeline, and is counted', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const sh = sampleEntry('SH', '310000', 1)
  const js = { ...sampleEntry('JS', '320000', 1), subject: sh.subject }
  for (const [iss, item] of [['SH', sh], ['JS', js]] as const) {
    const { jws } = await h.sign(iss, { kind: 'list.upsert', items: [item] })
    t.equal((await h.post(jws)).status, 202)
  }
  const ah = await h.platformToken('AH')
  const inject = async (method: 'GET' | 'POST', url: string, token: string, payload?: Record<string, unknown>): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) })
    return { status: res.statusCode, body: res.json() }
  }
  const check = await inject('POST', '/v1/checks', ah, { subject: sh.subject.creditCode as string, purpose: '政府采购 AH-2026-7', decisionType: 'public-procurement' })
  t.equal(check.status, 200)
  const id = check.body.checkId as string
  const outcomeUrl = `/v1/checks/${id}/outcome`

  // Only the principal that checked may report.
  t.same(await inject('POST', outcomeUrl, await h.platformToken('ZJ'), { outcome: 'refused' }).then((r) => [r.status, r.body.code]), [403, 'FORBIDDEN'])
  t.same(await inject('POST', outcomeUrl, await h.adminToken('admin'), { outcome: 'refused' }).then((r) => [r.status, r.body.code]), [403, 'FORBIDDEN'])
  t.same(await inject('POST', '/v1/checks/00000000-0000-0000-0000-000000000000/outcome', ah, { outcome: 'refused' }).then((r) => [r.status, r.body.code]), [404, 'NOT_FOUND'])
  t.same(await inject('POST', outcomeUrl, ah, { outcome: 'approved' }).then((r) => [r.status, r.body.code]), [400, 'BAD_REQUEST'], 'outcome names are fixed')

  const person = sampleIdNumber('340000', 5)
  const reported = await inject('POST', outcomeUrl, ah, { outcome: 'refused', note: `投标人法定代表人 ${person} 已告知` })
  t.equal(reported.status, 201)
  const notices = reported.body.notices as Array<{ platform: string, jti: string }>
  t.same(notices.map((n) => n.platform), ['JS', 'SH'], 'one notice to each owning platform')

  for (const n of notices) {
    const operator = await h.adminToken('operator')
    const destinations = async (): Promise<Array<[string, string]>> =>
      ((await inject('GET', `/v1/messages/${n.jti}`, operator)).body.destinations as Array<{ platform: string, status: string }>).map((d) => [d.platform, d.status])
    // The simulator answers before the gateway records the delivery: wait for the record.
    t.ok(await waitFor(async () => (await destinations())[0]?.[1] === 'delivered', 30_000), `${n.platform}: delivered`)
    t.same(await destinations(), [[n.platform, 'delivered']])
    t.ok(sim(n.platform).received.some((r) => r.jti === n.jti), `${n.platform} received the notice`)
    const env = await h.db.query<{ iss: string, kind: string, jws: string }>('SELECT iss, kind, jws FROM envelopes WHERE jti = $1', [n.jti])
    t.same([env.rows[0]?.iss, env.rows[0]?.kind], ['YRD', 'gateway.notice'], 'a gateway-originated notice')
    const items = decodeJwt(env.rows[0]?.jws ?? '').items as Array<Record<string, unknown>>
    const entry = n.platform === 'SH' ? sh : js
    t.match(items, [{ noticeType: 'check.outcome', checkId: id, owner: n.platform, entryId: entry.entryId, outcome: 'refused', measures: ['restrict-public-procurement'] }])
    t.notMatch(String(items[0]?.text), new RegExp(person), 'an identity number in the note is masked')
    t.match(String(items[0]?.text), /结果：不予办理/)
    t.same(sim(n.platform).applied.filter((a) => a.jti === n.jti).map((a) => [a.kind, a.entryKey]), [['gateway.notice', `${n.platform}:${entry.entryId}`]])
    const atPlatform = noticesOf(sim(n.platform))
    t.same(atPlatform.map((x) => [x.noticeType, x.checkId, x.entryId, x.outcome]), [['check.outcome', id, entry.entryId, 'refused']], 'the platform holds the notice item')
    t.ok(atPlatform.every((x) => Value.Check(GatewayNoticeItemV1, x)), 'a valid gateway.notice item')
  }
  t.notOk(sim('ZJ').received.some((r) => notices.some((n) => n.jti === r.jti)), 'no notice to a platform owning nothing in the answer')

  // Once: the same outcome again answers as recorded; another is a conflict.
  const again = await inject('POST', outcomeUrl, ah, { outcome: 'refused' })
  t.same([again.status, again.body.notices], [200, notices])
  t.same(await inject('POST', outcomeUrl, ah, { outcome: 'no-effect' }).then((r) => [r.status, r.body.code]), [409, 'CHECK_OUTCOME_CONFLICT'])
  t.equal(Number((await h.db.query("SELECT count(*) AS n FROM envelopes WHERE iss = 'YRD'")).rows[0]?.n), 2, 'no second notice')
  const stored = await inject('GET', `/v1/checks/${id}`, ah)
  t.match(stored.body.outcome, { outcome: 'refused', notices })

  // A check that found nothing: an outcome without notices.
  const clean = await inject('POST', '/v1/checks', ah, { subject: sampleEntry('AH', '340000', 9).subject.creditCode as string, purpose: 'licence', decisionType: 'administrative-approval' })
  const cleanOutcome = await inject('POST', `/v1/checks/${clean.body.checkId as string}/outcome`, ah, { outcome: 'fast-tracked' })
  t.same([cleanOutcome.status, cleanOutcome.body.notices], [201, []])
  await inject('POST', '/v1/checks', await h.platformToken('ZJ'), { subject: sh.subject.creditCode as string, purpose: 'bond', decisionType: 'bond-issuance' })

  const stats = await inject('GET', '/v1/checks/stats', await h.adminToken('auditor'))
  t.same(stats.body, {
    from: null,
    to: null,
    checks: 3,
    withEntries: 2,
    withOutcome: 2,
    byOutcome: { 'fast-tracked': 1, refused: 1, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 },
    byPlatform: [
      { platform: 'AH', checks: 2, byOutcome: { 'fast-tracked': 1, refused: 1, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 } },
      { platform: 'ZJ', checks: 1, byOutcome: { 'fast-tracked': 0, refused: 0, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 } }
    ],
    byDecisionType: [
      { decisionType: 'administrative-approval', checks: 1, byOutcome: { 'fast-tracked': 1, refused: 0, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 } },
      { decisionType: 'bond-issuance', checks: 1, byOutcome: { 'fast-tracked': 0, refused: 0, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 } },
      { decisionType: 'public-procurement', checks: 1, byOutcome: { 'fast-tracked': 0, refused: 1, 'handled-more-strictly': 0, 'key-supervision': 0, 'no-effect': 0 } }
    ]
  })
  t.same(await inject('GET', '/v1/checks/stats', ah).then((r) => [r.status, r.body.code]), [403, 'FORBIDDEN'])
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7)
  t.equal((await inject('GET', `/v1/checks/stats?from=${month}&to=${month}`, await h.adminToken('admin'))).body.checks, 3)
  t.equal((await inject('GET', '/v1/checks/stats?from=2020-01&to=2020-12', await h.adminToken('admin'))).body.checks, 0)
})

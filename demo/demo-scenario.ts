import type { JSONWebKeySet } from 'jose'
import type { DemoPlatform } from './demo-platforms.js'
import { postEnvelope } from '../sim/platform-simulator.js'
import { sampleDay, sampleEntry } from '../sim/sample-entries.js'
import { mintToken } from '../src/auth/mint-token.js'
import { SM2_ALG, verifyCompact, type SigningKeyInput } from '../src/keys/jws.js'
import { localKeySet } from '../src/keys/key-sets.js'
import { ENVELOPE_ALGS } from '../contracts/envelope-v1.js'
import type { DemoStep } from './step-table.js'
import { runCoordinationScenario } from './coordination-scenario.js'
import { runRegionalBasisStep } from './regional-basis-step.js'
import { runNationalGatewayStep, type NationalGateway } from './national-gateway-step.js'

export interface ScenarioContext {
  gatewayUrl: string
  platforms: DemoPlatform[]
  regionOf: (id: string) => string
  admin: { iss: string, kid: string, alg: string, key: SigningKeyInput }
  /** Distinguishes this run's entries from earlier runs' on the same ledger. */
  tag: string
  /** Reconciles one list against one replica after `drift`, heals, reconciles again (reconciliation-demo-step.ts). */
  reconcile?: (
    opts: { owner: string, listCode: string, platform: string, drift: () => void }
  ) => Promise<{ held: boolean, detail: string }>
  /** The national gateway CN, a second gateway process with the court behind it (national-gateway.ts). */
  national?: NationalGateway
}

const problemCode = (body: unknown): string => String((body as { code?: unknown }).code ?? '')

/** The `alg` of a JWS in either serialisation. */
function algOf (jws: string): unknown {
  const header = jws.startsWith('{') ? (JSON.parse(jws) as { protected: string }).protected : jws.split('.')[0] ?? ''
  return (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg
}

async function until (check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return await check()
}

/**
 * The end-to-end scenario, grown issue by issue. Today: every province publishes entries that
 * reach the three others; the gateway returns verifiable receipts, answers a resubmission
 * idempotently, refuses a tampered envelope, a foreign owner and a stale version, serves the
 * cross-province subject view with identity numbers masked, and a person through the company they
 * represent (落实到人) until the entry is removed; a platform goes down and comes back
 * with nothing lost; a repaired entry is removed from every replica; a joint punishment case
 * runs through notice, feedback, objection, correction and repair; an entry crosses to the court
 * behind the national gateway, and the court's comes down to every province.
 */
export async function runScenario (ctx: ScenarioContext): Promise<DemoStep[]> {
  const steps: DemoStep[] = []
  const record = (step: string, expected: string, got: string): void => {
    steps.push({ step, expected, got, ok: expected === got })
  }
  const gw = ctx.gatewayUrl
  const jwks = localKeySet(await (await fetch(`${gw}/.well-known/jwks.json`)).json() as JSONWebKeySet)
  for (const p of ctx.platforms) p.connect(gw)
  const holds = (p: DemoPlatform, owner: string, entryId: string, removed = false): boolean =>
    p.held(owner, entryId)?.removed === removed

  const published: Array<{ platform: DemoPlatform, jws: string, jti: string, receipt: string }> = []
  for (const [i, p] of ctx.platforms.entries()) {
    const items = [
      sampleEntry(p.id, ctx.regionOf(p.id), i * 10 + 1, { tag: ctx.tag }),
      sampleEntry(p.id, ctx.regionOf(p.id), i * 10 + 2, { person: i === 0, tag: ctx.tag })
    ]
    const res = await p.publish(gw, { kind: 'list.upsert', items }, i % 2 === 0 ? 'compact' : 'flattened')
    const receipt = String((res.body as { receipt?: unknown }).receipt ?? '')
    record(`${p.id} publishes 2 black-list entries (delivered over ${p.adapter})`, '202', String(res.status))
    published.push({ platform: p, jws: res.jws, jti: res.jti, receipt })
  }
  const first = published[0]
  if (first === undefined) return steps
  const copies = (): number => ctx.platforms.reduce((n, p) => n + ctx.platforms.filter((o) => o !== p)
    .reduce((m, o) => m + [1, 2].filter((k) => holds(p, o.id, `${o.id}-black-${ctx.tag}-${ctx.platforms.indexOf(o) * 10 + k}`)).length, 0), 0)
  const expectedCopies = ctx.platforms.length * (ctx.platforms.length - 1) * 2
  await until(() => copies() === expectedCopies, 20_000)
  record('every entry reaches the other platforms', `${expectedCopies} of ${expectedCopies} copies`, `${copies()} of ${expectedCopies} copies`)

  // Each province that has a native way in publishes one more entry in its own format.
  for (const [i, p] of ctx.platforms.entries()) {
    if (p.publishNative === undefined) continue
    const entry = sampleEntry(p.id, ctx.regionOf(p.id), i * 10 + 5, { tag: ctx.tag })
    const res = await p.publishNative(gw, 'list.upsert', [entry])
    const others = ctx.platforms.filter((o) => o !== p)
    if (res.accepted) await until(() => others.every((o) => holds(o, p.id, entry.entryId)), 20_000)
    record(`${p.id} publishes natively (${p.adapter}); it arrives translated in the others`, `accepted, ${others.length} of ${others.length}`,
      `${res.accepted ? 'accepted' : `refused ${res.status}`}, ${others.filter((o) => holds(o, p.id, entry.entryId)).length} of ${others.length}`)
  }

  const receiptOf = async (x: { jti: string, receipt: string }): Promise<string> => {
    try {
      const { payload } = await verifyCompact(x.receipt, jwks, ENVELOPE_ALGS)
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { jti: string, items: number }
      return claims.jti === x.jti && claims.items === 2 ? 'verified' : 'wrong claims'
    } catch { return 'does not verify' }
  }
  record('receipt verifies offline against /.well-known/jwks.json', 'verified', await receiptOf(first))

  // 国密 (issue 19): a province whose keys are SM2 signs its envelopes and its read tokens SM2-SM3.
  const sm2 = published.find((x) => algOf(x.jws) === SM2_ALG)
  if (sm2 !== undefined) {
    const read = await fetch(`${gw}/v1/messages/${encodeURIComponent(sm2.jti)}`, { headers: { authorization: `Bearer ${await sm2.platform.readToken()}` } })
    record(`${sm2.platform.id} on 国密 keys: its SM2-SM3 envelope accepted, its SM2-SM3 token reads, the receipt verifies`,
      'accepted, 200, verified', `accepted, ${read.status}, ${await receiptOf(sm2)}`)
  }

  const again = await postEnvelope(gw, first.jws)
  const sameReceipt = (again.body as { receipt?: string }).receipt === first.receipt
  record('same envelope again: idempotent', '200 same receipt', `${again.status}${sameReceipt ? ' same receipt' : ' other receipt'}`)

  const [h, payload, sig] = first.jws.split('.') as [string, string, string]
  const doctored = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { items: Array<{ facts: string }> }
  const firstItem = doctored.items[0]
  if (firstItem !== undefined) firstItem.facts = '（篡改）'
  const tampered = `${h}.${Buffer.from(JSON.stringify(doctored)).toString('base64url')}.${sig}`
  record('tampered envelope refused', 'SIGNATURE_INVALID', problemCode((await postEnvelope(gw, tampered)).body))

  const owner = ctx.platforms[0] as DemoPlatform
  const other = ctx.platforms[1] as DemoPlatform
  const foreign = sampleEntry(owner.id, ctx.regionOf(owner.id), 1, { version: 2, tag: ctx.tag })
  record(`${other.id} changes an entry ${owner.id} owns`, 'NOT_OWNER', problemCode((await other.publish(gw, { kind: 'list.upsert', items: [foreign] })).body))

  const stale = sampleEntry(owner.id, ctx.regionOf(owner.id), 1, { version: 1, tag: ctx.tag })
  record('an equal version again (new jti)', 'VERSION_CONFLICT', problemCode((await owner.publish(gw, { kind: 'list.upsert', items: [stale] })).body))

  const token = await mintToken(ctx.admin, ctx.admin.iss, { sub: 'demo-operator' })
  const statusOf = async (jti: string): Promise<Array<{ platform: string, status: string }>> => {
    const res = await fetch(`${gw}/v1/messages/${encodeURIComponent(jti)}`, { headers: { authorization: `Bearer ${token}` } })
    return ((await res.json()) as { destinations?: Array<{ platform: string, status: string }> }).destinations ?? []
  }
  const subjectId = stale.subject.creditCode ?? ''
  const lookup = async (): Promise<number> => {
    const res = await fetch(`${gw}/v1/subjects/${subjectId}/entries`, { headers: { authorization: `Bearer ${token}`, 'x-query-purpose': encodeURIComponent('演示：联合惩戒前核查') } })
    return ((await res.json()) as { entries: unknown[] }).entries.length
  }
  record('subject view finds the entry (query logged)', '1 entry', `${await lookup()} entry`)

  // 落实到人 (国发〔2016〕33号 (十四)): the company's legal representative, looked up by identity
  // number, is found through the company's entry, apart from any entry of their own.
  const representative = stale.subject.responsiblePersons?.[0]?.idNumber ?? ''
  const throughRole = async (): Promise<string> => {
    const res = await fetch(`${gw}/v1/subjects/${representative}/entries`, { headers: { authorization: `Bearer ${token}`, 'x-query-purpose': encodeURIComponent('演示：法定代表人任职审查') } })
    const body = await res.json() as {
      entries?: unknown[], asResponsiblePerson?: Array<{ entryId: string, through: { roles: string[] } }>
    }
    const via = (body.asResponsiblePerson ?? []).filter((e) => e.entryId === stale.entryId).map((e) => e.through.roles.join('+'))
    return `${body.entries?.length ?? 0} own, ${via.length === 0 ? 'not found through it' : `through it as ${via.join(',')}`}`
  }
  record('a person is found through the company they represent (落实到人)', '0 own, through it as legal-representative', await throughRole())

  const dests = await statusOf(first.jti)
  record('message status: delivered to each other platform', '3 delivered', `${dests.filter((d) => d.status === 'delivered').length} delivered`)

  const down = ctx.platforms[ctx.platforms.length - 1] as DemoPlatform
  await down.stop()
  const during = [
    sampleEntry(owner.id, ctx.regionOf(owner.id), 7, { tag: ctx.tag }),
    sampleEntry(owner.id, ctx.regionOf(owner.id), 8, { tag: ctx.tag })
  ]
  const outage = await owner.publish(gw, { kind: 'list.upsert', items: during })
  const downStatus = async (): Promise<string> => (await statusOf(outage.jti)).find((d) => d.platform === down.id)?.status ?? 'none'
  await until(async () => (await downStatus()) === 'retrying', 10_000)
  record(`${down.id} goes down: its copy waits`, 'retrying', await downStatus())
  await down.restart()
  await until(() => during.every((e) => holds(down, owner.id, e.entryId)), 30_000)
  const appliedOnce = down.appliedCount(outage.jti) === 1
    ? during.filter(
      (e) => holds(down, owner.id, e.entryId)
    ).length
    : 0
  record(`${down.id} comes back: the waiting copy arrives once`, '2 of 2 applied once', `${appliedOnce} of 2 applied once`)

  const removal = await owner.publish(gw, {
    kind: 'list.remove',
    items: [{ entryId: stale.entryId, owner: owner.id, version: 2, reason: 'repair', basis: '信用修复决定书 沪信修〔2026〕1号', effectiveOn: sampleDay() }]
  })
  record('owner removes the entry after repair', '202', String(removal.status))
  record('subject view no longer shows it', '0 entry', `${await lookup()} entry`)
  record('nor through its legal representative', '0 own, not found through it', await throughRole())
  const replicas = ctx.platforms.filter((p) => p !== owner)
  await until(() => replicas.every((p) => holds(p, owner.id, stale.entryId, true)), 20_000)
  record('the removal reaches every replica', `${replicas.length} of ${replicas.length} removed`,
    `${replicas.filter((p) => holds(p, owner.id, stale.entryId, true)).length} of ${replicas.length} removed`)

  const late = await owner.publish(gw, { kind: 'list.upsert', items: [stale] })
  record('a late old version cannot bring it back', 'VERSION_CONFLICT', problemCode(late.body))

  await runCoordinationScenario(ctx, record, until)

  // A provincial list binds outside its province on a regional memorandum (issue 13 item 2).
  await runRegionalBasisStep(ctx, record)

  // Reconciliation: SH loses one of JS's entries behind the gateway's back; a run finds it, an
  // admin-approved heal re-sends it, a second run finds SH matching JS again.
  const sh = ctx.platforms.find((p) => p.id === 'SH')
  const jsIndex = ctx.platforms.findIndex((p) => p.id === 'JS')
  if (ctx.reconcile !== undefined && sh?.forget !== undefined && jsIndex >= 0) {
    const lost = `JS-black-${ctx.tag}-${jsIndex * 10 + 2}`
    const outcome = await ctx.reconcile({ owner: 'JS', listCode: 'food-drug-serious-violation', platform: 'SH', drift: () => { sh.forget?.('JS', lost) } })
    record('SH loses a JS entry: reconciliation finds it, heal re-sends it, SH matches again', 'held', outcome.held ? 'held' : outcome.detail)
  }

  // Federation (issue 18 item 6): a ZJ entry up to the court behind the national gateway, the court's down.
  if (ctx.national !== undefined) await runNationalGatewayStep(ctx, ctx.national, record, until)
  return steps
}

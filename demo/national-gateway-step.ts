import type { JSONWebKeySet } from 'jose'
import type { ScenarioContext } from './demo-scenario.js'
import type { SimulatedPlatform } from '../sim/platform-simulator.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { verifyCompact } from '../src/keys/jws.js'
import { localKeySet } from '../src/keys/key-sets.js'
import { ENVELOPE_ALGS } from '../contracts/envelope-v1.js'
import { COURT_LIST, SHARED_UP_LIST } from './national-gateway.js'

type Record = (step: string, expected: string, got: string) => void
type Until = (check: () => boolean | Promise<boolean>, ms: number) => Promise<boolean>

/** Whether the national gateway came up, and if not, why. */
export type NationalStart = { ok: true } | { ok: false, reason: string }

/** The national gateway as the step sees it: a second gateway process with the court (FY) behind it. */
export interface NationalGateway {
  url: string
  /** The court's platform, a simulated `yrd-push` platform behind CN. */
  fy: SimulatedPlatform
  /** Settles once CN answers /healthz, or with why it did not (it exited, or did not answer in time). */
  started: Promise<NationalStart>
}

export const NATIONAL_STEP = 'national gateway CN (a second gateway process): ZJ\'s entry reaches the court behind CN, ' +
  'ZJ\'s signature verified there; the court\'s entry comes down to all four provinces'

/** What the court checks offline of a relayed message: ZJ's own envelope, by ZJ's published keys alone. */
async function verifiedAtCourt (
  fy: SimulatedPlatform, jti: string, jws: string, zjKeys: JSONWebKeySet
): Promise<string> {
  const held = fy.publishers.get(`ZJ ${jti}`)
  if (held === undefined) return 'not at FY'
  try {
    const { payload } = await verifyCompact(held.envelope, localKeySet(zjKeys), ENVELOPE_ALGS)
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown, jti?: unknown }
    if (claims.iss !== 'ZJ' || claims.jti !== jti) return `at FY with iss ${String(claims.iss)}`
    return `at FY ${held.envelope === jws ? 'byte for byte' : 'altered'}, verified by ZJ's keys (via ${held.via.join(',')})`
  } catch (err) {
    return `at FY, does not verify (${(err as { code?: string }).code ?? String(err)})`
  }
}

/**
 * Issue 18 item 6 in the demo: ZJ publishes an entry of its ecology black list (the list the delta
 * shares up) to YRD; YRD relays ZJ's own envelope to CN, CN delivers it to the court, which verifies
 * ZJ's signature with ZJ's published keys alone. The court then publishes a 失信被执行人 entry to CN,
 * which relays it down to YRD and on to the four provinces, each in its own protocol.
 */
export async function runNationalGatewayStep (
  ctx: ScenarioContext, national: NationalGateway, record: Record, until: Until
): Promise<void> {
  const expected = 'CN up; ZJ 202, at FY byte for byte, verified by ZJ\'s keys (via YRD); FY 202, 4 of 4 hold it'
  const zj = ctx.platforms.find((p) => p.id === 'ZJ')
  if (zj === undefined) return
  const start = await national.started
  if (!start.ok) {
    record(NATIONAL_STEP, expected, `CN not up: ${start.reason}`)
    return
  }
  const entry = {
    ...sampleEntry('ZJ', ctx.regionOf('ZJ'), 80, { tag: `${ctx.tag}-cn` }),
    listCode: SHARED_UP_LIST,
    domain: 'ecology',
    facts: '违法排放水污染物，造成重大环境污染。',
    legalBasis: '《中华人民共和国环境保护法》第六十三条；《浙江省公共信用信息管理条例》'
  }
  const up = await zj.publish(ctx.gatewayUrl, { kind: 'list.upsert', items: [entry] })
  if (up.status === 202) await until(() => national.fy.publishers.has(`ZJ ${up.jti}`), 20_000)
  const atCourt = await verifiedAtCourt(national.fy, up.jti, up.jws, zj.jwks as JSONWebKeySet)

  const court = {
    ...sampleEntry('FY', '110000', 81, { tag: `${ctx.tag}-cn` }),
    listCode: COURT_LIST,
    domain: 'court',
    severeCategory: 'legal-obligation' as const,
    facts: '有履行能力而拒不履行生效法律文书确定的义务。',
    legalBasis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条'
  }
  const down = await national.fy.publish(national.url, { kind: 'list.upsert', items: [court], aud: 'CN', jti: `FY-${ctx.tag}-81` })
  const holding = (): number => ctx.platforms.filter((p) => p.held('FY', court.entryId)?.removed === false).length
  if (down.status === 202) await until(() => holding() === ctx.platforms.length, 20_000)
  record(NATIONAL_STEP, expected,
    `CN up; ZJ ${up.status}, ${atCourt}; FY ${down.status}, ${holding()} of ${ctx.platforms.length} hold it`)
}

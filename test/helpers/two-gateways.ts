import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JWK } from 'jose'
import type { PeerConfig, ShareRule } from '../../config/peer-schema.js'
import { publicPart } from '../../src/keys/signing-keys.js'
import { freePort } from '../../sim/free-port.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { FAST_POLICY, startDeliverySetup, type DeliverySetup } from './delivery-setup.js'
import { urlOf } from './harness.js'
import { serveScratch, startServe, type ServeProcess, type ServeScratch } from './serve-process.js'

/** The national court's list, as the national gateway shares it down. */
export const COURT_LIST = 'court-dishonest-debtor'

/** What crosses the link between the delta (YRD) and the national gateway (CN) in these tests, both ways. */
export const SHARED: ShareRule[] = [
  { kinds: ['list.upsert', 'list.remove'] },
  { kinds: ['objection.open', 'objection.resolve'] }
]

/** Two gateways on one machine (issue 18 item 6): YRD in this process, CN a `credit-gw serve` of its own. */
export interface TwoGateways extends DeliverySetup {
  /** The national gateway: its own process, schema, queue prefix and id (`GW_ID=CN`). */
  cn: ServeProcess
  cnScratch: ServeScratch
  /** The national court's platform behind CN (yrd-push), receiving what the delta relays up. */
  fy: SimulatedPlatform
}

interface Teardown { teardown: (fn: () => unknown) => void }

// A relay is answered by a whole gateway in another process, which a loaded machine may keep busy
// for more than FAST_POLICY's 400 ms: a timeout there is retried (in order), but only slows the test.
const PEER_POLICY = { ...FAST_POLICY, timeoutMs: 5000 }

/**
 * YRD (the harness, with the four provinces simulated) and CN (`credit-gw serve` with `GW_ID=CN`, the
 * court FY as its one platform), each the other's peer: the provinces are CN's view of YRD's origins,
 * FY YRD's view of CN's. CN's port is chosen first, so each config names the other's endpoint.
 */
export async function startTwoGateways (t: Teardown, opts: { cnShare?: PeerConfig['share'] } = {}): Promise<TwoGateways> {
  const cnPort = await freePort()
  const fy = await startSimulatedPlatform({ id: 'FY', gateway: 'CN' })
  t.teardown(async () => { await fy.close() })
  const fyPlatform = {
    id: 'FY',
    name: '最高人民法院',
    regionCode: '000000',
    adapter: 'yrd-push',
    endpoint: `${fy.url}/yrd/v1/deliveries`,
    healthUrl: `${fy.url}/health`,
    jwks: fy.jwks,
    enabled: true,
    delivery: FAST_POLICY
  }
  const settings = { relayIntervalMs: 50, sweepIntervalMs: 1000, jwksRefetchCooldownSeconds: 0 }
  const cnScratch = await serveScratch(t, [fyPlatform], settings, { GW_ID: 'CN', PORT: String(cnPort) })
  const cnPeer: PeerConfig = {
    id: 'CN',
    name: '全国信用信息共享平台',
    endpoint: `http://127.0.0.1:${cnPort}`,
    jwks: { keys: [publicPart(cnScratch.gatewayPrivateJwk)] },
    enabled: true,
    paused: false,
    delivery: PEER_POLICY,
    origins: { FY: { regionCode: '000000', jwks: fy.jwks } },
    share: opts.cnShare ?? { down: SHARED, up: SHARED }
  }
  const setup = await startDeliverySetup(t, { peers: [cnPeer] })
  const yrdUrl = urlOf(setup.h)
  const origins = Object.fromEntries([...setup.sims.values()].map((s) => [s.id, {
    regionCode: setup.h.platforms.get(s.id)?.region ?? '000000',
    jwks: { keys: [...s.jwks.keys, publicPart(setup.h.platforms.get(s.id)?.privateJwk as JWK)] }
  }]))
  mkdirSync(join(cnScratch.configDir, 'peers'), { recursive: true })
  writeFileSync(join(cnScratch.configDir, 'peers', 'YRD.json'), JSON.stringify({
    id: 'YRD',
    name: '信用长三角',
    endpoint: yrdUrl,
    jwksUrl: `${yrdUrl}/.well-known/jwks.json`,
    delivery: PEER_POLICY,
    origins,
    share: { down: SHARED, up: SHARED }
  }))
  const cn = await startServe(t, cnScratch.env)
  fy.trustGateway(`${cn.url}/.well-known/jwks.json`)
  return { ...setup, cn, cnScratch, fy }
}

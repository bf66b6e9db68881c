import type { PeerConfig } from '../../config/peer-schema.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { startWithStubPeer, type WithStubPeer } from './peer-gateway-stub.js'

interface Teardown { teardown: (fn: () => unknown) => void }

/** The list share.up admits to CN. */
export const FOOD = 'food-drug-serious-violation'

/**
 * A gateway with two peers, as the dashboard's overview shows them: CN, a peer gateway stub with an
 * endpoint and a share.up (a delivery destination), the court FY behind it; and JJJ, paused in its
 * config, with no endpoint (nothing is relayed to it), BJ behind it.
 */
export async function startWithPeers (t: Teardown): Promise<WithStubPeer> {
  const originKey = async (kid: string): Promise<{ keys: Array<ReturnType<typeof publicPart>> }> =>
    ({ keys: [publicPart(await generatePrivateJwk('ES256', kid))] })
  const jjj: PeerConfig = {
    id: 'JJJ',
    name: '京津冀信用信息共享平台',
    jwks: await originKey('jjj-gw-1'),
    enabled: true,
    paused: true,
    origins: { BJ: { regionCode: '110000', jwks: await originKey('bj-k1') } },
    share: { down: [{ kinds: ['list.upsert'] }], up: [] }
  }
  return await startWithStubPeer(t, {
    origins: { FY: { regionCode: '000000', name: '最高人民法院', jwks: await originKey('fy-k1') } },
    share: { down: [{ kinds: ['list.upsert'] }], up: [{ kinds: ['list.upsert'], listCodes: [FOOD] }] }
  }, [jjj])
}

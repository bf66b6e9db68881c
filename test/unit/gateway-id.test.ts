import t from 'tap'
import { GATEWAY_ID, gatewayIdFrom } from '../../contracts/envelope-v1.js'
import { readGatewayEnv } from '../../src/runtime/gateway-env.js'

// Issue 18 item 6: a second gateway (a national one, CN) is another deployment of the same code with
// its own id; this process, like every deployment that does not say otherwise, is YRD (CONTRACT.md).
t.test('GW_ID names the gateway: YRD by default, a peer deployment\'s id when set, a malformed one refused', async (t) => {
  t.equal(GATEWAY_ID, 'YRD', 'the suite runs as the contract\'s gateway')
  t.equal(gatewayIdFrom(undefined), 'YRD')
  t.equal(gatewayIdFrom(''), 'YRD', 'an empty variable counts as not set')
  t.equal(gatewayIdFrom('CN'), 'CN')
  t.equal(gatewayIdFrom('JJJ2'), 'JJJ2')
  for (const bad of ['cn', 'C', 'CN-1', 'A'.repeat(17), ' CN']) {
    t.throws(() => gatewayIdFrom(bad), /GW_ID must match/, JSON.stringify(bad))
  }
  t.equal(readGatewayEnv({ GW_ID: 'CN' }).GW_ID, 'CN', 'the environment schema documents and checks the same variable')
  t.throws(() => readGatewayEnv({ GW_ID: 'cn' }), /GW_ID/)
})

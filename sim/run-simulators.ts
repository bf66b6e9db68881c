import type { JWK } from 'jose'
import { platformSecrets } from '../src/runtime/platform-secrets.js'
import { secretFromEnv } from '../src/runtime/secret-file.js'
import { startShRestSimulator } from './sh-rest-simulator.js'
import { startJsBatchSimulator } from './js-batch-simulator.js'
import { startPullPlatform } from './zj-pull-simulator.js'
import { startAhXmlSimulator } from './ah-xml-simulator.js'

/** The ports the committed platform files (and deploy/config) name for each province. */
const PORTS = { SH: 9101, JS: 9102, ZJ: 9103, AH: 9104 } as const

const need = (id: string, secrets: Record<string, string>, name: string): string => {
  const v = secrets[name]
  if (v === undefined) throw new Error(`simulators: GW_${id}_${name} (or GW_${id}_${name}_FILE) is required`)
  return v
}

/**
 * The demo's four simulated provinces as one standalone process (compose profile `demo`; never in the
 * gateway's image). They hold the same adapter secrets as the gateway (`GW_<ID>_<NAME>` or `…_FILE`),
 * listen on `SIM_HOST` (default 127.0.0.1) at the committed ports, and Zhejiang polls the gateway at
 * `SIM_GATEWAY_URL` with the private JWK `SIM_ZJ_KEY` / `SIM_ZJ_KEY_FILE` (the gateway's ZJ.json holds its
 * public part). Runs until SIGINT/SIGTERM.
 */
export async function runSimulators (env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const host = env.SIM_HOST ?? '127.0.0.1'
  const sh = platformSecrets('SH', env)
  const js = platformSecrets('JS', env)
  const zjKey = secretFromEnv(env, 'SIM_ZJ_KEY')
  const apps = { [need('SH', sh, 'APP_KEY')]: need('SH', sh, 'APP_SECRET') }
  const shSim = await startShRestSimulator({ apps, port: PORTS.SH, host })
  const jsSim = await startJsBatchSimulator({ token: need('JS', js, 'TOKEN'), port: PORTS.JS, host })
  const ahSim = await startAhXmlSimulator({ secrets: platformSecrets('AH', env), port: PORTS.AH, host })
  const zjSim = await startPullPlatform({
    id: 'ZJ', port: PORTS.ZJ, host, ...(zjKey === undefined ? {} : { privateJwk: JSON.parse(zjKey) as JWK })
  })
  const gateway = env.SIM_GATEWAY_URL
  if (gateway !== undefined && gateway !== '') {
    zjSim.trustGateway(`${gateway}/.well-known/jwks.json`)
    zjSim.startPolling(gateway, 1000)
  }
  const sims = { SH: shSim, JS: jsSim, ZJ: zjSim, AH: ahSim }
  for (const [id, s] of Object.entries(sims)) process.stdout.write(`simulated platform ${id} listening on ${s.url}\n`)
  return async () => { await Promise.all(Object.values(sims).map(async (s) => { await s.close() })) }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))
if (isMain) {
  runSimulators().then((close) => {
    const stop = (): void => { close().then(() => process.exit(0), () => process.exit(1)) }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }, (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(3)
  })
}

import { importJWK, type CryptoKey } from 'jose'
import { loadConfig } from '../config/load-config.js'
import type { GatewayConfig } from '../config/config-schema.js'
import { generatePrivateJwk, loadGatewayKeys, publicPart } from '../src/keys/signing-keys.js'
import { runtimeFromEnv } from '../src/runtime/runtime-options.js'
import { startGateway, closeOnSignals } from '../src/server.js'
import { startProvinces } from './demo-platforms.js'
import { runScenario } from './demo-scenario.js'
import { renderSteps } from './step-table.js'
import { reconciliationDemoStep } from './reconciliation-demo-step.js'
import { demoAccounts } from './demo-accounts.js'

const portOf = (url: string | undefined): number => (url === undefined ? 0 : Number(new URL(url).port))

/**
 * The demo's own ledger schema and key prefix: its made-up entries, accounts and runs never land in the
 * ledger `credit-gw serve` uses (`yrd_gateway`, `yrd`). `GW_DB_SCHEMA` and `GW_REDIS_PREFIX` still choose.
 */
export const DEMO_DB_SCHEMA = 'yrd_demo'
export const DEMO_REDIS_PREFIX = 'yrd-demo'

/**
 * `credit-gw demo`: the gateway with four simulated provincial platforms on localhost (each on the
 * port its config file names), the end-to-end scenario, a table of its steps; then it keeps
 * serving (or, with `once`, exits non-zero if any step did not hold).
 */
export async function runDemo (opts: { once: boolean }): Promise<number> {
  const runtime = {
    ...runtimeFromEnv(),
    dbSchema: process.env.GW_DB_SCHEMA ?? DEMO_DB_SCHEMA,
    redisPrefix: process.env.GW_REDIS_PREFIX ?? DEMO_REDIS_PREFIX,
    logLevel: process.env.LOG_LEVEL ?? 'warn'
  }
  const fileConfig = loadConfig()
  const { platforms, secrets } = await startProvinces(
    (id) => portOf(fileConfig.platforms.find((p) => p.id === id)?.endpoint)
  )
  // The demo's own admin issuer, known only to this process.
  const adminJwk = await generatePrivateJwk('ES256', 'demo-admin-key')
  const config: GatewayConfig = {
    ...fileConfig,
    platforms: fileConfig.platforms.map((p) => platforms.find((s) => s.id === p.id)?.configure(p) ?? p),
    admins: [...fileConfig.admins, { id: 'demo-admin', roles: ['admin'], jwks: { keys: [publicPart(adminJwk)] } }]
  }
  const gatewayKeys = await loadGatewayKeys(
    { file: runtime.signingKeyFile, key: runtime.signingKey, production: runtime.production, warn: () => undefined }
  )
  const gw = await startGateway({ config, runtime, gatewayKeys, platformSecrets: secrets })
  const closeAll = async (): Promise<void> => {
    await gw.close()
    await Promise.all(platforms.map(async (p) => { await p.close() }))
  }

  const steps = await runScenario({
    gatewayUrl: gw.url,
    platforms,
    regionOf: (id) => config.platforms.find((p) => p.id === id)?.regionCode ?? '310000',
    tag: Date.now().toString(36),
    reconcile: async (o) => await reconciliationDemoStep(gw.app, o),
    admin: { iss: 'demo-admin', kid: 'demo-admin-key', alg: 'ES256', key: await importJWK(adminJwk, 'ES256') as CryptoKey }
  })
  const failed = steps.filter((s) => !s.ok).length
  process.stdout.write(`\nyrd-credit-gateway demo\n\n${renderSteps(steps)}\n\n${steps.length - failed} of ${steps.length} steps held.\n\n`)
  process.stdout.write([
    `gateway      ${gw.url}`,
    `dashboard    ${gw.url}/admin`,
    `API docs     ${gw.url}/docs`,
    `metrics      ${gw.url}/metrics`,
    `gateway keys ${gw.url}/.well-known/jwks.json`,
    `ledger       schema ${runtime.dbSchema}, Redis prefix ${runtime.redisPrefix} (the demo's own, not serve's)`,
    ...platforms.map((p) => `platform ${p.id}  ${p.url}  (${p.adapter})`)
  ].join('\n') + '\n')
  if (opts.once) {
    await closeAll()
    return failed === 0 ? 0 : 1
  }
  process.stdout.write(`\nDashboard accounts (one-time passwords, new at every start; GW_DB_SCHEMA=${runtime.dbSchema} credit-gw admin-user to manage):\n${(await demoAccounts(gw.app.pg)).join('\n')}\n`)
  process.stdout.write('\nServing; Ctrl-C to stop.\n')
  closeOnSignals(closeAll, { graceMs: config.settings.shutdownGraceMs, log: gw.app.log })
  return await new Promise<number>(() => undefined)
}

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
import { prepareNationalGateway } from './national-gateway.js'

const portOf = (url: string | undefined): number => (url === undefined ? 0 : Number(new URL(url).port))

/** Where another process on this machine reaches a gateway listening on `url` (a wildcard host is not an address). */
const localUrl = (url: string): string => {
  const u = new URL(url)
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = '127.0.0.1'
  return u.origin
}

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
  // The national gateway (CN) and the court behind it: YRD's config names CN before either starts.
  const national = await prepareNationalGateway()
  // The demo's own admin issuer, known only to this process.
  const adminJwk = await generatePrivateJwk('ES256', 'demo-admin-key')
  const config: GatewayConfig = {
    ...fileConfig,
    platforms: fileConfig.platforms.map((p) => platforms.find((s) => s.id === p.id)?.configure(p) ?? p),
    admins: [...fileConfig.admins, { id: 'demo-admin', roles: ['admin'], jwks: { keys: [publicPart(adminJwk)] } }],
    peers: [...(fileConfig.peers ?? []), national.peer]
  }
  const regionOf = (id: string): string => config.platforms.find((p) => p.id === id)?.regionCode ?? '310000'
  const gatewayKeys = await loadGatewayKeys(
    { file: runtime.signingKeyFile, key: runtime.signingKey, production: runtime.production, warn: () => undefined }
  )
  const gw = await startGateway({ config, runtime, gatewayKeys, platformSecrets: secrets })
  // CN (its own schema and prefix, beside the demo's) starts while the scenario runs; its step waits for it.
  const cn = national.start({
    yrdUrl: localUrl(gw.url),
    yrdJwks: gatewayKeys.jwks,
    origins: platforms.map((p) => ({ id: p.id, regionCode: regionOf(p.id), jwks: p.jwks })),
    databaseUrl: runtime.databaseUrl,
    redisUrl: runtime.redisUrl,
    dbSchema: `${runtime.dbSchema}_cn`,
    redisPrefix: `${runtime.redisPrefix}-cn`
  })
  let closing: Promise<void> | undefined
  const closeAll = async (): Promise<void> => {
    closing ??= (async () => {
      await gw.close()
      await Promise.all([...platforms.map(async (p) => { await p.close() }), national.close()])
    })()
    await closing
  }
  // From here on, so a Ctrl-C during the scenario (with --once too) stops CN and removes its folder.
  closeOnSignals(closeAll, { graceMs: config.settings.shutdownGraceMs, log: gw.app.log })

  const steps = await runScenario({
    gatewayUrl: gw.url,
    platforms,
    regionOf,
    tag: Date.now().toString(36),
    reconcile: async (o) => await reconciliationDemoStep(gw.app, o),
    admin: { iss: 'demo-admin', kid: 'demo-admin-key', alg: 'ES256', key: await importJWK(adminJwk, 'ES256') as CryptoKey },
    national: cn
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
    ...platforms.map((p) => `platform ${p.id}  ${p.url}  (${p.adapter})`),
    `national     ${cn.url}  (gateway CN, a credit-gw serve of its own: schema ${runtime.dbSchema}_cn, ` +
      `Redis prefix ${runtime.redisPrefix}-cn)`,
    `platform FY  ${cn.fy.url}  (yrd-push, the court behind CN)`
  ].join('\n') + '\n')
  if (opts.once) {
    await closeAll()
    return failed === 0 ? 0 : 1
  }
  process.stdout.write(`\nDashboard accounts (one-time passwords, new at every start; GW_DB_SCHEMA=${runtime.dbSchema} credit-gw admin-user to manage):\n${(await demoAccounts(gw.app.pg)).join('\n')}\n`)
  process.stdout.write('\nServing; Ctrl-C to stop.\n')
  return await new Promise<number>(() => undefined)
}

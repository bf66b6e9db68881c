import type { FastifyInstance } from 'fastify'
import type { GatewayConfig } from '../config/config-schema.js'
import { loadConfig } from '../config/load-config.js'
import { buildApp } from './app.js'
import { loadGatewayKeys, type GatewayKeys } from './keys/signing-keys.js'
import { migrate } from './ledger/migrate.js'
import { runtimeFromEnv, type RuntimeOptions } from './runtime/runtime-options.js'

export interface RunningGateway {
  app: FastifyInstance
  url: string
  close: () => Promise<void>
}

export interface StartOptions {
  config?: GatewayConfig
  runtime?: RuntimeOptions
  gatewayKeys?: GatewayKeys
  logger?: boolean
  platformSecrets?: Readonly<Record<string, Readonly<Record<string, string>>>>
}

/** Loads config and keys, migrates the ledger, builds the app and listens. */
export async function startGateway (opts: StartOptions = {}): Promise<RunningGateway> {
  const runtime = opts.runtime ?? runtimeFromEnv()
  const config = opts.config ?? loadConfig(runtime.configDir)
  const gatewayKeys = opts.gatewayKeys ?? await loadGatewayKeys({
    file: runtime.signingKeyFile,
    key: runtime.signingKey,
    production: runtime.production,
    warn: (msg) => { process.emitWarning(msg) }
  })
  await migrate(runtime.databaseUrl, runtime.dbSchema)
  const app = await buildApp(
    { config, runtime, gatewayKeys, logger: opts.logger, platformSecrets: opts.platformSecrets }
  )
  await app.listen({ host: runtime.host, port: runtime.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : runtime.port
  const host = runtime.host.includes(':') ? `[${runtime.host}]` : runtime.host
  return { app, url: `http://${host}:${port}`, close: async () => { await app.close() } }
}

/** Closes gracefully on SIGINT/SIGTERM: stop accepting, finish in-flight requests, close pools. */
export function closeOnSignals (close: () => Promise<void>): void {
  let closing = false
  const onSignal = (signal: string): void => {
    if (closing) return
    closing = true
    process.stderr.write(`${signal}: shutting down\n`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}

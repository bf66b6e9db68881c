import type { FastifyInstance } from 'fastify'
import closeWithGrace from 'close-with-grace'
import type { GatewayConfig } from '../config/config-schema.js'
import { loadConfig } from '../config/load-config.js'
import { buildApp } from './app.js'
import { loadGatewayKeys, type GatewayKeys } from './keys/signing-keys.js'
import { migrate } from './ledger/migrate.js'
import type { GatewayRole } from './runtime/gateway-roles.js'
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

/** Where {@link closeOnSignals} writes why the process ends (the app's pino logger). */
export interface ShutdownLogger {
  info: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

/**
 * Closes gracefully on SIGINT/SIGTERM, an uncaught exception or an unhandled rejection (close-with-grace):
 * stop accepting, let in-flight requests and deliveries finish for up to `graceMs`, close the pools.
 * Exit code 0 after a signal and a clean close; 1 after an error, a failed close or the grace running
 * out (a delivery cut off then keeps its queue job, which another worker takes once its lock expires).
 */
export function closeOnSignals (close: () => Promise<void>, opts: { graceMs: number, log: ShutdownLogger }): void {
  closeWithGrace({
    delay: opts.graceMs,
    logger: false,
    onTimeout: (delay) => { opts.log.error({ graceMs: delay }, 'shutdown grace ran out; exiting with work unfinished') },
    onSecondSignal: (signal) => { opts.log.error({ signal }, 'second signal while shutting down; exiting at once') },
    onSecondError: (err) => { opts.log.error({ err }, 'second error while shutting down; exiting at once') }
  }, async ({ signal, err }) => {
    if (err !== undefined) opts.log.error({ err }, 'uncaught error: shutting down')
    else opts.log.info({ signal, graceMs: opts.graceMs }, 'shutting down: finishing in-flight work')
    try {
      await close()
    } catch (closeErr) {
      opts.log.error({ err: closeErr }, 'shutdown failed')
      throw closeErr
    }
  })
}

/**
 * `credit-gw serve`: starts the gateway in `role` with the environment's runtime options, says where
 * it listens, and hands it to {@link closeOnSignals} with the configured `shutdownGraceMs`.
 */
export async function serveGateway (role: GatewayRole): Promise<RunningGateway> {
  const gw = await startGateway({ runtime: { ...runtimeFromEnv(), role } })
  gw.app.log.info(role === 'worker'
    ? `gateway worker running; health and metrics on ${gw.url}`
    : `gateway (${role}) listening on ${gw.url}; API docs at ${gw.url}/docs`)
  closeOnSignals(gw.close, { graceMs: gw.app.config.settings.shutdownGraceMs, log: gw.app.log })
  return gw
}

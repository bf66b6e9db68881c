import { DEFAULT_DELIVERY, DEFAULT_SETTINGS, type GatewayConfig, type GatewaySettings, type PlatformConfig } from '../../config/config-schema.js'
import { buildApp } from '../../src/app.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import type { RuntimeOptions } from '../../src/runtime/runtime-options.js'
import { DATABASE_URL, REDIS_URL } from './harness.js'

export interface StartupCase {
  settings?: Partial<GatewaySettings>
  runtime?: Partial<RuntimeOptions>
  /** Changes to the one platform (ZJ) the gateway is built with. */
  platform?: Partial<PlatformConfig>
  admins?: GatewayConfig['admins']
  checkers?: GatewayConfig['checkers']
}

/**
 * Builds a gateway from a small config and returns what stopped it from starting, or undefined
 * when it started (it is then closed at once). Start-up checks of the config run before any
 * connection is opened, so a refused config needs no database schema of its own.
 */
export async function startupError (c: StartupCase): Promise<unknown> {
  const key = await generatePrivateJwk('ES256', 'zj-k1')
  const platform: PlatformConfig = {
    id: 'ZJ',
    name: 'ZJ platform',
    regionCode: '330000',
    adapter: 'yrd-push',
    endpoint: 'http://127.0.0.1:9/ZJ',
    jwks: { keys: [publicPart(key)] },
    enabled: true,
    delivery: { ...DEFAULT_DELIVERY },
    ...c.platform
  }
  const config: GatewayConfig = {
    dir: '/etc/gw', settings: { ...DEFAULT_SETTINGS, ...c.settings }, platforms: [platform], admins: c.admins ?? [], checkers: c.checkers ?? []
  }
  const runtime: RuntimeOptions = {
    host: '127.0.0.1',
    port: 0,
    redisUrl: REDIS_URL,
    databaseUrl: DATABASE_URL,
    dbSchema: 'startup_error_unused',
    redisPrefix: 'startup-error-unused',
    dbPoolSize: 1,
    signingKeyFile: undefined,
    production: false,
    logLevel: 'silent',
    ...c.runtime
  }
  try {
    const app = await buildApp({ config, runtime, gatewayKeys: await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-k1')]), workers: false, logger: false })
    await app.close()
    return undefined
  } catch (err) {
    return err
  }
}

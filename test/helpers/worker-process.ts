// A separate process running the relay and the delivery workers of a test gateway, so a test can
// kill it with SIGKILL mid-delivery. argv[2]: a JSON file { config, runtime, gatewayPrivateJwks }.
import { readFileSync } from 'node:fs'
import type { JWK } from 'jose'
import type { GatewayConfig } from '../../config/config-schema.js'
import type { RuntimeOptions } from '../../src/runtime/runtime-options.js'
import { buildApp } from '../../src/app.js'
import { gatewayKeysFrom } from '../../src/keys/signing-keys.js'

const revive = (_key: string, value: unknown): unknown =>
  typeof value === 'object' && value !== null && Array.isArray((value as { $set?: unknown }).$set) ? new Set((value as { $set: unknown[] }).$set) : value
const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'), revive) as { config: GatewayConfig, runtime: RuntimeOptions, gatewayPrivateJwks: JWK[] }
const app = await buildApp(
  {
    config: spec.config,
    runtime: spec.runtime,
    gatewayKeys: await gatewayKeysFrom(spec.gatewayPrivateJwks),
    workers: true
  }
)
await app.ready()
process.stdout.write('worker ready\n')
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })

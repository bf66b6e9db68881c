import fp from 'fastify-plugin'
import type { GatewayConfig } from '../../config/config-schema.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { buildKeyDirectory, type KeyDirectory } from '../keys/platform-keys.js'
import { checkJwksUrls } from '../keys/jwks-url-policy.js'
import { metricsTokenOf } from '../health/operations-access.js'
import type { RuntimeOptions } from '../runtime/runtime-options.js'
import { loadSubjectDigests, type SubjectDigests } from '../privacy/subject-digests.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: GatewayConfig
    runtime: RuntimeOptions
    gatewayKeys: GatewayKeys
    keyDirectory: KeyDirectory
    subjectDigests: SubjectDigests
    /** The gateway's clock, for what depends on today's date (an entry not yet in force, a check's time). */
    clock: () => Date
  }
}

export interface ContextOptions {
  config: GatewayConfig
  runtime: RuntimeOptions
  gatewayKeys: GatewayKeys
  /** Defaults to the system clock; tests fix it so that no answer depends on the day they run. */
  clock?: () => Date
}

/** The validated config, the runtime options and the keys (signing, identifier digests): what every other plugin reads.
 */
export const contextPlugin = fp<ContextOptions>(async (app, opts) => {
  // Settings that depend on the environment: refused before any connection is opened.
  checkJwksUrls(opts.config, opts.runtime.production)
  metricsTokenOf(opts.config.settings, opts.runtime)
  app.decorate('config', opts.config)
  app.decorate('runtime', opts.runtime)
  app.decorate('gatewayKeys', opts.gatewayKeys)
  app.decorate('keyDirectory', buildKeyDirectory(opts.config))
  app.decorate('clock', opts.clock ?? (() => new Date()))
  app.decorate('subjectDigests', loadSubjectDigests({ raw: opts.runtime.idHashKeys, production: opts.runtime.production, warn: (msg) => { app.log.warn(msg) } }))
}, { name: 'gw-context', fastify: '5.x' })

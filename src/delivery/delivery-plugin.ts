import fp from 'fastify-plugin'
import type { Worker } from 'bullmq'
import { Counter, Gauge, Histogram } from 'prom-client'
import { ledgerGauge as ledgerGaugeOf } from '../plugins/ledger-gauge.js'
import type { PlatformAdapter } from '../../adapters/types.js'
import { join } from 'node:path'
import { ADAPTERS, adapterFactory } from '../../adapters/registry.js'
import { ConfigError } from '../../config/load-config.js'
import { platformSecrets } from '../runtime/platform-secrets.js'
import { DeliveryQueues, type DeliveryJobData, type DeliveryResult } from './delivery-queues.js'
import { OutboxRelay } from './outbox-relay.js'
import { DeliverySweeper } from './delivery-sweeper.js'
import { HealthMonitor } from './health-monitor.js'
import { PAUSE_REASONS, PlatformPauses } from './platform-pauses.js'
import { createDeliveryWorker, type DeliveryEvents } from './delivery-worker.js'
import { createYrdRelayAdapter } from '../../adapters/yrd-relay/yrd-relay-adapter.js'
import { peerDestination, relayedTo } from '../federation/peer-destinations.js'
import { peerPause } from '../federation/peer-pauses.js'
import { publisherEnvelopes } from '../federation/publisher-envelopes.js'

export interface DeliveryRuntime {
  queues: DeliveryQueues
  relay: OutboxRelay
  sweeper: DeliverySweeper
  health: HealthMonitor
  adapters: Map<string, PlatformAdapter>
  /**
   * The secrets each platform's adapter was built with, resolved once (code over environment):
   * the native inbound routes authenticate a platform with the same secrets its adapter uses.
   */
  secrets: ReadonlyMap<string, Readonly<Record<string, string>>>
  workers: Array<Worker<DeliveryJobData, DeliveryResult>>
}

declare module 'fastify' {
  interface FastifyInstance { delivery: DeliveryRuntime }
}

export interface DeliveryPluginOptions {
  /** Run the relay, sweeper and workers in this process (the API alone when false). */
  workers: boolean
  /** Adapter secrets given in code (the demo), over those read from the environment. */
  secrets?: Readonly<Record<string, Readonly<Record<string, string>>>>
}

/**
 * Delivery: one queue and one adapter per destination platform, the outbox relay, the sweeper
 * that re-enqueues work Redis lost, the health monitor that pauses queues of platforms that are
 * down, refuse the credentials or trip the circuit breaker, and the workers. Metrics: attempts by
 * outcome, delivery lag, queue depth, paused queues by reason.
 */
export const deliveryPlugin = fp<DeliveryPluginOptions>(async (app, opts) => {
  const peers = relayedTo(app.config.peers)
  const platforms = [...app.config.platforms.filter((p) => p.enabled), ...peers.map(peerDestination)]
  for (const p of app.config.platforms.filter((x) => x.enabled)) {
    if (ADAPTERS[p.adapter] === undefined) {
      throw new ConfigError(join(app.config.dir, 'platforms', `${p.id}.json`), '/adapter', `unknown adapter "${p.adapter}" (known: ${Object.keys(ADAPTERS).join(', ')})`)
    }
  }
  const policyOf = (id: string): typeof platforms[number]['delivery'] => {
    const p = platforms.find((x) => x.id === id)
    if (p === undefined) throw new Error(`no platform ${id}`)
    return p.delivery
  }
  const queues = new DeliveryQueues(platforms.map((p) => p.id), app.queues)
  const secrets = new Map<string, Readonly<Record<string, string>>>(
    platforms.map((p) => [p.id, { ...platformSecrets(p.id), ...opts.secrets?.[p.id] }])
  )
  const publisherEnvelope = publisherEnvelopes(app.pg)
  const adapters = new Map<string, PlatformAdapter>(platforms.map((p) => {
    const peer = app.keyDirectory.peer?.(p.id)
    const ctx = {
      platform: p,
      policy: p.delivery,
      sign: app.gatewayKeys.sign,
      signBytes: app.gatewayKeys.signBytes,
      secrets: secrets.get(p.id) ?? {},
      // Receipts are verified with the keys the platform's envelopes are (one set, one cache); a peer's with its own.
      platformKeys: peer?.keys ?? app.keyDirectory.platform(p.id),
      publisherEnvelope
    }
    if (peer === undefined) return [p.id, adapterFactory(p.adapter)(ctx)]
    // A peer paused in its config or by an admin (peer-pauses.ts) gets nothing until resumed, either way.
    const paused = async (): Promise<string | undefined> =>
      peer.peer.paused ? 'in its config' : (await peerPause(app.pg, p.id))?.reason
    return [p.id, createYrdRelayAdapter(ctx, { paused })]
  }))
  const isPull = (id: string): boolean => adapters.get(id)?.capabilities.pull === true
  const registers = [app.metrics.registry]
  const pauses = new PlatformPauses(app.redis, app.runtime.redisPrefix)
  const pausesMade = new Counter({
    name: 'gw_platform_pauses_total',
    help: 'Delivery queues paused by this instance, per destination and reason (down, credentials, breaker)',
    labelNames: ['platform', 'reason'],
    registers
  })
  const health = new HealthMonitor(
    adapters, queues, pauses, policyOf, app.log, (platform, reason) => { pausesMade.inc({ platform, reason }) }
  )
  const rt = app.runtime
  const listenUrl = rt.outboxListen === false ? undefined : rt.databaseListenUrl ?? rt.databaseUrl
  const relay = new OutboxRelay(
    app.pg, queues, policyOf, isPull, app.config.settings.relayIntervalMs, app.log, listenUrl
  )
  const sweeper = new DeliverySweeper(
    app.pg,
    queues,
    isPull,
    app.config.settings.sweepIntervalMs,
    () => { relay.kick() },
    (o, m) => { app.log.warn(o, m) }
  )

  const attempts = new Counter({ name: 'gw_delivery_attempts_total', help: 'Delivery attempts by destination and outcome', labelNames: ['platform', 'outcome'], registers })
  // Labelled by the AdapterError code: a closed list (ADAPTER_ERROR_CODES), never the message.
  const failures = new Counter({
    name: 'gw_delivery_failures_total',
    help: 'Failed delivery attempts by destination, outcome (retrying, dead) and cause code',
    labelNames: ['platform', 'outcome', 'code'],
    registers
  })
  const lag = new Histogram({ name: 'gw_delivery_lag_seconds', help: 'Time from acceptance to the destination\'s receipt', labelNames: ['platform'], registers, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600] })
  // Read at scrape time from the queues and the ledger.
  new Gauge({ // eslint-disable-line no-new
    name: 'gw_queue_depth',
    help: 'Jobs per destination queue and state',
    labelNames: ['platform', 'state'],
    registers,
    async collect () {
      for (const [platform, queue] of queues.queues) {
        const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'paused', 'failed').catch(() => undefined)
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ platform, state }, n)
      }
    }
  })
  // Counts read from the ledger at scrape time: each row names its labels and `n`.
  const ledgerGauge = (
    name: string, help: string, labelNames: string[], sql: string, params?: () => unknown[]
  ): void => {
    ledgerGaugeOf(app.metrics.registry, app.pg, { name, help, labelNames, sql, params })
  }
  ledgerGauge('gw_deliveries', 'Deliveries in the ledger per destination and status', ['platform', 'status'],
    'SELECT destination AS platform, status, count(*) AS n FROM deliveries GROUP BY destination, status')
  ledgerGauge('gw_dead_deliveries',
    'Dead deliveries in the ledger per destination and cause code (NONE: died before codes were kept)', ['platform', 'code'],
    `SELECT destination AS platform, coalesce(last_error_code, 'NONE') AS code, count(*) AS n
     FROM deliveries WHERE status = 'dead' GROUP BY 1, 2`)
  // Lag, as operators alert on it: how long the oldest message still owed to each platform has waited
  // (0: none owed), and how long the oldest outbox row has waited for the relay (a resend from its requeue).
  const destinations = (): unknown[] => [platforms.map((p) => p.id)]
  ledgerGauge('gw_delivery_oldest_undelivered_age_seconds',
    'Age of the oldest message not yet delivered to a destination (queued, delivering or retrying; 0: none), per destination',
    ['platform'],
    `SELECT p AS platform, coalesce(extract(epoch FROM now() - min(d.created_at)), 0) AS n
     FROM unnest($1::text[]) AS p LEFT JOIN deliveries d ON d.destination = p AND d.status IN ('queued', 'delivering', 'retrying')
     GROUP BY p`, destinations)
  ledgerGauge('gw_outbox_oldest_age_seconds',
    'How long the oldest outbox row (a delivery not yet handed to its queue or feed) has waited for the relay (0: none)', [],
    `SELECT coalesce(extract(epoch FROM now() - min(updated_at)), 0) AS n FROM deliveries
     WHERE enqueued_at IS NULL AND destination = ANY($1::text[])`, destinations)
  ledgerGauge('gw_outbox_rows', 'Outbox rows (deliveries not yet handed to their queue or feed)', [],
    'SELECT count(*) AS n FROM deliveries WHERE enqueued_at IS NULL AND destination = ANY($1::text[])', destinations)
  // Read at scrape time from the shared pauses, so every instance reports the same state (alert on it).
  new Gauge({ // eslint-disable-line no-new
    name: 'gw_platform_paused',
    help: 'Whether a destination\'s delivery queue is paused (1) or not (0), per reason (down, credentials, breaker)',
    labelNames: ['platform', 'reason'],
    registers,
    async collect () {
      const now = await pauses.all().catch(() => undefined)
      if (now === undefined) return
      for (const platform of queues.queues.keys()) {
        for (const reason of PAUSE_REASONS) this.set({ platform, reason }, now.get(platform)?.reason === reason ? 1 : 0)
      }
    }
  })
  ledgerGauge('gw_refused_items',
    'Items a destination refused while applying the rest of their message (partial acceptance), not yet applied by a resend, per destination and the platform\'s code',
    ['platform', 'code'],
    `SELECT d.destination AS platform, r.code, count(*) AS n FROM delivery_item_refusals r JOIN deliveries d ON d.id = r.delivery_id
     WHERE r.resolved_at IS NULL GROUP BY 1, 2`)
  const events: DeliveryEvents = {
    attempt: (platform, outcome, lagSeconds, code) => {
      attempts.inc({ platform, outcome })
      if (code !== undefined) failures.inc({ platform, outcome, code })
      if (lagSeconds !== undefined && (outcome === 'delivered' || outcome === 'superseded')) lag.observe({ platform }, lagSeconds)
    }
  }

  const workers: Array<Worker<DeliveryJobData, DeliveryResult>> = []
  if (opts.workers) {
    // Not awaited: reading the queues' paused state waits for Redis, and the gateway starts without
    // it (ingest commits to the ledger; the outbox holds deliveries until the queues are back).
    health.start().catch((err: unknown) => { app.log.warn({ err }, 'delivery health monitor: start failed') })
    for (const p of platforms.filter((x) => !isPull(x.id))) {
      workers.push(createDeliveryWorker({
        pool: app.pg,
        messageItems: app.messageItems,
        adapter: adapters.get(p.id) as PlatformAdapter,
        policy: p.delivery,
        health,
        events,
        log: app.log,
        registries: app.config.registries,
        shareScopes: p.shareScopes,
        inOrder: peers.some((peer) => peer.id === p.id)
      }, p.id, app.queues, app.config.settings.jobLockMs))
    }
    await relay.start()
    sweeper.start()
  }
  app.decorate('delivery', { queues, relay, sweeper, health, adapters, secrets, workers })

  app.addHook('onClose', async () => {
    health.stop()
    await sweeper.stop()
    await relay.stop()
    await Promise.all(workers.map(async (w) => { await w.close() }))
    await queues.close()
    await Promise.all([...adapters.values()].map(async (a) => { await a.close() }))
  })
}, { name: 'gw-delivery', dependencies: ['gw-context', 'gw-postgres', 'gw-redis', 'gw-metrics', 'gw-queues'] })

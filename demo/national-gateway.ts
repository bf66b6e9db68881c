import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DELIVERY, type DeliveryPolicy, type PlatformConfig } from '../config/config-schema.js'
import { defaultConfigDir } from '../config/load-config.js'
import type { PeerConfig, PeerOrigin, ShareRule } from '../config/peer-schema.js'
import { generatePrivateJwk, publicPart, type PublicJwk } from '../src/keys/signing-keys.js'
import { startSimulatedPlatform } from '../sim/platform-simulator.js'
import type { NationalGateway, NationalStart } from './national-gateway-step.js'
import { freePort } from '../sim/free-port.js'

/** The built CLI, as an operator runs it: dist/demo/ → dist/src/cli.js. */
const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url))

/** The courts' list (失信被执行人), which the national gateway shares down. */
export const COURT_LIST = 'court-dishonest-debtor'
/** The delta's list the demo shares up: Zhejiang's ecology black list. */
export const SHARED_UP_LIST = 'zj-ecology-serious-violation'

/**
 * What crosses the YRD–CN link, as YRD sees it. Narrower than everything: the demo's other steps count
 * each message's deliveries to the four provinces, and a natively published message is never relayed
 * (docs/federation.md, "Not built"), so sharing every list up would leave dead relays on the dashboard.
 */
const DOWN: ShareRule[] = [{ kinds: ['list.upsert', 'list.remove'], listCodes: [COURT_LIST] }]
const UP: ShareRule[] = [{ kinds: ['list.upsert', 'list.remove'], listCodes: [SHARED_UP_LIST] }]

/** Both ends of the link retry fast: a demo is watched, not left to catch up overnight. */
const LINK_DELIVERY: DeliveryPolicy = {
  ...DEFAULT_DELIVERY,
  attempts: 10,
  baseDelayMs: 200,
  maxDelayMs: 2000,
  timeoutMs: 5000,
  healthIntervalMs: 500,
  breakerCooldownMs: 1000
}

const START_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000

/** Where CN keeps its ledger and queues, and where YRD is, as CN's config names it. */
export interface NationalStartOptions {
  yrdUrl: string
  /** YRD's public signing keys. */
  yrdJwks: { keys: PublicJwk[] }
  /** The four provinces behind YRD, with the keys they sign their envelopes with. */
  origins: Array<{ id: string, regionCode: string, jwks: { keys: PublicJwk[] } }>
  databaseUrl: string
  redisUrl: string
  dbSchema: string
  redisPrefix: string
}

/** CN before it runs: what YRD's config needs of it, and how to start and stop it. */
export interface NationalGatewayPlan {
  /** YRD's peer entry for CN: endpoint, keys, the court (FY) as its origin, what crosses. */
  peer: PeerConfig
  url: string
  /** Writes CN's config (naming YRD), spawns `credit-gw serve` with `GW_ID=CN`; never throws. */
  start: (opts: NationalStartOptions) => NationalGateway
  /** Stops CN (SIGTERM, then SIGKILL after a grace), the court's simulator, and removes the temp folder. */
  close: () => Promise<void>
}

const writeJson = (file: string, value: unknown): void => { writeFileSync(file, JSON.stringify(value, null, 2)) }

/**
 * The national gateway CN (issue 18 item 6) for the demo: a second `credit-gw serve` process (the
 * gateway id is process-wide), the court's platform FY (a simulated `yrd-push` platform) behind it.
 * Its port, key and FY come first, so YRD's config can name CN before either gateway starts.
 */
export async function prepareNationalGateway (): Promise<NationalGatewayPlan> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const fy = await startSimulatedPlatform({ id: 'FY', gateway: 'CN' })
  const cnKey = await generatePrivateJwk('ES256', 'cn-demo-1')
  const cnJwks = { keys: [publicPart(cnKey)] }
  fy.trustGateway(cnJwks)
  const dir = mkdtempSync(join(tmpdir(), 'yrd-demo-cn-'))
  const removeDir = (): void => { rmSync(dir, { recursive: true, force: true }) }
  let stop = async (): Promise<void> => undefined
  // A demo that ends without closing (an error, process.exit) leaves no CN running and no key on disk.
  let child: ReturnType<typeof spawn> | undefined
  const onExit = (): void => { child?.kill('SIGKILL'); removeDir() }
  process.once('exit', onExit)

  const start = (opts: NationalStartOptions): NationalGateway => {
    const configDir = join(dir, 'config')
    const keyFile = join(dir, 'cn-signing-key.json')
    try {
      writeConfig(configDir, { fy: { url: fy.url, jwks: fy.jwks }, opts })
      writeJson(keyFile, cnKey)
    } catch (err) {
      return { url, fy, started: Promise.resolve({ ok: false, reason: `config not written: ${String(err)}` }) }
    }
    const proc = spawn(process.execPath, [CLI, 'serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // The child keeps this process's clock (a faked one under scripts/faked-clock.sh): envelopes cross.
        ...Object.fromEntries(['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC']
          .filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]])),
        DATABASE_URL: opts.databaseUrl,
        REDIS_URL: opts.redisUrl,
        GW_ID: 'CN',
        GW_DB_SCHEMA: opts.dbSchema,
        GW_REDIS_PREFIX: opts.redisPrefix,
        GW_DB_POOL_SIZE: '4',
        GW_CONFIG_DIR: configDir,
        GW_SIGNING_KEY_FILE: keyFile,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn'
      }
    })
    child = proc
    let output = ''
    const keep = (c: Buffer): void => { output = (output + c.toString('utf8')).slice(-2000) }
    proc.stdout?.on('data', keep)
    proc.stderr?.on('data', keep)
    const exited = new Promise<string>((resolve) => {
      proc.once('error', (err) => { resolve(`could not start: ${err.message}`) })
      proc.once('exit', (code, signal) => { resolve(`exited (${signal ?? String(code)}): ${output.trim().slice(-600)}`) })
    })
    stop = async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      const kill = setTimeout(() => { proc.kill('SIGKILL') }, STOP_GRACE_MS)
      await exited
      clearTimeout(kill)
    }
    return { url, fy, started: untilHealthy(url, exited) }
  }

  return {
    peer: {
      id: 'CN',
      name: '全国信用信息共享平台',
      endpoint: url,
      jwks: cnJwks,
      enabled: true,
      paused: false,
      delivery: LINK_DELIVERY,
      origins: { FY: { regionCode: '000000', name: '最高人民法院', jwks: fy.jwks } },
      share: { down: DOWN, up: UP }
    },
    url,
    start,
    close: async () => {
      await stop()
      await fy.close()
      process.removeListener('exit', onExit)
      removeDir()
    }
  }
}

/** CN's config folder: the committed registries and calendars, FY as its one platform, YRD as its peer. */
function writeConfig (
  configDir: string, o: { fy: { url: string, jwks: { keys: PublicJwk[] } }, opts: NationalStartOptions }
): void {
  mkdirSync(join(configDir, 'platforms'), { recursive: true })
  mkdirSync(join(configDir, 'peers'), { recursive: true })
  for (const sub of ['registries', 'calendars']) cpSync(join(defaultConfigDir(), sub), join(configDir, sub), { recursive: true })
  writeJson(join(configDir, 'gateway.json'), { jwksHttpHosts: ['127.0.0.1'], relayIntervalMs: 50 })
  const fy: PlatformConfig = {
    id: 'FY',
    name: '最高人民法院',
    regionCode: '000000',
    adapter: 'yrd-push',
    endpoint: `${o.fy.url}/yrd/v1/deliveries`,
    healthUrl: `${o.fy.url}/health`,
    jwks: o.fy.jwks,
    enabled: true,
    delivery: LINK_DELIVERY
  }
  writeJson(join(configDir, 'platforms', 'FY.json'), fy)
  const origins: Record<string, PeerOrigin> = Object.fromEntries(
    o.opts.origins.map((p) => [p.id, { regionCode: p.regionCode, jwks: p.jwks }])
  )
  const yrd: PeerConfig = {
    id: 'YRD',
    name: '信用长三角',
    endpoint: o.opts.yrdUrl,
    jwks: o.opts.yrdJwks,
    enabled: true,
    paused: false,
    delivery: LINK_DELIVERY,
    origins,
    // CN's side of the same link: what YRD shares up comes down here, and the other way round.
    share: { down: UP, up: DOWN }
  }
  writeJson(join(configDir, 'peers', 'YRD.json'), yrd)
}

/** Polls CN's /healthz until it answers, it exits, or the start-up time runs out; never rejects. */
async function untilHealthy (url: string, exited: Promise<string>): Promise<NationalStart> {
  let gone: string | undefined
  exited.then((why) => { gone = why }, () => undefined)
  const end = Date.now() + START_TIMEOUT_MS
  while (Date.now() < end) {
    if (gone !== undefined) return { ok: false, reason: gone }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return { ok: true }
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { ok: false, reason: gone ?? `no answer on ${url}/healthz within ${START_TIMEOUT_MS / 1000} s` }
}

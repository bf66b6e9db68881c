import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { JWK } from 'jose'
import type { GatewaySettings, PlatformConfig } from '../../config/config-schema.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { DATABASE_URL, REDIS_URL } from './harness.js'
import { clockEnv } from './clock-env.js'

/** The built CLI, as an operator runs it (`node dist/src/cli.js`). */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')

/** A config folder, a gateway key, a ledger schema and a queue prefix of the test's own for `credit-gw serve`. */
export interface ServeScratch {
  configDir: string
  env: NodeJS.ProcessEnv
  gatewayPrivateJwk: JWK
  /** A pool on the scratch schema, for assertions. */
  db: pg.Pool
}

interface Teardown { teardown: (fn: () => unknown) => void }

/**
 * Writes a config folder (the committed registries and calendars, the given platforms and settings)
 * and a gateway key file; dropped with the schema and the queue keys at teardown.
 */
export async function serveScratch (
  t: Teardown, platforms: PlatformConfig[], settings: Partial<GatewaySettings>, env: NodeJS.ProcessEnv = {}
): Promise<ServeScratch> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-serve-'))
  const configDir = join(dir, 'config')
  mkdirSync(join(configDir, 'platforms'), { recursive: true })
  for (const sub of ['registries', 'calendars']) cpSync(join(defaultConfigDir(), sub), join(configDir, sub), { recursive: true })
  writeFileSync(join(configDir, 'gateway.json'), JSON.stringify({ jwksHttpHosts: ['127.0.0.1'], ...settings }))
  for (const p of platforms) writeFileSync(join(configDir, 'platforms', `${p.id}.json`), JSON.stringify(p))
  const gatewayPrivateJwk = await generatePrivateJwk('ES256', 'gw-serve-k1')
  writeFileSync(join(dir, 'gateway-key.json'), JSON.stringify(gatewayPrivateJwk))
  const tag = randomBytes(4).toString('hex')
  const schema = `t_serve_${tag}`
  const prefix = `t-serve-${tag}`
  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 2 })
  t.teardown(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
    const keys = await redis.keys(`${prefix}:*`).catch(() => [])
    if (keys.length > 0) await redis.del(...keys).catch(() => undefined)
    redis.disconnect()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    configDir,
    gatewayPrivateJwk,
    db,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...clockEnv(),
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL,
      REDIS_URL,
      GW_CONFIG_DIR: configDir,
      GW_DB_SCHEMA: schema,
      GW_REDIS_PREFIX: prefix,
      GW_SIGNING_KEY_FILE: join(dir, 'gateway-key.json'),
      GW_DB_POOL_SIZE: '4',
      LOG_LEVEL: 'info',
      ...env
    }
  }
}

/** The gateway's public key set, for a simulated platform to trust deliveries with. */
export const publicJwks = (s: ServeScratch): { keys: JWK[] } => ({ keys: [publicPart(s.gatewayPrivateJwk) as JWK] })

/** One pino line of the child's stdout, parsed. */
export interface LogLine { level?: number, msg?: string, [k: string]: unknown }

/** `credit-gw serve` as a child process: its URL, its log lines, its exit. */
export interface ServeProcess {
  child: ChildProcess
  url: string
  lines: LogLine[]
  /** What it wrote to stderr so far. */
  stderr: () => string
  /** Resolves with the first log line `match` accepts (already seen or still to come). */
  logged: (match: (l: LogLine) => boolean) => Promise<LogLine>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/**
 * Starts `credit-gw serve` with `env` and waits for it to listen. `argv` runs another script that
 * serves the same way instead (a fixture that then fails on purpose); its stdin is the child's.
 */
export async function startServe (
  t: Teardown, env: NodeJS.ProcessEnv, argv: string[] = [CLI, 'serve']
): Promise<ServeProcess> {
  const child = spawn(process.execPath, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: LogLine[] = []
  const waiters: Array<{ match: (l: LogLine) => boolean, resolve: (l: LogLine) => void }> = []
  let stderr = ''
  let rest = ''
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString('utf8') })
  child.stdout?.on('data', (c: Buffer) => {
    rest += c.toString('utf8')
    const parts = rest.split('\n')
    rest = parts.pop() ?? ''
    for (const raw of parts) {
      let line: LogLine
      try { line = JSON.parse(raw) as LogLine } catch { line = { msg: raw } }
      lines.push(line)
      for (const w of waiters.filter((x) => x.match(line))) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve({ msg: `exited ${String(code)}: ${stderr}` })
      resolve({ code, signal })
    })
  })
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const logged = async (match: (l: LogLine) => boolean): Promise<LogLine> => {
    const seen = lines.find(match)
    if (seen !== undefined) return seen
    return await new Promise((resolve) => { waiters.push({ match, resolve }) })
  }
  // `gateway (all) listening on <url>; …` (serve --role api says api).
  const listening = await logged((l) => typeof l.msg === 'string' && /^gateway \(\w+\) listening on /.test(l.msg))
  const url = /^gateway \(\w+\) listening on (\S+);/.exec(listening.msg ?? '')?.[1]
  if (url === undefined) throw new Error(`serve did not start: ${listening.msg ?? ''}`)
  return { child, url, lines, stderr: () => stderr, logged, exited }
}

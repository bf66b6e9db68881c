import t from 'tap'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { parse } from 'yaml'
import { clockEnv } from '../helpers/clock-env.js'

// The gateway started with exactly what docker-compose.yml (and the image's ENV) gives its container:
// environment, secrets (/run/secrets/<name>) and the config volume, mapped to files here. Only the host
// names of the other compose services become 127.0.0.1, and the port a free one; a fresh schema and
// Redis prefix keep it apart from everything else. Docker itself is not needed.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

interface Service {
  environment?: Record<string, string | number | boolean | null> | string[]
  secrets?: Array<string | { source: string, target?: string }>
  volumes?: Array<string | { type?: string, source: string, target: string }>
}
interface Compose { services: Record<string, Service>, secrets?: Record<string, { file?: string }> }

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose
const gatewayService = compose.services.gateway as Service
const otherServices = Object.keys(compose.services).filter((s) => s !== 'gateway')

/** The image's own ENV (the runtime stage, the Dockerfile's last): what the container starts with. */
function imageEnv (): Record<string, string> {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const out: Record<string, string> = {}
  for (const m of runtime.matchAll(/^ENV\s+(.+)$/gm)) {
    for (const pair of (m[1] as string).trim().split(/\s+/)) {
      const at = pair.indexOf('=')
      if (at > 0) out[pair.slice(0, at)] = pair.slice(at + 1)
    }
  }
  return out
}

function serviceEnv (s: Service): Record<string, string> {
  const raw = s.environment ?? {}
  const entries = Array.isArray(raw)
    ? raw.map((line) => [line.split('=')[0] as string, line.slice(line.indexOf('=') + 1)])
    : Object.entries(raw).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)])
  return Object.fromEntries(entries) as Record<string, string>
}

/** Host names of the other compose services (postgres, redis, simulators) → 127.0.0.1, nothing else. */
const localHosts = (text: string): string => text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"']+/g, (found) => {
  const url = new URL(found)
  if (!otherServices.includes(url.hostname)) return found
  url.hostname = '127.0.0.1'
  return found.endsWith('/') || url.pathname !== '/' ? url.href : url.href.replace(/\/$/, '')
})

function rewriteTree (dir: string): void {
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, f)
    if (statSync(file).isFile()) writeFileSync(file, localHosts(readFileSync(file, 'utf8')))
  }
}

async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => { resolve(port) })
    })
  })
}

/**
 * The container's file system as far as the gateway reads it: each secret at /run/secrets/<target>
 * and each bind mount at its target, copied under `fsRoot` (host names rewritten), and the environment
 * with every container path pointed there.
 */
function containerEnv (service: Service, fsRoot: string): Record<string, string> {
  const mounts: Array<[string, string]> = []
  for (const s of service.secrets ?? []) {
    const source = typeof s === 'string' ? s : s.source
    const target = typeof s === 'string' ? s : s.target ?? s.source
    const file = compose.secrets?.[source]?.file
    if (file === undefined) throw new Error(`secret ${source} has no file in docker-compose.yml`)
    mounts.push([posix.join('/run/secrets', target), resolve(root, file)])
  }
  for (const v of service.volumes ?? []) {
    const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target]
    if (source === undefined || target === undefined || !/^\.{0,2}\//.test(source)) continue // named volumes: not read
    mounts.push([target, resolve(root, source)])
  }
  for (const [target, source] of mounts) {
    const copy = join(fsRoot, target)
    mkdirSync(dirname(copy), { recursive: true })
    cpSync(source, copy, { recursive: true })
    if (statSync(copy).isDirectory()) rewriteTree(copy)
    else writeFileSync(copy, localHosts(readFileSync(copy, 'utf8')))
  }
  const env: Record<string, string> = { ...imageEnv(), ...serviceEnv(service) }
  for (const [k, v] of Object.entries(env)) {
    const mounted = mounts.find(([target]) => v === target || v.startsWith(`${target}/`))
    env[k] = mounted === undefined ? localHosts(v) : join(fsRoot, v)
  }
  return env
}

interface Started { exit: Promise<number | null>, output: () => string, stop: () => Promise<void> }

function serve (env: Record<string, string>): Started {
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'cli.js'), 'serve'],
    { cwd: root, env: { PATH: process.env.PATH ?? '', ...clockEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr.on('data', (d: Buffer) => { output += d.toString() })
  const exit = new Promise<number | null>((resolve) => { child.on('exit', (code) => { resolve(code) }) })
  return {
    exit,
    output: () => output,
    stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exit } }
  }
}

const fsRoot = mkdtempSync(join(tmpdir(), 'gw-compose-'))
const schema = `compose_start_${randomBytes(4).toString('hex')}`
const prefix = `compose-start-${randomBytes(4).toString('hex')}`
let databaseUrl = ''
t.teardown(async () => {
  rmSync(fsRoot, { recursive: true, force: true })
  if (databaseUrl === '') return
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await db.end()
  const redis = new Redis(localHosts(serviceEnv(gatewayService).REDIS_URL ?? 'redis://127.0.0.1:6379'))
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

/** The compose environment, made local; `drop` leaves variables out, as if the compose file lacked them. */
async function localEnv (drop: readonly string[] = []): Promise<Record<string, string>> {
  const env = containerEnv(gatewayService, fsRoot)
  for (const k of drop) Reflect.deleteProperty(env, k)
  const dbUrlFile = env.DATABASE_URL_FILE
  databaseUrl = dbUrlFile === undefined ? env.DATABASE_URL ?? '' : readFileSync(dbUrlFile, 'utf8').trim()
  return { ...env, HOST: '127.0.0.1', PORT: String(await freePort()), GW_DB_SCHEMA: schema, GW_REDIS_PREFIX: prefix }
}

t.test('the compose file gives the gateway production mode, its secrets as files and a mounted config', async (t) => {
  const env = serviceEnv(gatewayService)
  t.equal({ ...imageEnv(), ...env }.NODE_ENV, 'production')
  t.ok(env.GW_CONFIG_DIR, 'GW_CONFIG_DIR names the mounted config')
  for (const [k, v] of Object.entries(env).filter(([k]) => k.endsWith('_FILE'))) {
    t.match(v, /^\/run\/secrets\//, `${k} is a compose secret`)
  }
  const files = Object.values(compose.secrets ?? {}).map((s) => s.file ?? '')
  t.ok(files.length > 0 && files.every((f) => /^\.\/deploy\/secrets\/.+\.example(\.json)?$/.test(f)),
    'every committed secret is an example file under deploy/secrets')
})

t.test('deploy/config carries the committed registries and calendars unchanged (copy them over when they change)', async (t) => {
  for (const dir of ['registries', 'calendars']) {
    const files = readdirSync(join(root, 'config', dir)).sort()
    t.same(readdirSync(join(root, 'deploy', 'config', dir)).sort(), files, `deploy/config/${dir}: the same files`)
    for (const f of files) {
      t.equal(readFileSync(join(root, 'deploy', 'config', dir, f), 'utf8'), readFileSync(join(root, 'config', dir, f), 'utf8'),
        `deploy/config/${dir}/${f} equals config/${dir}/${f} (cp -r config/${dir} deploy/config/)`)
    }
  }
})

t.test('docker compose up, as committed: the gateway starts in production and /readyz answers ready', async (t) => {
  const env = await localEnv()
  const gw = serve(env)
  t.teardown(gw.stop)
  const url = `http://127.0.0.1:${env.PORT}/readyz`
  let answer: { status: number, body: { database?: string } } | undefined
  const exited = gw.exit.then((code) => ({ code }))
  for (let i = 0; i < 240 && answer?.status !== 200; i++) {
    const step = await Promise.race([
      exited,
      fetch(url).then(
        async (r) => ({ status: r.status, body: await r.json() as { database?: string } }), () => undefined),
      new Promise<undefined>((resolve) => { setTimeout(() => { resolve(undefined) }, 2000) })
    ])
    if (step !== undefined && 'code' in step) {
      t.fail(`the gateway stopped at start-up (exit ${String(step.code)}): ${gw.output()}`)
      return
    }
    if (step !== undefined) answer = step
    if (answer?.status !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  t.equal(answer?.status, 200, `/readyz ready (output: ${gw.output().slice(-2000)})`)
  t.equal(answer?.body.database, 'ok')
})

t.test('a compose file lacking a secret production requires does not start (so the test above would fail)', async (t) => {
  // The session secret (the case) and an adapter secret (one after the other: one schema).
  for (const missing of ['GW_SESSION_SECRET_FILE', 'GW_SH_APP_SECRET_FILE']) {
    const gw = serve(await localEnv([missing]))
    t.teardown(gw.stop)
    const stopped = new Promise<'running'>((resolve) => { setTimeout(() => { resolve('running') }, 90_000) })
    const code = await Promise.race([gw.exit, stopped])
    t.not(code, 'running', `without ${missing}: it stops`)
    t.not(code, 0, `without ${missing}: exit ${String(code)}`)
    const name = missing.replace(/_FILE$/, '')
    t.match(gw.output(), name, `the message names ${name}`)
  }
})

import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import t from 'tap'
import { defaultConfigDir } from '../../config/load-config.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { DATABASE_URL, PROVINCES, REDIS_URL } from '../helpers/harness.js'
import { clockEnv } from '../helpers/clock-env.js'

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))

interface Node { role: 'api' | 'worker', url: string, child: ChildProcess }

/** `credit-gw serve --role <role>` as an operator starts it: its own process, configured by the environment. */
async function serve (role: Node['role'], env: NodeJS.ProcessEnv): Promise<Node> {
  const child = spawn(process.execPath, [CLI, 'serve', '--role', role], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${role} did not start: ${err}\n${out}`)) }, 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(?:listening on|metrics on) (http:\/\/[^\s;"]+)/.exec(out)
      if (m?.[1] !== undefined) { clearTimeout(timer); resolve(m[1]) }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${role} exited ${String(code)}: ${err}\n${out}`)) })
  })
  return { role, url, child }
}

t.test('two API and two worker processes on one ledger and queue prefix: every envelope, accepted by either API node, ' +
  'is delivered exactly once to each destination', async (t) => {
  const schema = `t_scale_${process.pid}_${randomBytes(4).toString('hex')}`
  const prefix = `t_scale_${process.pid}_${randomBytes(4).toString('hex')}`
  const sims = new Map<string, SimulatedPlatform>()
  for (const p of PROVINCES) sims.set(p.id, await startSimulatedPlatform({ id: p.id, alg: p.alg }))
  const sim = (id: string): SimulatedPlatform => sims.get(id) as SimulatedPlatform

  const dir = mkdtempSync(join(tmpdir(), 'scale-out-'))
  cpSync(defaultConfigDir(), dir, { recursive: true })
  for (const [id, s] of sims) {
    const file = join(dir, 'platforms', `${id}.json`)
    const { jwksUrl: _unused, ...p } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    writeFileSync(file, JSON.stringify({
      ...p,
      adapter: 'yrd-push',
      endpoint: `${s.url}/yrd/v1/deliveries`,
      healthUrl: `${s.url}/health`,
      jwks: s.jwks,
      delivery: { baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 5000 }
    }))
  }
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ jwksHttpHosts: ['127.0.0.1'], relayIntervalMs: 200 }))
  const gatewayKey = await generatePrivateJwk('ES256', 'gw-scale')
  writeFileSync(join(dir, 'gateway-key.json'), JSON.stringify(gatewayKey))
  for (const s of sims.values()) s.trustGateway({ keys: [publicPart(gatewayKey)] })

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...clockEnv(),
    HOST: '127.0.0.1',
    PORT: '0',
    GW_CONFIG_DIR: dir,
    DATABASE_URL,
    REDIS_URL,
    GW_DB_SCHEMA: schema,
    GW_REDIS_PREFIX: prefix,
    GW_DB_POOL_SIZE: '5',
    GW_SIGNING_KEY_FILE: join(dir, 'gateway-key.json'),
    LOG_LEVEL: 'info'
  }
  const nodes: Node[] = []
  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 2 })
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  t.teardown(async () => {
    await Promise.all(nodes.map(async (n) => {
      if (n.child.exitCode !== null) return
      const exited = new Promise((resolve) => n.child.once('exit', resolve))
      n.child.kill('SIGTERM')
      await exited
    }))
    await Promise.all([...sims.values()].map(async (s) => { await s.close() }))
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    rmSync(dir, { recursive: true, force: true })
  })

  // Started together: each migrates the same schema at start-up (an advisory lock orders them).
  nodes.push(...await Promise.all([serve('api', env), serve('api', env), serve('worker', env), serve('worker', env)]))
  const [api1, api2, worker1] = nodes as [Node, Node, Node, Node]

  t.equal((await fetch(`${worker1.url}/healthz`)).status, 200, 'a worker answers its health check')
  t.equal((await fetch(`${worker1.url}/metrics`)).status, 200, 'and its metrics')
  t.equal((await fetch(`${worker1.url}/v1/messages/x`)).status, 404, 'but serves no API route')
  t.equal((await fetch(`${api1.url}/readyz`)).status, 200, 'an API node is ready')

  const expected = new Map<string, string[]>([...sims.keys()].map((id) => [id, []]))
  for (let i = 1; i <= 12; i++) {
    const iss = ['SH', 'JS', 'ZJ', 'AH'][i % 4] as string
    const region = PROVINCES.find((p) => p.id === iss)?.region as string
    const res = await sim(iss).publish(i % 2 === 0 ? api1.url : api2.url, { kind: 'list.upsert', items: [sampleEntry(iss, region, i)] })
    t.equal(res.status, 202, `envelope ${i} accepted by API node ${i % 2 === 0 ? 1 : 2}`)
    for (const id of sims.keys()) if (id !== iss) expected.get(id)?.push(res.jti)
  }
  const delivered = async (): Promise<number> =>
    Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM deliveries WHERE status = 'delivered'")).rows[0]?.n)
  t.ok(await waitFor(async () => await delivered() === 36, 60_000), 'all 36 deliveries delivered')
  // A moment for a duplicate, had there been one, to arrive.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const attempts = await db.query<{ destination: string, n: string }>(
    'SELECT d.destination, count(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id GROUP BY 1')
  for (const [id, jtis] of expected) {
    t.same([...sim(id).messagesApplied].sort(), [...jtis].sort(), `${id} applied each of its 9 messages exactly once`)
    // A retry after a slow answer may send a message again (harmless: the platform drops it by jti);
    // what must never happen is a push no worker recorded, i.e. two workers on one job.
    const recorded = Number(attempts.rows.find((r) => r.destination === id)?.n)
    t.equal(sim(id).received.length, recorded, `${id}: every push it received is one attempt on record`)
  }
})

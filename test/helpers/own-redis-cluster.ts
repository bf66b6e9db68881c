import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import type { RedisNode } from '../../src/runtime/runtime-options.js'
import { freePort } from './own-redis.js'

interface Teardown { teardown: (fn: () => unknown) => void }

const run = promisify(execFile)

/** Whether nothing listens on `port` (loopback). */
async function isFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => { resolve(false) })
    s.listen(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
  })
}

/** `n` free ports whose cluster bus ports (port + 10000) are free too. */
async function clusterPorts (n: number): Promise<number[]> {
  const ports: number[] = []
  for (let tries = 0; ports.length < n && tries < 200; tries++) {
    const p = await freePort()
    if (p < 55535 && !ports.includes(p) && await isFree(p + 10000)) ports.push(p)
  }
  if (ports.length < n) throw new Error(`no ${n} free ports with free cluster bus ports`)
  return ports
}

/** The tools a cluster needs; missing, the test fails (CI has them), never skips. */
function requireTool (name: string): void {
  // Bounded: a tool that hangs (redis-cli under libfaketime, without scripts/faked-clock.sh's wrapper) fails here.
  const r = spawnSync(name, ['--version'], { stdio: 'ignore', timeout: 10_000 })
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${name} not found on PATH (or it hung on --version): the Redis Cluster test needs redis-server and redis-cli (Redis 7)`)
  }
}

async function until (what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`Redis Cluster: ${what} within ${ms} ms`)
}

/** A Redis Cluster of the test's own: where its masters listen. */
export interface OwnRedisCluster {
  nodes: RedisNode[]
}

/**
 * Three masters (`redis-server --cluster-enabled yes`, no persistence) on free ports, joined by
 * `redis-cli --cluster create` and answering `cluster_state:ok`; killed, and their folder removed,
 * when the test ends, whether it passed or not.
 */
export async function startOwnRedisCluster (t: Teardown, masters = 3): Promise<OwnRedisCluster> {
  requireTool('redis-server')
  requireTool('redis-cli')
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'))
  const children: ChildProcess[] = []
  const stop = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  // Should the test process exit without its teardown (a crash), the servers go with it.
  process.once('exit', stop)
  t.teardown(async () => {
    process.off('exit', stop)
    const gone = children.filter((c) => c.exitCode === null && c.signalCode === null)
      .map(async (c) => await new Promise((resolve) => c.once('exit', resolve)))
    stop()
    await Promise.all(gone)
  })

  const ports = await clusterPorts(masters)
  for (const port of ports) {
    children.push(spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1',
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'
    ], { stdio: 'ignore' }))
  }
  const probes = ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 }))
  try {
    for (const p of probes) {
      p.on('error', () => undefined)
      await until(`127.0.0.1:${p.options.port ?? 0} did not start`, async () => await p.ping() === 'PONG')
    }
    await run('redis-cli', [
      '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'
    ], { timeout: 30_000 })
    for (const p of probes) {
      await until('cluster_state is not ok', async () => String(await p.call('CLUSTER', 'INFO')).includes('cluster_state:ok'))
    }
  } finally {
    for (const p of probes) p.disconnect()
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })) }
}

/**
 * `npm run bench:hostile`: how long the gateway takes to refuse the hostile bodies of the
 * hostile-body tests (issue 12 item 2: envelope and login routes, Shanghai's, Jiangsu's and Anhui's
 * native routes), and the slowest `/healthz` answer while it does, against a baseline measured in
 * the same run: a legitimate one-item envelope, and `/healthz` with nothing else going on. The
 * gateway runs in a child process, so the client's own work (building bodies, probing) never
 * stalls it. The bounds (< 1 s, /healthz < 100 ms) are reported, never asserted.
 *
 * Knobs: BENCH_HOSTILE_RUNS (3: each figure is the median of that many), DATABASE_URL, REDIS_URL.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { JWK } from 'jose'
import { GatewaySettings, PlatformConfig, type GatewayConfig } from '../config/config-schema.js'
import { validated } from '../config/read-config-file.js'
import { batchSm3 } from '../adapters/js-batch/js-batch-file.js'
import { JS_HEADER } from '../adapters/js-batch/js-batch-columns.js'
import { gb18030 } from '../adapters/js-batch/gb18030-text.js'
import { shAuthHeaders } from '../adapters/sh-rest/sh-rest-signature.js'
import { buildApp } from '../src/app.js'
import { platformSigner, signEnvelope } from '../src/envelopes/sign-envelope.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { migrate } from '../src/ledger/migrate.js'
import type { RuntimeOptions } from '../src/runtime/runtime-options.js'
import { newAhSecrets } from '../sim/ah-xml-secrets.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { benchLine, percentile, positiveIntFromEnv, round } from './bench-util.js'
import { DATABASE_URL, runInScratch } from './bench-scratch.js'

const RUNS = positiveIntFromEnv('BENCH_HOSTILE_RUNS', 3)
const MiB = 1024 * 1024
const SH_PATH = '/v1/native/SH/api/credit/v2/records'
const JS_PATH = '/v1/native/JS/jsxy/batch/upload'
const AH_PATH = '/v1/native/AH/ahxy/gateway/receive'

/** What the parent hands the gateway's process on its stdin. */
interface ServeInput { runtime: RuntimeOptions, shJwk: JWK, secrets: Record<string, Record<string, string>> }

function configOf (shJwk: JWK): GatewayConfig {
  const platform = (id: string, region: string, adapter: string, endpoint: string): PlatformConfig =>
    validated(PlatformConfig, {
      id, name: `${id} platform`, regionCode: region, adapter, endpoint, jwks: { keys: [shJwk] }, enabled: true
    }, '(bench config)')
  return {
    dir: '(bench)',
    // Many requests from one address in a few seconds: the rate limiter is not what is measured.
    settings: validated(GatewaySettings, { apiRateLimitPerMinute: 1_000_000 }, '(bench config)'),
    platforms: [
      platform('SH', '310000', 'sh-rest', 'http://127.0.0.1:9/api/credit/v2/records'),
      platform('JS', '320000', 'js-batch', 'http://127.0.0.1:9'),
      platform('AH', '340000', 'ah-xml', 'http://127.0.0.1:9/ahxy/gateway/receive')
    ],
    admins: []
  }
}

/** The child: builds the gateway from stdin, listens, prints its port, and runs until killed. */
async function serve (): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ServeInput
  const gatewayKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-bench-k1')])
  const config = configOf(input.shJwk)
  const { runtime, secrets: platformSecrets } = input
  const app = await buildApp({ config, runtime, gatewayKeys, logger: false, workers: false, platformSecrets })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address !== 'object') throw new Error('the gateway is not listening on a TCP port')
  process.stdout.write(`port ${address.port}\n`)
  process.once('SIGTERM', () => { app.close().finally(() => process.exit(0)) })
}

/** Starts the gateway's process; resolves with its URL and a way to stop it. */
async function startGateway (input: ServeInput): Promise<{ url: string, stop: () => Promise<void> }> {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, [script, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  child.stdin.end(JSON.stringify(input))
  const port = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /port (\d+)\n/.exec(out)
      if (m?.[1] !== undefined) resolve(m[1])
    })
    child.once('exit', (code) => { reject(new Error(`the gateway's process exited (${String(code)})`)) })
  })
  return { url: `http://127.0.0.1:${port}`, stop: async () => { child.kill('SIGTERM'); await exited } }
}

/** POSTs with node:http (which reads an answer that comes while the body is still being sent); status 0: closed. */
async function post (url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return await new Promise<number>((resolve) => {
    let answered = false
    const options = { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }
    const req = request(url, options, (res) => {
      answered = true
      res.resume()
      res.on('end', () => { resolve(res.statusCode ?? 0) })
    })
    req.on('error', () => { if (!answered) resolve(0) })
    req.end(body)
  })
}

async function healthzMs (base: string): Promise<number> {
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    request(`${base}/healthz`, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject).end()
  })
  return performance.now() - started
}

interface Sample { ms: number, slowestHealthz: number, status: number }

/** Sends one request while `/healthz` is asked again and again; one more probe once it is answered. */
async function probed (base: string, send: () => Promise<number>): Promise<Sample> {
  const state = { done: false }
  const times: number[] = []
  const probing = (async () => { while (!state.done) times.push(await healthzMs(base)) })()
  const started = performance.now()
  const status = await send()
  const ms = performance.now() - started
  state.done = true
  await probing
  times.push(await healthzMs(base))
  return { ms, slowestHealthz: Math.max(...times), status }
}

/** A body to send `RUNS` times; `prepare` builds fresh headers (nonces, batch ids) before the clock starts. */
interface Case { what: string, prepare: () => Promise<{ url: string, headers: Record<string, string>, body: Buffer }> }

const fill = (bytes: number, pattern: string): Buffer => Buffer.alloc(bytes, pattern, 'latin1')
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
const b64 = (b: Buffer): string => b.toString('base64url')

function hostileCases (gw: string, sh: { appKey: string, appSecret: string }, jsToken: string): Case[] {
  const fixed = (what: string, path: string, type: string, body: Buffer): Case =>
    ({ what, prepare: async () => ({ url: gw + path, headers: { 'content-type': type }, body }) })
  const shSigned = (what: string, body: Buffer): Case => ({
    what,
    prepare: async () => ({
      url: gw + SH_PATH,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...shAuthHeaders({ ...sh, method: 'POST', path: SH_PATH, body })
      },
      body
    })
  })
  let batch = 0
  const jsUpload = (what: string, body: Buffer): Case => ({
    what,
    prepare: async () => ({
      url: gw + JS_PATH,
      headers: {
        'content-type': 'text/csv; charset=GB18030',
        'x-js-token': jsToken,
        'x-js-batch-id': `bench-${++batch}`,
        'x-js-content-sm3': batchSm3(body)
      },
      body
    })
  })
  const flat = 'application/jose+json'
  const header = b64(Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'yrd-envelope+jwt', kid: 'k' })))
  const payload = b64(Buffer.concat([ascii('{"iss":"SH","items":['), fill(4 * MiB, '0,'), ascii('0]}')]))
  const depth = Math.floor((3 * MiB - 64) / 2)
  const emptyRow = `${','.repeat(JS_HEADER.length - 1)}\r\n`
  const csv = (...rows: Buffer[]): Buffer => Buffer.concat([gb18030(`${JS_HEADER.join(',')}\r\n`), ...rows])
  const ahHead = '<?xml version="1.0" encoding="UTF-8"?><AHXY>'
  const ahDepth = Math.floor((2 * MiB - ahHead.length - 7) / 7)
  const xml = 'application/xml; charset=utf-8'
  return [
    fixed('envelope: 8 MiB of tiny objects, flattened', '/v1/envelopes', flat,
      Buffer.concat([ascii('{'), fill(8 * MiB - 16, '"a":{},'), ascii('"b":{}}')])),
    fixed('envelope: 8 MiB nested arrays, flattened', '/v1/envelopes', flat,
      Buffer.concat([fill(4 * MiB - 1, '['), fill(4 * MiB - 1, ']')])),
    fixed('envelope: compact, payload of 2 million values', '/v1/envelopes', 'application/jose',
      ascii(`${header}.${payload}.${b64(Buffer.alloc(64))}`)),
    fixed('login: 8 MiB of JSON', '/v1/admin/session', 'application/json',
      Buffer.concat([ascii('{"username":"a","password":"'), fill(8 * MiB, 'x'), ascii('"}')])),
    shSigned('SH: 3 MiB nested 1.5 million levels', Buffer.concat([
      ascii('{"msgId":"deep-1","records":'), fill(depth, '['), fill(depth, ']'), ascii('}')])),
    shSigned('SH: 3 MiB of 1.5 million values', Buffer.concat([
      ascii('{"msgId":"wide-1","records":['), fill(2 * depth, '0,'), ascii('0]}')])),
    jsUpload('JS: 3 MiB of empty rows', csv(fill(emptyRow.length * Math.floor(3 * MiB / emptyRow.length), emptyRow))),
    jsUpload('JS: a row of 500,001 fields', csv(fill(500_000, ','), ascii('\r\n'))),
    jsUpload('JS: one 3 MiB cell',
      csv(ascii('"'), fill(3 * MiB, 'x'), ascii(`"${','.repeat(JS_HEADER.length - 1)}\r\n`))),
    fixed('AH: 2 MiB of elements', AH_PATH, xml,
      Buffer.concat([ascii(ahHead), fill(2 * MiB - ahHead.length - 7, '<a>1</a>'), ascii('</AHXY>')])),
    fixed('AH: 2 MiB nested', AH_PATH, xml,
      Buffer.concat([ascii(ahHead), fill(ahDepth * 3, '<a>'), fill(ahDepth * 4, '</a>'), ascii('</AHXY>')])),
    fixed('AH: one 2 MiB field', AH_PATH, xml,
      Buffer.concat([ascii(`${ahHead}<BT><XXID>`), fill(2 * MiB, 'x'), ascii('</XXID></BT></AHXY>')]))
  ]
}

async function measure (gw: string, c: Case): Promise<Sample> {
  const samples: Sample[] = []
  for (let i = 0; i < RUNS; i++) {
    const { url, headers, body } = await c.prepare()
    samples.push(await probed(gw, async () => await post(url, headers, body)))
  }
  return {
    ms: percentile(samples.map((s) => s.ms), 50),
    slowestHealthz: percentile(samples.map((s) => s.slowestHealthz), 50),
    status: samples[samples.length - 1]?.status ?? 0
  }
}

async function main (): Promise<void> {
  await runInScratch('hostile-bodies', 2, async ({ schema, runtime, onCleanup }) => {
    await migrate(DATABASE_URL, schema)
    const shPrivate = await generatePrivateJwk('ES256', 'sh-bench-k1')
    const signer = await platformSigner('SH', shPrivate)
    const sh = { appKey: 'sh-bench', appSecret: randomBytes(24).toString('base64url') }
    const jsToken = randomBytes(24).toString('base64url')
    const secrets = {
      SH: { APP_KEY: sh.appKey, APP_SECRET: sh.appSecret }, JS: { TOKEN: jsToken }, AH: newAhSecrets()
    }
    const gateway = await startGateway({ runtime, shJwk: publicPart(shPrivate), secrets })
    onCleanup(gateway.stop)
    const gw = gateway.url
    process.stdout.write(`hostile-bodies bench: gateway in its own process, ${RUNS} runs per body (medians), ` +
      `schema ${schema}\n`)

    let entry = 0
    const legit: Case = {
      what: 'baseline: a legitimate one-item envelope',
      prepare: async () => {
        const items = [sampleEntry('SH', '310000', ++entry)]
        const { jws } = await signEnvelope(signer, { kind: 'list.upsert', items })
        return { url: `${gw}/v1/envelopes`, headers: { 'content-type': 'application/jose' }, body: Buffer.from(jws) }
      }
    }
    await measure(gw, legit) // warm-up: the first requests compile what every later one uses
    const idle: number[] = []
    for (let i = 0; i < 50; i++) idle.push(await healthzMs(gw))
    const idleHealthz = Math.max(...idle)
    const base = await measure(gw, legit)
    process.stdout.write(`idle /healthz: slowest of 50 ${round(idleHealthz, 1)} ms\n` +
      `${legit.what}: HTTP ${base.status}, ${round(base.ms, 1)} ms, ` +
      `slowest /healthz ${round(base.slowestHealthz, 1)} ms\n`)

    let worstMs = 0
    let worstHealthz = 0
    for (const c of hostileCases(gw, sh, jsToken)) {
      const s = await measure(gw, c)
      worstMs = Math.max(worstMs, s.ms)
      worstHealthz = Math.max(worstHealthz, s.slowestHealthz)
      process.stdout.write(`${c.what}: HTTP ${s.status}, refused in ${round(s.ms, 1)} ms ` +
        `(× ${round(s.ms / base.ms, 2)} the legitimate envelope), slowest /healthz ${round(s.slowestHealthz, 1)} ms ` +
        `(× ${round(s.slowestHealthz / idleHealthz, 2)} idle)\n`)
    }
    process.stdout.write(benchLine('hostile-bodies', {
      worstRefusalMs: round(worstMs, 1),
      baselineEnvelopeMs: round(base.ms, 1),
      ratio: round(worstMs / base.ms, 2),
      worstHealthzMs: round(worstHealthz, 1),
      idleHealthzMs: round(idleHealthz, 1),
      healthzRatio: round(worstHealthz / idleHealthz, 2)
    }) + '\n')
  })
}

if (process.argv[2] === 'serve') await serve()
else await main()

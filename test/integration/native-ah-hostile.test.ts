import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { postAhMessage, sealAhPublication } from '../../sim/ah-xml-publisher.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'

const secrets = newAhSecrets()
const MiB = 1024 * 1024

async function start (t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  return await startHarness(t, {
    listen: true,
    platformSecrets: { AH: secrets },
    platformOverrides: (p) => p.id === 'AH' ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive' } : p
  })
}

/** Hostile `<AHXY>` bodies of about `bytes` bytes: what a general XML parser takes seconds over. */
function hostile (bytes: number): Record<string, string> {
  const head = '<?xml version="1.0" encoding="UTF-8"?><AHXY>'
  const fill = (unit: string, close = ''): string => head + unit.repeat(Math.floor((bytes - head.length - close.length - 7) / unit.length)) + close + '</AHXY>'
  const depth = Math.floor((bytes - head.length - 7) / 7)
  return {
    'many elements': fill('<a>1</a>'),
    'deep nesting': head + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</AHXY>',
    'one huge field': fill('x', '').replace('<AHXY>x', '<AHXY><BT><XXID>x').replace(/x<\/AHXY>$/, 'x</XXID></BT></AHXY>'),
    'entities in ZT': head + '<BT><XXID>x</XXID></BT><ZT>' + '&amp;'.repeat(Math.floor((bytes - head.length - 60) / 5)) + '</ZT></AHXY>'
  }
}

/** Runs `work` while asking `/healthz` over the same real port every few milliseconds; the slowest answer. */
async function whileProbing<T> (gw: string, work: () => Promise<T>): Promise<{
  result: T, worstHealthz: number, probes: number
}> {
  const state = { done: false }
  const latencies: number[] = []
  const probe = (async () => {
    while (!state.done) {
      const started = performance.now()
      const res = await fetch(`${gw}/healthz`)
      await res.arrayBuffer()
      latencies.push(performance.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  const result = await work()
  state.done = true
  await probe
  return { result, worstHealthz: Math.max(...latencies), probes: latencies.length }
}

// The attacker is another process, as it would be: the test's own event loop then carries only the
// gateway and the /healthz probe, so what the probe sees is the gateway's own stall. It is started,
// and has read its body, before the probing starts (forking blocks the parent), then told to go.
const ATTACKER = `
import { readFileSync } from 'node:fs'
const [url, file] = process.argv.slice(-2)
const body = readFileSync(file)
process.stdout.write('ready\\n')
await new Promise((resolve) => process.stdin.once('data', resolve))
const started = performance.now()
let out
try {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml; charset=utf-8' }, body })
  out = { status: res.status, text: (await res.text()).slice(0, 2000) }
} catch (err) {
  out = { status: 0, text: String(err.cause ?? err) }
}
process.stdout.write(JSON.stringify({ ...out, ms: performance.now() - started }))
process.exit(0)
`

/** Writes a body where the attacker's process reads it (before any timing: writing blocks). */
const scratch = mkdtempSync(join(tmpdir(), 'ah-hostile-'))
t.teardown(() => { rmSync(scratch, { recursive: true, force: true }) })
let files = 0
function bodyFile (body: string): string {
  const file = join(scratch, `body-${++files}.xml`)
  writeFileSync(file, body)
  return file
}

interface Attack { go: () => Promise<{ status: number, text: string, ms: number }> }

/** An attacker process ready to POST the body; a refusal may come as an answer or, over the limit, as the connection
 * closed. */
async function attacker (url: string, file: string): Promise<Attack> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', ATTACKER, url, file], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.startsWith('ready\n')) { out = out.slice(6); resolve() }
    })
  })
  return {
    go: async () => {
      child.stdin.write('go\n')
      await exited
      return JSON.parse(out) as { status: number, text: string, ms: number }
    }
  }
}

t.test('an 8 MiB hostile body is refused in < 1 s while /healthz keeps answering in < 100 ms', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const url = `${gw}/v1/native/AH/ahxy/gateway/receive`
  await (await attacker(url, bodyFile('<AHXY></AHXY>'))).go() // warm the route up: the first request compiles what every later one uses
  const big = hostile(8 * MiB - 64)
  const bodies = {
    'many elements': big['many elements'] ?? '',
    'deep nesting': big['deep nesting'] ?? '',
    // Under the route's limit (4 MiB) only the bounded checks stand between the body and the parser.
    ...Object.fromEntries(Object.entries(hostile(2 * MiB)).map(([k, v]) => [`${k}, under the route's limit`, v]))
  }
  for (const [what, body] of Object.entries(bodies)) {
    const file = bodyFile(body)
    // The machine is shared and busy: a probe can wait on the scheduler rather than on the gateway.
    // A stall the gateway causes happens on every try; one the machine causes rarely five times running.
    const once = async (): Promise<Awaited<ReturnType<typeof whileProbing<Awaited<ReturnType<Attack['go']>>>>>> => {
      const attack = await attacker(url, file)
      return await whileProbing(gw, attack.go)
    }
    let attempt = await once()
    for (
      let tries = 1; tries < 5 && (attempt.result.ms >= 1000 || attempt.worstHealthz >= 100); tries++
    ) attempt = await once()
    const { result, worstHealthz, probes } = attempt
    t.ok(result.ms < 1000, `${what} (${(body.length / MiB).toFixed(1)} MiB): refused in ${result.ms.toFixed(0)} ms`)
    t.ok(worstHealthz < 100, `${what}: /healthz answered within ${worstHealthz.toFixed(0)} ms (${probes} probes)`)
    if (result.status !== 0) {
      t.ok([400, 413].includes(result.status), `${what}: HTTP ${result.status}`)
      t.match(result.text, /<DM>E100<\/DM>/, `${what}: E100`)
    }
  }
  t.equal(await h.count('envelopes'), 0)
})

t.test('an AH message holds at most 1,000 records (E100, PAYLOAD_TOO_LARGE), checked before the payload is parsed', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const items = Array.from({ length: 1001 }, (_, i) => sampleEntry('AH', '340000', i + 1))
  const sealed = sealAhPublication({ secrets, kind: 'list.upsert', items })
  const r = await postAhMessage(gw, 'AH', sealed.body)
  t.equal(r.status, 413)
  t.equal(r.receipt?.DM, 'E100', 'Anhui\'s code for a message it cannot take')
  t.match(r.receipt?.XX, /\[PAYLOAD_TOO_LARGE\] more than 1000 <JL> elements/)
  t.equal(r.receipt?.XXID, sealed.msgId)
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
  const codes = (await h.db.query<{ code: string }>('SELECT code FROM security_log')).rows.map((row) => row.code)
  t.same(codes, ['PAYLOAD_TOO_LARGE'])
})

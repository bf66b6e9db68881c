import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CompactSign, importJWK } from 'jose'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { freePort } from '../helpers/own-redis.js'

// Issue 16 item 6: the exit codes the README documents ("Command line"): 0 fine, 1 a finding or a
// proof that does not hold, 2 usage, 3 runtime.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const CLI = join(root, 'dist', 'src', 'cli.js')

interface Run { code: number, stdout: string, stderr: string }

async function cli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return await new Promise((resolve) => {
    const opts = { timeout: 30_000, env: { ...process.env, ...env } }
    execFile(process.execPath, [CLI, ...args], opts, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

t.test('--version prints package.json\'s version, exit 0', async (t) => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  t.same(await cli(['--version']), { code: 0, stdout: `${version}\n`, stderr: '' })
})

t.test('usage errors exit 2', async (t) => {
  const unknown = await cli(['no-such-verb'])
  t.equal(unknown.code, 2, 'an unknown command')
  t.match(unknown.stderr, /unknown command 'no-such-verb'/)
  t.equal((await cli(['serve', '--no-such-option'])).code, 2, 'an unknown option')
  const missing = await cli(['sign', '--iss', 'SH'])
  t.equal(missing.code, 2, 'a required option missing')
  t.match(missing.stderr, /required option '--key <file>' not specified/)
  t.equal((await cli(['--help'])).code, 0, '--help is no error')
})

t.test('verify-proof with a tampered checkpoint exits 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-exit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const jwk = await generatePrivateJwk('ES256', 'gw-k1')
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [publicPart(jwk)] }))
  const signed = await new CompactSign(new TextEncoder().encode(JSON.stringify({ owner: 'JS', listCode: 'x', treeSize: 1 })))
    .setProtectedHeader({ alg: 'ES256', kid: 'gw-k1' }).sign(await importJWK(jwk, 'ES256'))
  const [header, payload, signature] = signed.split('.') as [string, string, string]
  const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
  const res = await cli(['verify-proof', '--jwks', join(dir, 'jwks.json'), '--checkpoint', tampered])
  t.equal(res.code, 1, res.stderr)
  t.match(res.stderr, /^credit-gw: proof does not hold: /)
})

t.test('an unreachable database is a runtime error: exit 3', async (t) => {
  const res = await cli(['migrate'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` })
  t.equal(res.code, 3, res.stderr)
  t.match(res.stderr, /^credit-gw: .*ECONNREFUSED/)
  t.equal((await cli(['resend', '1'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` })).code, 3,
    'resend alike')
})

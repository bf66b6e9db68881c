import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JSONWebKeySet, JWK } from 'jose'
import t from 'tap'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import type { CheckpointV1, InclusionProofV1 } from '../../contracts/transparency-v1.js'
import { SM2_ALG, verifyCompact } from '../../src/keys/jws.js'
import { localKeySet } from '../../src/keys/key-sets.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { tempFiles } from '../helpers/temp-files.js'
import { startHarness } from '../helpers/harness.js'

// Issue 19 "Done when": a platform uses SM2 keys for everything it signs (envelopes, tokens) and
// verifies everything the gateway signs with SM2 (receipts, check receipts, checkpoints), through
// the API and the CLI (`keygen --alg SM2`, `sign`, `token`, `verify-receipt`, `verify-proof`).

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

const headerOf = (jws: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

t.test('a gateway and a province on SM2 keys: envelopes, tokens, receipts, check receipts, checkpoints', async (t) => {
  const file = tempFiles(t, 'sm2-keys')

  // Anhui's key comes from `credit-gw keygen --alg SM2`, as a platform would make it.
  const keygen = await cli(['keygen', '--alg', 'SM2', '--kid', 'ah-sm2-cli'])
  t.equal(keygen.code, 0, keygen.stderr)
  const ahJwk = JSON.parse(keygen.stdout) as JWK
  t.match(ahJwk, { kty: 'EC', crv: 'SM2', alg: SM2_ALG, kid: 'ah-sm2-cli', use: 'sig' })
  const h = await startHarness(t, {
    listen: true,
    gatewayAlgs: [SM2_ALG, 'ES256'],
    adminAlg: SM2_ALG,
    platformOverrides: (p) => p.id === 'AH' ? { ...p, jwks: { keys: [publicPart(ahJwk)] } } : p
  })
  const gatewayJwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
  t.same(gatewayJwks.keys.map((k) => [k.kid, k.crv, k.alg]), [['gw-k1', 'SM2', SM2_ALG], ['gw-k0-retired', 'P-256', 'ES256']],
    'the gateway publishes its SM2 key beside an ES256 one (a migration)')
  const gatewayKeys = localKeySet(gatewayJwks)

  // An envelope signed by `credit-gw sign` with the SM2 key.
  const entry = sampleEntry('AH', '340000', 1)
  const signed = await cli(['sign', '--key', file('ah.jwk', ahJwk), '--iss', 'AH', '--kind', 'list.upsert', '--items', file('items.json', [entry])])
  t.equal(signed.code, 0, signed.stderr)
  const jws = signed.stdout.trim()
  t.equal(headerOf(jws).alg, SM2_ALG, 'credit-gw sign wrote an SM2-SM3 envelope')
  const accepted = await h.post(jws)
  t.equal(accepted.status, 202, JSON.stringify(accepted.body))
  const receipt = String(accepted.body.receipt)
  t.match(headerOf(receipt), { alg: SM2_ALG, kid: 'gw-k1', typ: 'yrd-receipt+jwt' }, 'the receipt is SM2-signed')
  t.ok(await verifyCompact(receipt, gatewayKeys, ENVELOPE_ALGS), 'and verifies against the published set')
  const verified = await cli(['verify-receipt', receipt, '--jwks', file('gw.json', gatewayJwks)])
  t.equal(verified.code, 0, verified.stderr)
  t.match(JSON.parse(verified.stdout), { valid: true, kid: 'gw-k1' }, 'credit-gw verify-receipt')
  const withEnvelope = await cli(['verify-receipt', receipt, '--jwks', file('gw.json', gatewayJwks), '--envelope', file('sent.jws', jws)])
  t.equal(withEnvelope.code, 0, withEnvelope.stderr)
  t.match(JSON.parse(withEnvelope.stdout), { valid: true, envelope: { digest: 'matches', digestAlg: 'SHA-256' } }, 'the receipt is for the envelope sent')
  const otherBytes = await cli(['verify-receipt', receipt, '--jwks', file('gw.json', gatewayJwks), '--envelope', file('sent-nl.jws', `${jws}\n`)])
  t.same([otherBytes.code, otherBytes.stdout], [1, ''], 'other bytes (a newline added): exit 1, nothing on stdout')
  t.match(otherBytes.stderr, /the receipt's digest is not the SHA-256 of .*sent-nl\.jws/)
  const foreign = await cli(['verify-receipt', receipt, '--jwks', file('other.json', { keys: [publicPart(await generatePrivateJwk(SM2_ALG, 'gw-k1'))] })])
  t.equal(foreign.code, 1, 'another SM2 key of the same kid: does not verify')

  // Flattened, and the refusals: tampered, an unknown key, relabelled.
  const flat = await signEnvelope(await platformSigner('AH', ahJwk), { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 2)] }, 'flattened')
  t.equal((await h.post(flat.jws, 'application/jose+json')).status, 202, 'flattened SM2-SM3')
  const [p0, p1, p2] = jws.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(p1, 'base64url').toString('utf8')) as { jti: string }
  claims.jti = `${claims.jti}-x`
  t.equal((await h.post(`${p0}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${p2}`)).body.code, 'SIGNATURE_INVALID', 'tampered')
  const stranger = await signEnvelope(await platformSigner('AH', await generatePrivateJwk(SM2_ALG, 'ah-sm2-unknown')), { kind: 'list.upsert', items: [entry] })
  t.equal((await h.post(stranger.jws)).body.code, 'KEY_UNKNOWN', 'an SM2 key not in the set')
  const relabelled = `${Buffer.from(JSON.stringify({ ...headerOf(jws), alg: 'ES256' })).toString('base64url')}.${p1}.${p2}`
  t.equal((await h.post(relabelled)).body.code, 'KEY_UNKNOWN', 'the same signature labelled ES256: no P-256 key of that kid')

  // Tokens: Anhui's from `credit-gw token`, an admin's SM2 token.
  const token = await cli(['token', '--key', file('ah.jwk', ahJwk), '--iss', 'AH'])
  t.equal(token.code, 0, token.stderr)
  t.equal(headerOf(token.stdout.trim()).alg, SM2_ALG)
  const read = await h.app.inject({ url: `/v1/messages/${encodeURIComponent(claims.jti.slice(0, -2))}`, headers: { authorization: `Bearer ${token.stdout.trim()}` } })
  t.equal(read.statusCode, 200, 'AH reads its message with an SM2-SM3 token')
  const adminRead = await h.app.inject({ url: '/v1/admin/overview', headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })
  t.not(adminRead.statusCode, 401, 'an admin issuer on SM2 is authenticated')

  // A check receipt, SM2-signed.
  const check = await h.app.inject({
    method: 'POST',
    url: '/v1/checks',
    headers: { authorization: `Bearer ${token.stdout.trim()}` },
    payload: { subject: entry.subject.creditCode, purpose: '政府采购 2026-GP-0099', decisionType: 'public-procurement' }
  })
  t.equal(check.statusCode, 200, check.body)
  const checkReceipt = (check.json() as { receipt: string }).receipt
  t.match(headerOf(checkReceipt), { alg: SM2_ALG, typ: 'yrd-check-receipt+jwt' })
  t.ok(await verifyCompact(checkReceipt, gatewayKeys, ENVELOPE_ALGS), 'the check receipt verifies')

  // A checkpoint and an inclusion proof, checked offline by `credit-gw verify-proof`.
  const log = `/v1/transparency/logs/AH/${entry.listCode}`
  const admin = { authorization: `Bearer ${await h.adminToken('admin')}` }
  const cp = (await h.app.inject({ method: 'POST', url: `${log}/checkpoints`, headers: admin })).json() as CheckpointV1
  t.match(headerOf(cp.checkpoint), { alg: SM2_ALG, typ: 'yrd-checkpoint+jwt' }, 'the checkpoint is SM2-signed')
  const inclusion = (await h.app.inject({ url: `${log}/inclusion?entryId=${entry.entryId}&version=1`, headers: admin })).json() as InclusionProofV1
  const proof = await cli(['verify-proof', '--jwks', file('gw.json', gatewayJwks), '--inclusion', file('inclusion.json', inclusion)])
  t.equal(proof.code, 0, proof.stderr)
  t.match(proof.stdout, /^valid: checkpoint of AH\/.* signed by gw-k1/)
  const wrongKeys = await cli(['verify-proof', '--jwks', file('other.json', { keys: [publicPart(await generatePrivateJwk(SM2_ALG, 'gw-k1'))] }), '--inclusion', file('inclusion.json', inclusion)])
  t.equal(wrongKeys.code, 1, 'another SM2 key: the checkpoint does not verify')
})

t.test('a configured SM2 key that is not a point of the curve stops start-up', async (t) => {
  const { loadConfig } = await import('../../config/load-config.js')
  const { cpSync } = await import('node:fs')
  const dir = mkdtempSync(join(tmpdir(), 'sm2-config-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  cpSync(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config'), dir, { recursive: true })
  const pub = publicPart(await generatePrivateJwk(SM2_ALG, 'ah-bad'))
  const y = Buffer.from(String(pub.y), 'base64url')
  y[31] = (y[31] ?? 0) ^ 1
  const ah = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'platforms', 'AH.json'), 'utf8')) as Record<string, unknown>
  writeFileSync(join(dir, 'platforms', 'AH.json'), JSON.stringify({ ...ah, jwksUrl: undefined, jwks: { keys: [{ ...pub, y: y.toString('base64url') }] } }))
  t.throws(() => loadConfig(dir), /AH\.json.*\/jwks\/keys\/0.*not a point of the curve/)
  writeFileSync(join(dir, 'platforms', 'AH.json'), JSON.stringify({ ...ah, jwksUrl: undefined, jwks: { keys: [pub] } }))
  t.equal(loadConfig(dir).platforms.find((p) => p.id === 'AH')?.jwks?.keys[0]?.crv, 'SM2', 'a good one loads')
})

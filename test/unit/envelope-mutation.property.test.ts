import t from 'tap'
import fc from 'fast-check'
import {
  compactVerify, createLocalJWKSet, flattenedVerify, importJWK,
  type CryptoKey, type FlattenedJWSInput, type JWK, type JWTVerifyGetKey
} from 'jose'
import { digestOf } from '../../src/envelopes/parse-jws.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { EnvelopeVerifier, type VerifiedEnvelope } from '../../src/envelopes/verify-envelope.js'
import { GatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import type { KeyDirectory } from '../../src/keys/platform-keys.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// "Random mutations of a valid envelope are never accepted unless the signature still verifies."

const NOW = 1_800_000_000
const NOW_MS = NOW * 1000
const RUNS = 600

const shJwk: JWK = await generatePrivateJwk('ES256', 'sh-k1')
const jsJwk: JWK = await generatePrivateJwk('EdDSA', 'js-k1')
const shPublic = await importJWK(publicPart(shJwk), 'ES256') as CryptoKey
const jsPublic = await importJWK(publicPart(jsJwk), 'EdDSA') as CryptoKey
const sets = new Map<string, JWTVerifyGetKey>([
  ['SH', createLocalJWKSet({ keys: [publicPart(shJwk)] })],
  ['JS', createLocalJWKSet({ keys: [publicPart(jsJwk)] })]
])
const keys: KeyDirectory = { platform: (id) => sets.get(id), admin: () => undefined }
const verifier = new EnvelopeVerifier(keys, 60)

const items = [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true })]
const compact = (await signEnvelope(await platformSigner('SH', shJwk), { kind: 'list.upsert', items, iat: NOW, jti: 'SH-prop-1' })).jws
const flattened = (await signEnvelope(await platformSigner('JS', jsJwk), { kind: 'objection.open', items, iat: NOW, jti: 'JS-prop-1' }, 'flattened')).jws
const flatObject = JSON.parse(flattened) as { protected: string, payload: string, signature: string }
const [compactHeader = '', compactPayload = '', compactSignature = ''] = compact.split('.')
const compactPayloadBytes = Buffer.from(compactPayload, 'base64url')
const flatPayloadBytes = Buffer.from(flatObject.payload, 'base64url')

/** Every code a refusal may carry; INTERNAL or UNAVAILABLE would mean a mutation escaped the checks. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ENVELOPE_MALFORMED', 'ALG_NOT_ALLOWED', 'KEY_UNKNOWN', 'ISSUER_UNKNOWN', 'SIGNATURE_INVALID',
  'AUDIENCE_INVALID', 'ENVELOPE_EXPIRED', 'PAYLOAD_TOO_LARGE'
])

const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', '.', '=', '+']
const char = fc.constantFrom(...ALPHABET)

type Mutation =
  | { op: 'replace', at: number, ch: string }
  | { op: 'delete', at: number }
  | { op: 'insert', at: number, ch: string }
  | { op: 'swap', a: number, b: number }
  | { op: 'truncate', at: number }

// Positions are drawn as fractions of the length, biased towards the start (the protected header is
// short next to the payload) and the end (the signature, whose non-canonical trailing bits are the
// only way a mutation may legitimately still verify).
const fraction = (min: number, max: number): fc.Arbitrary<number> => fc.double(
  { min, max, maxExcluded: true, noNaN: true }
)
const position = fc.oneof(fraction(0, 1), fraction(0, 0.03), fraction(0.97, 1))
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: position, ch: char }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, ch: char }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), a: fc.nat(2), b: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) }
)

function apply (text: string, m: Mutation, separator: string): string {
  const at = m.op === 'swap' ? 0 : Math.floor(m.at * text.length)
  switch (m.op) {
    case 'replace': return text.slice(0, at) + m.ch + text.slice(at + 1)
    case 'delete': return text.slice(0, at) + text.slice(at + 1)
    case 'insert': return text.slice(0, at) + m.ch + text.slice(at)
    case 'truncate': return text.slice(0, at)
    case 'swap': {
      const parts = text.split(separator)
      const a = m.a % parts.length
      const b = m.b % parts.length
      const pa = parts[a] ?? ''
      parts[a] = parts[b] ?? ''
      parts[b] = pa
      return parts.join(separator)
    }
  }
}

interface Tally { accepted: number, codes: Map<string, number> }
const newTally = (): Tally => ({ accepted: 0, codes: new Map() })

/** Runs the verifier; returns the verified envelope, or null after checking the refusal's code. */
async function outcome (bytes: string, serialisation: 'compact' | 'flattened', tally: Tally): Promise<VerifiedEnvelope | null> {
  const body = Buffer.from(bytes)
  try {
    const v = await verifier.verify(body, serialisation, { digest: digestOf(body) }, NOW_MS)
    tally.accepted++
    return v
  } catch (err) {
    if (!(err instanceof GatewayError)) throw new Error(`not a GatewayError: ${String(err)}`, { cause: err })
    if (!REFUSALS.has(err.code)) throw new Error(`refused with ${err.code} (${err.message})`, { cause: err })
    tally.codes.set(err.code, (tally.codes.get(err.code) ?? 0) + 1)
    return null
  }
}

const summary = (tally: Tally): string => `${tally.accepted} accepted, refused: ${[...tally.codes].map(([c, n]) => `${c} ${n}`).join(', ')}`

t.test('property: a mutated compact envelope is accepted only when jose still verifies the same payload', async (t) => {
  const tally = newTally()
  await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
    const mutated = ms.reduce((text, m) => apply(text, m, '.'), compact)
    fc.pre(mutated !== compact)
    const v = await outcome(mutated, 'compact', tally)
    if (v === null) return
    // Accepted: an independent verification with SH's public key must agree, on the same content.
    const independent = await compactVerify(mutated.trim(), shPublic, { algorithms: ['ES256'] })
    if (!Buffer.from(independent.payload).equals(compactPayloadBytes)) throw new Error('accepted a payload other than the one signed')
    if (JSON.stringify(v.claims) !== compactPayloadBytes.toString('utf8')) throw new Error('claims differ from the signed payload')
  }), { numRuns: RUNS })
  t.comment(summary(tally))
  t.equal(tally.accepted + [...tally.codes.values()].reduce((a, b) => a + b, 0), RUNS, `${RUNS} mutated envelopes`)
  t.ok((tally.codes.get('SIGNATURE_INVALID') ?? 0) > 0, 'some mutations reached the signature check')
  t.ok((tally.codes.get('ENVELOPE_MALFORMED') ?? 0) > 0, 'some mutations were malformed')
})

t.test('property: a mutated flattened envelope is accepted only when jose still verifies the same payload', async (t) => {
  // Two levels: characters of the JSON text itself, and characters of one member's value.
  const member = fc.constantFrom('protected' as const, 'payload' as const, 'signature' as const)
  const flatMutation = fc.oneof(
    fc.record({ level: fc.constant('text' as const), ms: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    fc.record({ level: fc.constant('member' as const), member, ms: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    fc.record({ level: fc.constant('swap' as const), a: member, b: member })
  )
  const tally = newTally()
  await fc.assert(fc.asyncProperty(flatMutation, async (fm) => {
    let mutated: string
    if (fm.level === 'text') {
      mutated = fm.ms.reduce((text, m) => apply(text, m, ','), flattened)
    } else if (fm.level === 'member') {
      const value = fm.ms.reduce((text, m) => apply(text, m, '.'), flatObject[fm.member])
      mutated = JSON.stringify({ ...flatObject, [fm.member]: value })
    } else {
      mutated = JSON.stringify({ ...flatObject, [fm.a]: flatObject[fm.b], [fm.b]: flatObject[fm.a] })
    }
    fc.pre(mutated !== flattened)
    const v = await outcome(mutated, 'flattened', tally)
    if (v === null) return
    const independent = await flattenedVerify(JSON.parse(mutated.trim()) as FlattenedJWSInput, jsPublic, { algorithms: ['EdDSA'] })
    if (!Buffer.from(independent.payload).equals(flatPayloadBytes)) throw new Error('accepted a payload other than the one signed')
    if (JSON.stringify(v.claims) !== flatPayloadBytes.toString('utf8')) throw new Error('claims differ from the signed payload')
  }), { numRuns: RUNS })
  t.comment(summary(tally))
  t.equal(tally.accepted + [...tally.codes.values()].reduce((a, b) => a + b, 0), RUNS, `${RUNS} mutated envelopes`)
  t.ok((tally.codes.get('SIGNATURE_INVALID') ?? 0) > 0, 'some mutations reached the signature check')
  t.ok((tally.codes.get('ENVELOPE_MALFORMED') ?? 0) > 0, 'some mutations were malformed')
})

t.test('non-canonical trailing bits of the signature decode to the same signature and are accepted', async (t) => {
  // 64 signature bytes are 86 base64url characters: the last one carries 2 bits and 4 spare bits.
  const last = compactSignature.slice(-1)
  const value = ALPHABET.indexOf(last)
  const variants = Array.from({ length: 16 }, (_, spare) => ALPHABET[(value & 0b110000) | spare] ?? '').filter((c) => c !== last)
  t.equal(variants.length, 15, 'fifteen other spellings of the last character')
  for (const c of variants) {
    const mutated = `${compactHeader}.${compactPayload}.${compactSignature.slice(0, -1)}${c}`
    const v = await verifier.verify(Buffer.from(mutated), 'compact', { digest: 'd' }, NOW_MS)
    t.equal(JSON.stringify(v.claims), compactPayloadBytes.toString('utf8'), `last character ${c}: same claims`)
    const independent = await compactVerify(mutated, shPublic)
    t.ok(Buffer.from(independent.payload).equals(compactPayloadBytes), `last character ${c}: jose agrees`)
  }
})

// Paths to every JSON value inside the payload, except `iss`: changing the issuer legitimately
// changes the refusal (ISSUER_UNKNOWN, KEY_UNKNOWN) before the signature is looked at.
type Path = Array<string | number>
function pathsOf (value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : []
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!(at.length === 0 && k === 'iss')) out.push(...pathsOf(v, [...at, k]))
  }
  return out
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

function setAt (root: Json, path: Path, value: Json | undefined): Json {
  const clone = structuredClone(root)
  let node: Json = clone
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key] ?? null
  const last = path[path.length - 1]
  if (last === undefined || node === null || typeof node !== 'object') return clone
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1)
    else delete (node as Record<string, Json>)[String(last)]
  } else {
    (node as Record<string | number, Json>)[last] = value
  }
  return clone
}

t.test('property: changing any JSON value of the payload without re-signing is SIGNATURE_INVALID', async (t) => {
  const cases = [
    { name: 'compact ES256', serialisation: 'compact' as const, payload: compactPayloadBytes, wrap: (pl: string) => `${compactHeader}.${pl}.${compactSignature}` },
    { name: 'flattened EdDSA', serialisation: 'flattened' as const, payload: flatPayloadBytes, wrap: (pl: string) => JSON.stringify({ ...flatObject, payload: pl }) }
  ]
  for (const c of cases) {
    const original = JSON.parse(c.payload.toString('utf8')) as Json
    const paths = pathsOf(original)
    const edit = fc.record({
      pick: fc.nat(paths.length - 1),
      value: fc.option(fc.jsonValue({ maxDepth: 2 }), { freq: 8, nil: undefined })
    })
    let runs = 0
    await fc.assert(fc.asyncProperty(edit, async ({ pick, value }) => {
      const path = paths[pick] ?? []
      const changed = JSON.stringify(setAt(original, path, value as Json | undefined))
      fc.pre(changed !== c.payload.toString('utf8'))
      runs++
      const body = Buffer.from(c.wrap(Buffer.from(changed).toString('base64url')))
      try {
        await verifier.verify(body, c.serialisation, { digest: 'd' }, NOW_MS)
      } catch (err) {
        if (err instanceof GatewayError && err.code === 'SIGNATURE_INVALID') return
        throw new Error(`/${path.join('/')}: refused with ${err instanceof GatewayError ? err.code : String(err)}`, { cause: err })
      }
      throw new Error(`/${path.join('/')} changed without re-signing, and accepted`)
    }), { numRuns: 500 })
    t.ok(runs >= 450, `${c.name}: ${runs} payload edits, each SIGNATURE_INVALID`)
  }
})

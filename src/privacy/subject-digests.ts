import { createHash, createHmac, randomBytes } from 'node:crypto'

/** One identifier-fingerprinting key: its id (stored with every digest) and its secret. */
export interface IdHashKey {
  kid: string
  secret: string
}

/**
 * Fingerprints of subject identifiers (credit codes, identity numbers), keyed so that nobody
 * without the gateway's secret can test a guess: a masked identity number leaves ~4,600
 * candidates, which an unkeyed SHA-256 gives away in milliseconds. Digests are stored as
 * `<kid>:<hex HMAC-SHA-256>` and used only inside the gateway (query-log lookups, joins): never
 * put one in an answer, a receipt, a CSV or anything a platform or an auditor reads.
 */
export interface SubjectDigests {
  /** The id of the key new digests are made with. */
  readonly kid: string
  /** The digest to store for `id`, under the current key. */
  digest: (id: string) => string
  /**
   * Every stored form `id` may have been recorded under: the current key, each previous key
   * still configured (rotation), and the unkeyed SHA-256 hex that rows written before keyed
   * digests (migration 010) carry. For lookups only.
   */
  candidates: (id: string) => string[]
}

const KID = /^[A-Za-z0-9_-]{1,32}$/
const MIN_SECRET = 32

/**
 * Reads `GW_ID_HASH_KEY`: one or more `<kid>:<secret>` separated by commas or whitespace. The
 * first key makes new digests; the others are previous keys, kept only so that records made
 * under them are still found. Messages never echo a secret.
 */
export function parseIdHashKeys (raw: string): IdHashKey[] {
  const keys = raw.split(/[\s,]+/).filter((s) => s !== '').map((token, i) => {
    const at = token.indexOf(':')
    const kid = at < 0 ? '' : token.slice(0, at)
    const secret = at < 0 ? '' : token.slice(at + 1)
    if (!KID.test(kid)) throw new Error(`GW_ID_HASH_KEY: key ${i + 1} must be <kid>:<secret>, kid of 1 to 32 letters, digits, - or _`)
    if (secret.length < MIN_SECRET) throw new Error(`GW_ID_HASH_KEY: key ${kid} needs a secret of at least ${MIN_SECRET} characters`)
    return { kid, secret }
  })
  if (keys.length === 0) throw new Error('GW_ID_HASH_KEY holds no key')
  const kids = keys.map((k) => k.kid)
  const twice = kids.find((k, i) => kids.indexOf(k) !== i)
  if (twice !== undefined) throw new Error(`GW_ID_HASH_KEY: key id ${twice} is given twice`)
  return keys
}

// Identifiers are upper-case by contract (a final `x` of an identity number is `X`): one id, one digest.
const normal = (id: string): string => id.trim().toUpperCase()
const hmac = (key: IdHashKey, id: string): string => `${key.kid}:${createHmac('sha256', key.secret).update(normal(id), 'utf8').digest('hex')}`
const legacy = (id: string): string => createHash('sha256').update(normal(id), 'utf8').digest('hex')

/** Whether a stored digest is keyed (`<kid>:<hex>`), not the unkeyed SHA-256 of rows older than migration 010. */
export const isKeyedDigest = (stored: string): boolean => /^[A-Za-z0-9_-]{1,32}:[0-9a-f]{64}$/.test(stored)

/** Digests under `keys` (the first is current). */
export function subjectDigestsFrom (keys: readonly IdHashKey[]): SubjectDigests {
  const current = keys[0]
  if (current === undefined) throw new Error('no identifier hash key')
  return {
    kid: current.kid,
    digest: (id) => hmac(current, id),
    candidates: (id) => [...keys.map((k) => hmac(k, id)), legacy(id)]
  }
}

export interface SubjectDigestOptions {
  /** The value of `GW_ID_HASH_KEY` (or the file `GW_ID_HASH_KEY_FILE` names). */
  raw: string | undefined
  production: boolean
  warn: (msg: string) => void
}

/**
 * The gateway's digests from its configured keys. Without a key, production refuses to start;
 * elsewhere a random key per process is made, with a warning: lookups by subject then find
 * only what this process recorded.
 */
export function loadSubjectDigests (opts: SubjectDigestOptions): SubjectDigests {
  if (opts.raw === undefined || opts.raw.trim() === '') {
    if (opts.production) throw new Error('GW_ID_HASH_KEY (or GW_ID_HASH_KEY_FILE) is required in production: <kid>:<secret of at least 32 characters>')
    opts.warn('GW_ID_HASH_KEY not set: using an ephemeral key to fingerprint identifiers (query-log searches by subject will not find records made before a restart)')
    return subjectDigestsFrom([{ kid: `eph-${randomBytes(4).toString('hex')}`, secret: randomBytes(32).toString('base64url') }])
  }
  return subjectDigestsFrom(parseIdHashKeys(opts.raw))
}

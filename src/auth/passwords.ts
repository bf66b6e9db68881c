import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * scrypt parameters (OWASP's minimum for scrypt: N = 2^17, r = 8, p = 1, i.e. 128 MiB and about a
 * quarter of a second per hash here). They are stored with each hash, so raising them later leaves
 * existing passwords readable.
 */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 }
const KEY_LENGTH = 32

const scryptAsync = async (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
  await new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) => { if (err === null) resolve(key); else reject(err) })
  })

/** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, KEY_LENGTH, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether `password` matches `stored`; constant-time comparison, false for a malformed hash. */
export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (
    N === undefined || r === undefined || p === undefined || !Number.isInteger(N) || expected.length === 0
  ) return false
  const key = await scryptAsync(password, salt, expected.length, { N, r, p })
  return timingSafeEqual(key, expected)
}

/** A hash of a random password, checked when the user is unknown so that timing does not tell. */
let decoy: Promise<string> | undefined
export const decoyHash = async (): Promise<string> => await (decoy ??= hashPassword(randomBytes(16).toString('hex')))

/** A one-time password for a new account: 20 characters from an unambiguous alphabet (~100 bits). */
export function generatePassword (): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(20)
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')
}

/** Refuses passwords a person should not be allowed to set. */
export function passwordProblem (password: string): string | undefined {
  if (password.length < 12) return 'a password has at least 12 characters'
  if (password.length > 256) return 'a password has at most 256 characters'
  return undefined
}

import { createHash } from 'node:crypto'

/** The native protocols' message id limit (SH msgId, AH XXID, JS 批次号): 1 to 128 printable ASCII. */
export const NATIVE_ID_MAX = 128

const hashOf = (jti: string): string => createHash('sha256').update(jti, 'utf8').digest('base64url')

/**
 * The message id the gateway sends to a native destination for the message (origin, jti).
 *
 * Ids are per issuer (two platforms may publish under one jti), and SH, AH and JS drop a repeated
 * id as a duplicate, so the id names the origin too: `<origin>.<jti>`, or `<origin>~<SHA-256 of
 * the jti, base64url>` when that would not fit in `max` characters. It is a function of (origin,
 * jti) alone, so every retry of a delivery sends the same id and the platform's dedupe still
 * works. One id per message: a platform id is `[A-Z][A-Z0-9]{1,15}` (no `.` or `~`), so the
 * origin ends at the first `.` or `~`, and that character says which form follows.
 */
export function nativeMessageId (origin: string, jti: string, max = NATIVE_ID_MAX): string {
  const plain = `${origin}.${jti}`
  return plain.length <= max ? plain : `${origin}~${hashOf(jti)}`
}

/**
 * The id of an admin's resend number `resends` (> 0) of the message, for a protocol whose id is
 * final once answered (a JS batch): `<origin>~<SHA-256 of the jti>.r<resends>`. The hash form
 * keeps it apart from every first send (a jti may itself end in `.r1`).
 */
export function nativeResendId (origin: string, jti: string, resends: number): string {
  return `${origin}~${hashOf(jti)}.r${resends}`
}

/**
 * The jti inside a native id `id` of a message from `origin` when the id has the readable form
 * (simulated platforms report applied messages by jti); otherwise the id itself.
 */
export function jtiOfNativeId (origin: string, id: string): string {
  return id.startsWith(`${origin}.`) ? id.slice(origin.length + 1) : id
}

import { randomUUID } from 'node:crypto'
import type { JWK } from 'jose'
import { ENVELOPE_TYP, GATEWAY_ID, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { signCompact, signFlattened, type SigningKeyInput } from '../keys/jws.js'
import { signingKeyOf, type SigningAlg } from '../keys/signing-keys.js'

/** A platform's private signing key, ready to use. */
export interface PlatformSigner {
  iss: string
  kid: string
  alg: SigningAlg
  key: SigningKeyInput
}

export async function platformSigner (iss: string, privateJwk: JWK): Promise<PlatformSigner> {
  if (typeof privateJwk.kid !== 'string') throw new Error('the signing JWK needs a kid')
  return { iss, kid: privateJwk.kid, ...(await signingKeyOf(privateJwk)) }
}

export interface EnvelopeInput {
  kind: EnvelopeKindV1
  items: unknown[]
  jti?: string
  /** Seconds since the epoch; defaults to now. */
  iat?: number
  /** Lifetime in seconds (at most 600); defaults to 300. */
  lifetime?: number
  aud?: string
}

/**
 * Signs an envelope as a platform does: what the simulators, the CLI's `sign` verb, the tests and
 * the benches use. Compact by default; `flattened` gives the JSON serialisation as a string.
 */
export async function signEnvelope (signer: PlatformSigner, input: EnvelopeInput, serialisation: 'compact' | 'flattened' = 'compact'): Promise<{ jws: string, jti: string }> {
  const iat = input.iat ?? Math.floor(Date.now() / 1000)
  const jti = input.jti ?? `${signer.iss}-${randomUUID()}`
  const payload = new TextEncoder().encode(JSON.stringify({
    iss: signer.iss,
    aud: input.aud ?? GATEWAY_ID,
    jti,
    iat,
    exp: iat + (
      input.lifetime ?? 300
    ),
    kind: input.kind,
    items: input.items
  }))
  const header = { alg: signer.alg, kid: signer.kid, typ: ENVELOPE_TYP }
  if (serialisation === 'compact') return { jws: await signCompact(signer.key, header, payload), jti }
  return { jws: JSON.stringify(await signFlattened(signer.key, header, payload)), jti }
}

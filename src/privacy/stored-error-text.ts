import { scrubIdNumbers } from '../identifiers/mask.js'

/**
 * The boundary of every error text the gateway stores (delivery errors, refusals in the security
 * log, failed reconciliation runs): identity numbers masked first, then control characters
 * dropped and the length capped, in that order, since a cut first could leave the head of a
 * number no longer recognisable as one.
 */
export function storedErrorText (text: string, max = 1000): string {
  return scrubIdNumbers(text).replace(/\p{Cc}+/gu, ' ').slice(0, max)
}

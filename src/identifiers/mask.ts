/**
 * 17 digits and a digit or X, not touching another ASCII letter or digit. Only ASCII counts as
 * "alphanumeric" so that a number written straight after Chinese text (身份证号330106…) is caught.
 */
const ID_NUMBER_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g

/**
 * Masks a resident identity number for display and logs (GB 11643-1999 numbers are personal
 * information): the first 4 characters (province and city) and the last 4 stay, the rest become
 * `*`, e.g. `3301**********1234`.
 *
 * Anything that is not 18 characters long is masked to the same length revealing at most the
 * first 2 and last 2 characters, and always less than half of it, so a malformed or truncated
 * number is never shown whole.
 */
export function maskIdNumber (id: string): string {
  // Code points, not UTF-16 units, so a surrogate pair is never split in half.
  const chars = Array.from(id)
  const length = chars.length
  const keep = length === 18 ? 4 : Math.max(0, Math.min(2, Math.floor((length - 1) / 4)))
  if (keep === 0) return '*'.repeat(length)
  return chars.slice(0, keep).join('') + '*'.repeat(length - 2 * keep) + chars.slice(length - keep).join('')
}

/**
 * Masks every identity-number-shaped run (`\d{17}[\dXx]` not inside a longer ASCII alphanumeric
 * run) in free text with {@link maskIdNumber}.
 *
 * The last line of defence in log formatting, so it is one precompiled regex and errs towards
 * masking: it does not validate dates or check characters (a mistyped number is still personal
 * information), and an all-digit unified social credit code such as 914403001922038216 is masked
 * too, being indistinguishable by shape. Codes with letters (91350100M000100Y43) are left alone.
 */
export function scrubIdNumbers (text: string): string {
  if (text.length < 18) return text
  return text.replace(ID_NUMBER_IN_TEXT, (match) => maskIdNumber(match))
}

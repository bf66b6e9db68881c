import { idNumberCheckCharacter } from './id-number.js'
import { isValidUscc } from './uscc.js'

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
 * Candidate runs of 17 digits and a digit or X: not inside a longer digit run. Letters around a
 * run are looked at afterwards (a run touching a letter must be a whole, valid number to count).
 */
const CANDIDATE = /(?<!\d)\d{17}[\dXx](?![\dXx])/g

/**
 * The number written in groups with one separator (space or hyphen) used throughout: 6-8-4 as
 * printed on the card, 6-4-4-4, or 4-4-4-4-2. Only whole, valid numbers count in this form.
 */
const GROUPED = /(?<!\d)(?:\d{6}([ -])\d{8}\1\d{3}[\dXx]|\d{6}([ -])\d{4}\2\d{4}\2\d{3}[\dXx]|\d{4}([ -])\d{4}\3\d{4}\3\d{4}\3\d[\dXx])(?!\d)/g

const LETTER = /[A-Za-z]/
const DIGIT = /\d/

/** Percent-encoded bytes and full-width digits, which hide a number from the plain patterns. */
const ENCODED = /%[0-9A-Fa-f]{2}|[\uFF10-\uFF19\uFF38\uFF58]/

/** YYYYMMDD a real calendar date from 1900 to 2099: fixed bounds, so scrubbing never depends on today. */
function plausibleBirthDate (yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/**
 * Whether an 18-character run found in text is to be treated as an identity number.
 * A whole, valid number (birth date and check character) always is. In `strict` contexts (the run
 * touches a letter, or is written in groups) nothing else is. Otherwise a valid unified social
 * credit code is a company's public code and stays; any other run with a plausible birth date or a
 * matching check character is a mistyped or altered number, still personal information.
 */
export function looksLikeIdNumber (run: string, strict: boolean): boolean {
  const id = run.toUpperCase()
  const dated = plausibleBirthDate(id.slice(6, 14))
  const checked = idNumberCheckCharacter(id.slice(0, 17)) === id.charAt(17)
  if (dated && checked) return true
  if (strict || isValidUscc(id)) return false
  return dated || checked
}

function maskRuns (view: string): string {
  if (view.length < 18) return view
  let out = view.replace(CANDIDATE, (run, at: number) => {
    // The fraction of a decimal number (`0.0365…`, a metric's value, a JSON float) is no identifier
    // unless it is a whole, valid number: a looser guess would corrupt numbers in answers.
    const fraction = view.charAt(at - 1) === '.' && DIGIT.test(view.charAt(at - 2))
    const strict = fraction || LETTER.test(view.charAt(at - 1)) || LETTER.test(view.charAt(at + 18))
    return looksLikeIdNumber(run, strict) ? maskIdNumber(run) : run
  })
  out = out.replace(GROUPED, (grouped: string) => {
    const digits = grouped.replace(/[ -]/g, '')
    if (!looksLikeIdNumber(digits, true)) return grouped
    const masked = [...maskIdNumber(digits)]
    return grouped.replace(/[\dXx]/g, () => masked.shift() ?? '*')
  })
  return out
}

/** Full-width digits and X as ASCII; any other character as it is. */
function narrow (c: string): string {
  const code = c.charCodeAt(0)
  if (code >= 0xFF10 && code <= 0xFF19) return String.fromCharCode(code - 0xFF10 + 0x30)
  if (code === 0xFF38) return 'X'
  if (code === 0xFF58) return 'x'
  return c
}

const HEX_BYTE = /^%[0-9A-Fa-f]{2}$/

/** The one UTF-8 character percent-encoded at `i` (`%33`, `%EF%BC%93`), and its length in `text`. */
function percentChar (text: string, i: number): { char: string, length: number } | undefined {
  const byte = (at: number): number | undefined => HEX_BYTE.test(text.slice(at, at + 3))
    ? Number.parseInt(
      text.slice(at + 1, at + 3), 16
    )
    : undefined
  const lead = byte(i)
  if (lead === undefined) return undefined
  const count = lead < 0x80
    ? 1
    : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
  if (count === 0) return undefined
  const bytes = [lead]
  for (let k = 1; k < count; k++) {
    const b = byte(i + 3 * k)
    if (b === undefined || (b & 0xC0) !== 0x80) return undefined
    bytes.push(b)
  }
  const char = Buffer.from(bytes).toString('utf8')
  return char.includes('\uFFFD') ? undefined : { char, length: 3 * count }
}

/**
 * The text with percent-encoded UTF-8 decoded and full-width digits made ASCII, and where each
 * character of that view starts in the text, so a mask found in the view maps back.
 */
function decodedView (text: string): { view: string, starts: number[] } {
  let view = ''
  const starts: number[] = []
  for (let i = 0; i < text.length;) {
    // A byte that is no character of its own stays one opaque `%`, apart from the digits after it.
    const decoded = text.charCodeAt(i) !== 0x25
      ? undefined
      : percentChar(text, i) ?? (HEX_BYTE.test(text.slice(i, i + 3)) ? { char: '%', length: 3 } : undefined)
    const chars = decoded === undefined ? text.charAt(i) : decoded.char
    // One view character per UTF-16 unit, each starting where its encoded form does.
    for (const c of chars.split('')) { starts.push(i); view += narrow(c) }
    i += decoded === undefined ? 1 : decoded.length
  }
  starts.push(text.length)
  return { view, starts }
}

/**
 * The one scrubber: masks every identity number in free text with {@link maskIdNumber}, wherever
 * the text goes out (answers, stored error text, log lines, CSV cells, platforms' wording kept as
 * evidence). It finds numbers written whole (also straight after Chinese text, in JSON strings,
 * URLs), in groups (`330106 19900101 1234`), percent-encoded (`%33%33…`, as in request URLs) and
 * in full-width digits; see {@link looksLikeIdNumber} for what counts as one. Idempotent; plain
 * text keeps its length.
 */
export function scrubIdNumbers (text: string): string {
  if (text.length < 18) return text
  const plain = maskRuns(text)
  if (!ENCODED.test(plain)) return plain
  const { view, starts } = decodedView(plain)
  const masked = maskRuns(view)
  if (masked === view) return plain
  let out = ''
  for (let i = 0; i < view.length; i++) {
    // A surrogate pair shares its start with its second half: that half adds nothing.
    if (starts[i] === starts[i + 1]) continue
    out += masked.charAt(i) !== view.charAt(i) ? '*' : plain.slice(starts[i], starts[i + 1])
  }
  return out
}

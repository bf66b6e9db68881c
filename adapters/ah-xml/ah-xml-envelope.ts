import { createHash } from 'node:crypto'
import { AUTH_FAILED_CODE, AUTH_FAILED_DETAIL, EXPORT_CODES, LEGACY_PROTOCOL_VERSION, PROTOCOL_VERSION, RESULT_CODES, kindOfCode, type AhResultCode } from './ah-xml-codes.js'
import { AhXmlSyntaxError, buildXml, parseXml, type AhElement } from './ah-xml-codec.js'
import { hmacSm3, macEquals, newIv, sm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from './ah-xml-crypto.js'
import { repeatablePaths } from './ah-xml-fields.js'
import type { AhDirectionKeys } from './ah-xml-keys.js'
import { AhXmlTooLarge, scanXml, type ScanLimits } from './ah-xml-scan.js'

/** Document elements: the message (安徽信用交换报文) and its plaintext payload (数据包). */
export const MESSAGE_ROOT = 'AHXY'
export const PAYLOAD_ROOT = 'SJB'

/** The platform refuses a message with one of its result codes (see RESULT_CODES). */
export class AhRefusal extends Error {
  readonly code: AhResultCode
  constructor (code: AhResultCode, message: string) {
    super(message)
    this.name = 'AhRefusal'
    this.code = code
  }
}

/** 报文头 (BT): sent in clear, so the platform can route, pick the key and drop duplicates. */
export interface AhHeader {
  /** 消息编号: `nativeMessageId(origin, jti)` (../native-message-id.ts), stable across retries. */
  XXID: string
  /** 消息类型, see KIND_CODES. */
  XXLX: string
  /** 发送方 (the gateway, YRD) and 接收方 (the platform, AH). */
  FSF: string
  JSF: string
  /** 发送时间, Beijing time, `yyyy-MM-dd HH:mm:ss`. */
  SJ: string
  /** 初始向量: the SM4-CBC IV of this message, 32 hex characters. */
  CSXL: string
  /** 协议版本: 2.0 (authenticated, RZM) or 1.0 (legacy). */
  XYBB: string
}

/** 数据包 (SJB): the plaintext that ZT carries encrypted and ZY digests. */
export interface AhPayload {
  XXID: string
  XXLX: string
  /** 原始发送方: the platform the message came from. */
  YSF: string
  /**
   * 原始报文摘要, SHA-256, base64url without padding (43 characters). In a delivery: the digest
   * of the message as the gateway received it (provenance). In a platform's publication into
   * the gateway: {@link recordsDigest} of the payload, checked (E104).
   */
  YSZY: string
  /** 接收时间: when the gateway received it (RFC 3339). */
  JSSJ: string
  records: AhElement[]
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving), how the platform writes times. */
export function beijingTime (at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

const HEADER_KEYS = ['XXID', 'XXLX', 'FSF', 'JSF', 'SJ', 'CSXL', 'XYBB'] as const
const PAYLOAD_KEYS = ['XXID', 'XXLX', 'YSF', 'YSZY', 'JSSJ'] as const
const PAYLOAD_ARRAYS = new Set([`${PAYLOAD_ROOT}.JL`, ...repeatablePaths(`${PAYLOAD_ROOT}.JL`)])

/** The payload's XML. Deterministic for a delivery, so its digest is the same on every retry. */
export function buildPayload (p: AhPayload): string {
  const content: AhElement = {
    XXID: p.XXID, XXLX: p.XXLX, YSF: p.YSF, YSZY: p.YSZY, JSSJ: p.JSSJ, JLS: String(p.records.length), JL: p.records
  }
  return buildXml(PAYLOAD_ROOT, content)
}

/** Reads a decrypted payload; E100 when it is not one, E104 when its record count is wrong. */
export function parsePayload (xml: string): AhPayload {
  const el = parseOr(xml, PAYLOAD_ROOT, PAYLOAD_ARRAYS)
  const fields = Object.fromEntries(
    PAYLOAD_KEYS.map((k) => [k, requireText(el, k, PAYLOAD_ROOT)])
  ) as Record<(typeof PAYLOAD_KEYS)[number], string>
  const jl = el.JL
  const records = Array.isArray(jl) ? jl.map((r) => typeof r === 'string' ? {} : r) : []
  if (records.length === 0) throw new AhRefusal(RESULT_CODES.MALFORMED, 'SJB holds no JL record')
  if (requireText(el, 'JLS', PAYLOAD_ROOT) !== String(records.length)) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.JLS does not match the number of JL records')
  return { ...fields, records }
}

/**
 * 原始报文摘要 (YSZY) of a platform's own publication: the SHA-256, base64url without padding, of
 * the payload's records exactly as sent, the UTF-8 bytes from the `<` of the first `<JL>` to the
 * `>` of the last `</JL>` (whatever lies between records included). It does not cover YSZY itself,
 * which comes before the records. Undefined when the payload holds no `<JL>…</JL>`.
 */
export function recordsDigest (payloadXml: string): string | undefined {
  const start = payloadXml.indexOf('<JL>')
  const end = payloadXml.lastIndexOf('</JL>')
  if (start < 0 || end < start) return undefined
  return createHash('sha256').update(payloadXml.slice(start, end + '</JL>'.length), 'utf8').digest('base64url')
}

/** The bytes the SM3-HMAC (RZM) covers: every header field, then the ciphertext and ZY, each length-prefixed. */
export function macInput (header: AhHeader, ciphertext: Uint8Array, digest: string): Buffer[] {
  const field = (b: Uint8Array): Buffer[] => {
    const n = Buffer.alloc(4); n.writeUInt32BE(b.length); return [n, Buffer.from(b)]
  }
  return [Buffer.from('AHXY-RZM\n', 'utf8'), ...HEADER_KEYS.flatMap((k) => field(Buffer.from(header[k], 'utf8'))), ...field(ciphertext), ...field(Buffer.from(digest, 'utf8'))]
}

/**
 * Encrypts and digests a payload into the message body the platform receives: protocol 2.0 with
 * `macKey` (encrypt-then-MAC: RZM, the SM3-HMAC of header, IV and ciphertext), 1.0 without.
 */
export function sealMessage (opts: {
  header: Omit<AhHeader, 'CSXL' | 'XYBB'>
  payloadXml: string
  key: Uint8Array
  macKey?: Uint8Array | undefined
  iv?: Uint8Array
}): { body: string, digest: string } {
  const plain = Buffer.from(opts.payloadXml, 'utf8')
  const iv = opts.iv ?? newIv()
  const digest = sm3Hex(plain)
  const header: AhHeader = { ...opts.header, CSXL: Buffer.from(iv).toString('hex'), XYBB: opts.macKey === undefined ? LEGACY_PROTOCOL_VERSION : PROTOCOL_VERSION }
  const ciphertext = sm4CbcEncrypt(opts.key, iv, plain)
  const content: AhElement = { BT: { ...header }, ZT: ciphertext.toString('base64'), ZY: digest }
  if (opts.macKey !== undefined) content.RZM = hmacSm3(opts.macKey, macInput(header, ciphertext, digest)).toString('hex')
  return { body: buildXml(MESSAGE_ROOT, content), digest }
}

/** A received message before decryption: its header, ciphertext, claimed digest and MAC (2.0). */
export interface OpenedMessage { header: AhHeader, ciphertext: Buffer, digest: string, mac?: Buffer | undefined }

/** The envelope has a fixed shape: a handful of short fields and ZT, bounded by the body limit. */
const messageLimits = (maxBytes: number): ScanLimits => (
  { maxElements: 16, maxDepth: 3, maxText: 256, maxTextOf: { ZT: Math.ceil(maxBytes * 4 / 3) + 4 }, rawTextOf: RAW }
)
const RAW: ReadonlySet<string> = new Set(['ZT'])

/**
 * Reads the clear parts of a message (E100 malformed, E105 unknown type or version) with the
 * bounded reader, never a general XML parser: reading costs no more than the text's length,
 * however the text is made, so it can run before the sender is authenticated.
 */
export function readMessage (xml: string, maxBytes = 64 * 1024 * 1024): OpenedMessage {
  let el: AhElement
  try {
    el = scanXml(xml, MESSAGE_ROOT, messageLimits(maxBytes))
  } catch (err) {
    if (err instanceof AhXmlSyntaxError) throw new AhRefusal(RESULT_CODES.MALFORMED, err.message)
    throw err
  }
  const bt = el.BT
  if (typeof bt !== 'object' || Array.isArray(bt)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.BT is missing')
  const header = Object.fromEntries(HEADER_KEYS.map((k) => [k, requireText(bt, k, 'BT')])) as unknown as AhHeader
  if (!/^[\x21-\x7e]{1,128}$/.test(header.XXID)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.XXID must be 1 to 128 printable ASCII characters')
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(header.SJ)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.SJ must be yyyy-MM-dd HH:mm:ss')
  if (!/^[0-9a-fA-F]{32}$/.test(header.CSXL)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.CSXL must be 32 hex characters')
  if (kindOfCode(header.XXLX) === undefined && !Object.values<string>(EXPORT_CODES).includes(header.XXLX)) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not a supported message type')
  if (header.XYBB !== PROTOCOL_VERSION && header.XYBB !== LEGACY_PROTOCOL_VERSION) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, `BT.XYBB must be ${PROTOCOL_VERSION} (or ${LEGACY_PROTOCOL_VERSION} where agreed)`)
  const zt = requireText(el, 'ZT', MESSAGE_ROOT)
  const zy = requireText(el, 'ZY', MESSAGE_ROOT)
  const ciphertext = strictBase64(zt)
  if (ciphertext === undefined) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.ZT must be base64')
  if (!/^[0-9a-fA-F]{64}$/.test(zy)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.ZY must be 64 hex characters (SM3)')
  // A missing or malformed RZM is not a format error but a message that does not authenticate (openPayload).
  const rzm = el.RZM
  const mac = typeof rzm === 'string' && /^[0-9a-fA-F]{64}$/.test(rzm) ? Buffer.from(rzm, 'hex') : undefined
  return { header, ciphertext, digest: zy.toLowerCase(), mac }
}

/**
 * Decodes standard, padded base64, or undefined when the text is not that. Node's decoder skips
 * what is not in the alphabet, so a text with anything else decodes to fewer bytes than its
 * length promises; it also takes the URL-safe `-` and `_`, refused here. Several times faster than
 * a regular expression over megabytes of ZT.
 */
function strictBase64 (text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const bytes = Buffer.from(text, 'base64')
  return bytes.length === text.length / 4 * 3 - pad ? bytes : undefined
}

const authFailed = (): AhRefusal => new AhRefusal(AUTH_FAILED_CODE, AUTH_FAILED_DETAIL)

/**
 * Authenticates, then decrypts, the payload of a message from the holder of `keys`, and returns
 * its XML. Protocol 2.0 (`keys.mac`): the RZM must be the SM3-HMAC of header, IV and ciphertext,
 * checked in constant time before a byte is decrypted, so nobody without the MAC key ever learns
 * anything about a decryption. Legacy 1.0 (no `keys.mac`): decrypts, then checks the SM3 digest,
 * doing the same work whether the padding held or not. Every failure (MAC, version, padding,
 * UTF-8, digest) is one and the same AhRefusal (AUTH_FAILED_CODE, AUTH_FAILED_DETAIL).
 */
export function openPayload (msg: OpenedMessage, keys: AhDirectionKeys): string {
  const legacy = keys.mac === undefined
  if (msg.header.XYBB !== (legacy ? LEGACY_PROTOCOL_VERSION : PROTOCOL_VERSION)) throw authFailed()
  if (keys.mac !== undefined) {
    const expected = hmacSm3(keys.mac, macInput(msg.header, msg.ciphertext, msg.digest))
    if (msg.mac === undefined || !macEquals(expected, msg.mac)) throw authFailed()
  }
  let plain: Buffer
  let ok = true
  try {
    plain = sm4CbcDecrypt(keys.enc, Buffer.from(msg.header.CSXL, 'hex'), msg.ciphertext)
  } catch {
    plain = Buffer.alloc(msg.ciphertext.length)
    ok = false
  }
  ok = macEquals(Buffer.from(sm3Hex(plain), 'hex'), Buffer.from(msg.digest, 'hex')) && ok
  let xml = ''
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(plain)
  } catch {
    ok = false
  }
  if (!ok) throw authFailed()
  return xml
}

/** Bounds of a decrypted payload, checked before it is parsed: 1,000 records, each of a sane size. */
export const PAYLOAD_LIMITS: ScanLimits = {
  maxElements: 200_000, maxDepth: 8, maxText: 32_768, maxCountOf: { JL: 1000 }
}

/**
 * Checks a payload against `limits` with the bounded reader before the full parse: AhXmlTooLarge
 * (more than 1,000 records, too many elements, too deep, a field too long) or E100.
 */
export function precheckPayload (xml: string, limits: ScanLimits = PAYLOAD_LIMITS): void {
  try {
    scanXml(xml, PAYLOAD_ROOT, limits, false)
  } catch (err) {
    if (err instanceof AhXmlTooLarge) throw err
    if (err instanceof AhXmlSyntaxError) throw new AhRefusal(RESULT_CODES.MALFORMED, err.message)
    throw err
  }
}

function parseOr (xml: string, root: string, arrays: ReadonlySet<string>): AhElement {
  try {
    return parseXml(xml, root, arrays)
  } catch (err) {
    if (err instanceof AhXmlSyntaxError) throw new AhRefusal(RESULT_CODES.MALFORMED, err.message)
    throw err
  }
}

function requireText (el: AhElement, key: string, at: string): string {
  const v = el[key]
  if (typeof v !== 'string' || v === '') throw new AhRefusal(RESULT_CODES.MALFORMED, `${at}.${key} is missing`)
  return v
}

import { EXPORT_CODES, PROTOCOL_VERSION, RESULT_CODES, kindOfCode } from './ah-xml-codes.js'
import { AhXmlSyntaxError, buildXml, parseXml, type AhElement } from './ah-xml-codec.js'
import { newIv, sm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from './ah-xml-crypto.js'
import { repeatablePaths } from './ah-xml-fields.js'

/** Document elements: the message (安徽信用交换报文) and its plaintext payload (数据包). */
export const MESSAGE_ROOT = 'AHXY'
export const PAYLOAD_ROOT = 'SJB'

/** The platform refuses a message with one of its result codes (see RESULT_CODES). */
export class AhRefusal extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.name = 'AhRefusal'
    this.code = code
  }
}

/** 报文头 (BT): sent in clear, so the platform can route, pick the key and drop duplicates. */
export interface AhHeader {
  /** 消息编号: the gateway's original jti, stable across retries. */
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
  /** 协议版本. */
  XYBB: string
}

/** 数据包 (SJB): the plaintext that ZT carries encrypted and ZY digests. */
export interface AhPayload {
  XXID: string
  XXLX: string
  /** 原始发送方: the platform the message came from. */
  YSF: string
  /** 原始报文摘要: SHA-256 of the envelope as the gateway received it (provenance). */
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
const NO_ARRAYS = new Set<string>()

/** The payload's XML. Deterministic for a delivery, so its digest is the same on every retry. */
export function buildPayload (p: AhPayload): string {
  const content: AhElement = { XXID: p.XXID, XXLX: p.XXLX, YSF: p.YSF, YSZY: p.YSZY, JSSJ: p.JSSJ, JLS: String(p.records.length), JL: p.records }
  return buildXml(PAYLOAD_ROOT, content)
}

/** Reads a decrypted payload; E100 when it is not one, E104 when its record count is wrong. */
export function parsePayload (xml: string): AhPayload {
  const el = parseOr(xml, PAYLOAD_ROOT, PAYLOAD_ARRAYS)
  const fields = Object.fromEntries(PAYLOAD_KEYS.map((k) => [k, requireText(el, k, PAYLOAD_ROOT)])) as Record<(typeof PAYLOAD_KEYS)[number], string>
  const jl = el.JL
  const records = Array.isArray(jl) ? jl.map((r) => typeof r === 'string' ? {} : r) : []
  if (records.length === 0) throw new AhRefusal(RESULT_CODES.MALFORMED, 'SJB holds no JL record')
  if (requireText(el, 'JLS', PAYLOAD_ROOT) !== String(records.length)) throw new AhRefusal(RESULT_CODES.HEADER_MISMATCH, 'SJB.JLS does not match the number of JL records')
  return { ...fields, records }
}

/** Encrypts and digests a payload into the message body the platform receives. */
export function sealMessage (opts: {
  header: Omit<AhHeader, 'CSXL' | 'XYBB'>
  payloadXml: string
  key: Uint8Array
  iv?: Uint8Array
}): { body: string, digest: string } {
  const plain = Buffer.from(opts.payloadXml, 'utf8')
  const iv = opts.iv ?? newIv()
  const digest = sm3Hex(plain)
  const header: AhHeader = { ...opts.header, CSXL: Buffer.from(iv).toString('hex'), XYBB: PROTOCOL_VERSION }
  const body = buildXml(MESSAGE_ROOT, {
    BT: { ...header },
    ZT: sm4CbcEncrypt(opts.key, iv, plain).toString('base64'),
    ZY: digest
  })
  return { body, digest }
}

/** A received message before decryption: its header, ciphertext and claimed digest. */
export interface OpenedMessage { header: AhHeader, ciphertext: Buffer, digest: string }

/** Reads the clear parts of a message (E100 malformed, E105 unknown type or version). */
export function readMessage (xml: string): OpenedMessage {
  const el = parseOr(xml, MESSAGE_ROOT, NO_ARRAYS)
  const bt = el.BT
  if (typeof bt !== 'object' || Array.isArray(bt)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.BT is missing')
  const header = Object.fromEntries(HEADER_KEYS.map((k) => [k, requireText(bt, k, 'BT')])) as unknown as AhHeader
  if (!/^[\x21-\x7e]{1,128}$/.test(header.XXID)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.XXID must be 1 to 128 printable ASCII characters')
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(header.SJ)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.SJ must be yyyy-MM-dd HH:mm:ss')
  if (!/^[0-9a-fA-F]{32}$/.test(header.CSXL)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'BT.CSXL must be 32 hex characters')
  if (kindOfCode(header.XXLX) === undefined && !Object.values<string>(EXPORT_CODES).includes(header.XXLX)) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, 'BT.XXLX is not a supported message type')
  if (header.XYBB !== PROTOCOL_VERSION) throw new AhRefusal(RESULT_CODES.UNSUPPORTED, `BT.XYBB must be ${PROTOCOL_VERSION}`)
  const zt = requireText(el, 'ZT', MESSAGE_ROOT)
  const zy = requireText(el, 'ZY', MESSAGE_ROOT)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(zt) || zt.length % 4 !== 0) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.ZT must be base64')
  if (!/^[0-9a-fA-F]{64}$/.test(zy)) throw new AhRefusal(RESULT_CODES.MALFORMED, 'AHXY.ZY must be 64 hex characters (SM3)')
  return { header, ciphertext: Buffer.from(zt, 'base64'), digest: zy.toLowerCase() }
}

/**
 * Decrypts ZT with the sender's key and checks ZY over the plaintext: E102 when it does not
 * decrypt (wrong key, bad padding, not UTF-8), E101 when the digest differs (altered on the way).
 */
export function decryptPayload (msg: OpenedMessage, key: Uint8Array): string {
  let plain: Buffer
  let xml: string
  try {
    plain = sm4CbcDecrypt(key, Buffer.from(msg.header.CSXL, 'hex'), msg.ciphertext)
    xml = new TextDecoder('utf-8', { fatal: true }).decode(plain)
  } catch {
    throw new AhRefusal(RESULT_CODES.DECRYPTION_FAILED, 'ZT could not be decrypted with the key agreed for the sender')
  }
  if (sm3Hex(plain) !== msg.digest) throw new AhRefusal(RESULT_CODES.DIGEST_MISMATCH, 'ZY does not match the SM3 digest of the decrypted payload')
  return xml
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

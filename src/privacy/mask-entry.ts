import { maskIdNumber } from '../identifiers/mask.js'

/** A deep copy of `value` with every `idNumber` field masked: what any page or answer may show. */
export function maskIdNumbersDeep (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskIdNumbersDeep)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'idNumber' && typeof v === 'string' ? maskIdNumber(v) : maskIdNumbersDeep(v)
  }
  return out
}

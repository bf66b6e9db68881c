import { randomBytes } from 'node:crypto'
import { MAC_KEY_BYTES, SM4_BLOCK_BYTES } from '../adapters/ah-xml/ah-xml-crypto.js'

/**
 * Fresh random secrets in the gateway's names, for the simulated platform, the demo and tests (a
 * real platform's are agreed with Anhui, never made up).
 */
export function newAhSecrets (): Record<string, string> {
  const hex = (n: number): string => randomBytes(n).toString('hex')
  return {
    SM4_KEY_OUT: hex(SM4_BLOCK_BYTES),
    SM4_KEY_IN: hex(SM4_BLOCK_BYTES),
    MAC_KEY_OUT: hex(MAC_KEY_BYTES),
    MAC_KEY_IN: hex(MAC_KEY_BYTES)
  }
}

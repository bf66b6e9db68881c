// Check the pure-JS SM3 in sm2ref.mjs against GB/T 32905-2016 Annex A examples (no node:crypto)
import { sm3, hex } from './sm2ref.mjs';
const enc = (s) => new TextEncoder().encode(s);
console.log('abc      ', hex(sm3(enc('abc'))), hex(sm3(enc('abc'))) === '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
console.log('abcd*16  ', hex(sm3(enc('abcd'.repeat(16)))), hex(sm3(enc('abcd'.repeat(16)))) === 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');

// node:crypto SM3 vs GB/T 32905-2016 vectors (from vectors.json) and vs the pure-JS SM3 in sm2ref.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import { sm3, hex } from './sm2ref.mjs';
const V = JSON.parse(fs.readFileSync(new URL('./vectors.json', import.meta.url)));
let pass = 0, fail = 0; const ok = (l, c) => { console.log(`${c ? 'PASS' : 'FAIL'}  ${l}`); c ? pass++ : fail++; };
for (const t of V.sm3) {
  const msg = t.msg_hex ? Buffer.from(t.msg_hex, 'hex') : t.msg_ascii_repeat ? Buffer.from(t.msg_ascii_repeat[0].repeat(t.msg_ascii_repeat[1])) : Buffer.from(t.msg_ascii);
  const want = t.digest.toLowerCase();
  for (const name of ['sm3', 'SM3']) ok(`createHash('${name}') ${t.name}`, crypto.createHash(name).update(msg).digest('hex') === want);
  const h = crypto.createHash('sm3'); for (let i = 0; i < msg.length; i += 7) h.update(msg.subarray(i, i + 7));
  ok(`createHash('sm3') chunked(7) ${t.name}`, h.digest('hex') === want);
  ok(`pure-JS sm3 ${t.name}`, hex(sm3(msg)) === want);
}
// random lengths cross-check node vs pure JS (covers padding edge cases 55/56/63/64/...)
let agree = true; for (const len of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000]) { const m = crypto.randomBytes(len); if (crypto.createHash('sm3').update(m).digest('hex') !== hex(sm3(m))) { agree = false; console.log('mismatch at', len); } }
ok('node sm3 == pure-JS sm3 on lengths 0..1000 incl. padding edges', agree);
try { console.log('createHmac("sm3") ok, len', crypto.createHmac('sm3', 'k').update('x').digest().length); } catch (e) { console.log('createHmac sm3 ERROR', e.message); }
await crypto.webcrypto.subtle.digest('SM3', new Uint8Array(3)).then(() => console.log('webcrypto SM3 digest: supported'), (e) => console.log('webcrypto SM3 digest:', e.name, e.message));
console.log(`\n${pass} passed, ${fail} failed`);

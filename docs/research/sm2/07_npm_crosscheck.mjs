// Cross-check node:crypto SM2 (ZA-prefix path) against npm implementations installed in /tmp/smtry
// (npm install sm-crypto@0.5.8 sm-crypto-v2@1.15.1 @noble/curves@2.4.0 in /tmp/smtry; NOT in /work/main)
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire('/tmp/smtry/package.json');
const smc = require('sm-crypto');
const smc2 = require('sm-crypto-v2');
const V = JSON.parse(fs.readFileSync(new URL('./vectors.json', import.meta.url)));
const C = V.curves.sm2p256v1;
let pass = 0, fail = 0; const ok = (l, c) => { console.log(`${c ? 'PASS' : 'FAIL'}  ${l}`); c ? pass++ : fail++; };
console.log('versions:', require('sm-crypto/package.json').version, require('sm-crypto-v2/package.json').version, JSON.parse(fs.readFileSync('/tmp/smtry/node_modules/@noble/curves/package.json')).version);
console.log('@noble/curves exports:', Object.keys(JSON.parse(fs.readFileSync('/tmp/smtry/node_modules/@noble/curves/package.json')).exports).join(' '), '(no SM2)');

const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
const toDer = (rs) => { const int = (h) => { let b = Buffer.from(h, 'hex'); let i = 0; while (i < b.length - 1 && !b[i]) i++; b = b.subarray(i); if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]); return Buffer.concat([Buffer.from([2, b.length]), b]); }; const body = Buffer.concat([int(rs.slice(0, 64)), int(rs.slice(64))]); return Buffer.concat([Buffer.from([0x30, body.length]), body]); };
const fromDer = (der) => { let i = 2; const out = []; for (let k = 0; k < 2; k++) { const l = der[i + 1]; out.push(der.subarray(i + 2, i + 2 + l).toString('hex').replace(/^00/, '').padStart(64, '0')); i += 2 + l; } return out.join(''); };
const za = (id, pt64) => { const idb = Buffer.from(id); const e = idb.length * 8; return crypto.createHash('sm3').update(Buffer.from([e >> 8, e & 255])).update(idb).update(Buffer.from(C.a + C.b + C.Gx + C.Gy, 'hex')).update(pt64).digest(); };

// 1. Annex A vector through both libraries (default userId)
const t = V.sm2_sign[0]; const pubHex = '04' + t.derived_by_05_vectors.xA + t.derived_by_05_vectors.yA; const rs = (t.r + t.s).toLowerCase();
ok('sm-crypto verifies Annex A vector (hash:true, default userId)', smc.sm2.doVerifySignature(t.msg_ascii, rs, pubHex.toLowerCase(), { hash: true }));
ok('sm-crypto-v2 verifies Annex A vector (hash:true, default userId)', smc2.sm2.doVerifySignature(t.msg_ascii, rs, pubHex.toLowerCase(), { hash: true }));
ok('sm-crypto rejects it with userId "" ', !smc.sm2.doVerifySignature(t.msg_ascii, rs, pubHex.toLowerCase(), { hash: true, userId: '' }) );

// 2. Node-signed -> libs, lib-signed -> Node, for several user ids
const g = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
const priv = crypto.createPrivateKey({ key: g.privateKey, format: 'der', type: 'pkcs8' }); const pub = crypto.createPublicKey({ key: g.publicKey, format: 'der', type: 'spki' });
const pt64 = g.publicKey.subarray(27); const pHex = '04' + pt64.toString('hex'); const dHex = g.privateKey.subarray(36, 68).toString('hex');
const msg = 'eyJhbGciOiJTTTItU00zIn0.eyJzdWIiOiJ0ZXN0In0';
for (const id of ['1234567812345678', 'gateway@example']) {
  const opt = id === '1234567812345678' ? { hash: true } : { hash: true, userId: id };
  const nodeSig = fromDer(crypto.createSign('SM3').update(za(id, pt64)).update(msg).sign(priv));
  ok(`id=${id}: node-signed verified by sm-crypto`, smc.sm2.doVerifySignature(msg, nodeSig, pHex, opt));
  ok(`id=${id}: node-signed verified by sm-crypto-v2`, smc2.sm2.doVerifySignature(msg, nodeSig, pHex, opt));
  const s1 = smc.sm2.doSignature(msg, dHex, { ...opt, publicKey: pHex });
  const s2 = smc2.sm2.doSignature(msg, dHex, { ...opt, publicKey: pHex });
  ok(`id=${id}: sm-crypto-signed verified by node createVerify(ZA||msg)`, crypto.createVerify('SM3').update(za(id, pt64)).update(msg).verify(pub, toDer(s1)));
  ok(`id=${id}: sm-crypto-v2-signed verified by node createVerify(ZA||msg)`, crypto.createVerify('SM3').update(za(id, pt64)).update(msg).verify(pub, toDer(s2)));
}
// 3. What node's one-shot crypto.sign('sm3') (empty ID) looks like to the libraries
const oneShot = fromDer(crypto.sign('sm3', Buffer.from(msg), priv));
ok('node one-shot sign (empty ID) is REJECTED by sm-crypto default userId', !smc.sm2.doVerifySignature(msg, oneShot, pHex, { hash: true }));
ok('node one-shot sign (empty ID) verified by sm-crypto with userId ""', smc.sm2.doVerifySignature(msg, oneShot, pHex, { hash: true, userId: '' }));
// 4. sm3
ok('sm-crypto sm3("abc")', smc.sm3('abc') === V.sm3[0].digest.toLowerCase());
ok('sm-crypto-v2 sm3("abc")', smc2.sm3('abc') === V.sm3[0].digest.toLowerCase());
console.log(`\n${pass} passed, ${fail} failed`);

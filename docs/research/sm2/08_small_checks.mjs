// Small extra checks: what crypto.sign(null) does on EC-type SM2 keys; tiny timing (100 ops, <1 s)
import crypto from 'node:crypto';
import * as R from './sm2ref.mjs';
const C = R.SM2P256V1; const msg = Buffer.from('abc');
const g = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
const spki = g.publicKey.export({ format: 'der', type: 'spki' }); const P = [R.bytesToBn(spki.subarray(27, 59)), R.bytesToBn(spki.subarray(59, 91))];
const { r, s } = R.derSigDecode(crypto.sign(null, msg, g.privateKey));
for (const h of ['sha1', 'sha256', 'sm3']) console.log(`EC-type key, crypto.sign(null): ECDSA verify with e=${h}(msg): ${R.ecdsaVerify(C, P, crypto.createHash(h).update(msg).digest(), r, s)}`);
const priv = crypto.createPrivateKey(g.privateKey.export({ format: 'pem', type: 'pkcs8' })), pub = crypto.createPublicKey(priv);
const z = crypto.randomBytes(32); let t = process.hrtime.bigint(); const sigs = [];
for (let i = 0; i < 100; i++) sigs.push(crypto.createSign('SM3').update(z).update(msg).sign(priv));
const tSign = Number(process.hrtime.bigint() - t) / 1e6; t = process.hrtime.bigint();
for (const sg of sigs) crypto.createVerify('SM3').update(z).update(msg).verify(pub, sg);
const tVer = Number(process.hrtime.bigint() - t) / 1e6;
console.log(`100 SM2 sign: ${tSign.toFixed(1)} ms, 100 verify: ${tVer.toFixed(1)} ms (machine busy with a benchmark; indicative only)`);
const pe = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }); t = process.hrtime.bigint();
for (let i = 0; i < 100; i++) crypto.verify('sha256', msg, pe.publicKey, crypto.sign('sha256', msg, pe.privateKey));
console.log(`100 P-256 sign+verify for comparison: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1)} ms`);

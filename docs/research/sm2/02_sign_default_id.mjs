// Sign with node:crypto, then independently verify with pure-JS BigInt SM2 (sm2ref.mjs)
// using ID "1234567812345678" and the empty ID, and also as plain ECDSA-with-SM3.
import crypto from 'node:crypto';
import * as R from './sm2ref.mjs';
const C = R.SM2P256V1;
const msg = Buffer.from('gateway JWS signing input: eyJhbGciOiJTTTItU00zIn0.e30');

function pubXY(keyObj) {
  const spki = keyObj.export({ format: 'der', type: 'spki' });
  const pt = spki.subarray(spki.length - 65); // uncompressed point 04||X||Y at end of SPKI
  if (pt[0] !== 4) throw new Error('not uncompressed');
  return [R.bytesToBn(pt.subarray(1, 33)), R.bytesToBn(pt.subarray(33, 65))];
}
function describe(k) { return `asymmetricKeyType=${k.asymmetricKeyType} details=${JSON.stringify(k.asymmetricKeyDetails)}`; }

function check(label, priv, pub) {
  console.log(`\n=== ${label}\n priv: ${describe(priv)}\n pub:  ${describe(pub)}`);
  const P = pubXY(pub);
  const ecdsaHash = R.sm3(msg);
  for (const [how, signFn] of [
    ["crypto.sign('sm3', msg, priv)", () => crypto.sign('sm3', msg, priv)],
    ["crypto.sign(null, msg, priv)", () => crypto.sign(null, msg, priv)],
    ["createSign('SM3').update(msg).sign(priv)", () => crypto.createSign('SM3').update(msg).sign(priv)],
  ]) {
    let sig;
    try { sig = signFn(); } catch (e) { console.log(` ${how}: ERROR ${e.code} ${e.message}`); continue; }
    let rs; try { rs = R.derSigDecode(sig); } catch (e) { console.log(` ${how}: not DER (${e.message}) len=${sig.length}`); continue; }
    const nodeV = (() => { try { return crypto.verify('sm3', msg, pub, sig); } catch (e) { return 'ERR ' + e.message; } })();
    console.log(` ${how}: ${sig.length}-byte DER SEQUENCE(r,s); node verify(sm3,pub)=${nodeV}`);
    console.log(`   BigInt SM2 verify ID="1234567812345678": ${R.verify(C, '1234567812345678', P, msg, rs.r, rs.s)}`);
    console.log(`   BigInt SM2 verify ID="" (empty):        ${R.verify(C, '', P, msg, rs.r, rs.s)}`);
    console.log(`   BigInt ECDSA verify with e=SM3(msg):    ${R.ecdsaVerify(C, P, ecdsaHash, rs.r, rs.s)}`);
  }
  // ieee-p1363
  try {
    const sig = crypto.sign('sm3', msg, { key: priv, dsaEncoding: 'ieee-p1363' });
    const r = R.bytesToBn(sig.subarray(0, 32)), s = R.bytesToBn(sig.subarray(32));
    console.log(` dsaEncoding ieee-p1363: len=${sig.length}; node verify p1363=${crypto.verify('sm3', msg, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)}; BigInt SM2 default-ID=${R.verify(C, '1234567812345678', P, msg, r, s)} empty-ID=${R.verify(C, '', P, msg, r, s)} ECDSA=${R.ecdsaVerify(C, P, ecdsaHash, r, s)}`);
  } catch (e) { console.log(` dsaEncoding ieee-p1363: ERROR ${e.code} ${e.message}`); }
}

const gen = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
check("A: generateKeyPairSync('ec',{namedCurve:'SM2'}) KeyObjects as returned", gen.privateKey, gen.publicKey);

const privRe = crypto.createPrivateKey(gen.privateKey.export({ format: 'pem', type: 'pkcs8' }));
const pubRe = crypto.createPublicKey(gen.publicKey.export({ format: 'pem', type: 'spki' }));
check('B: same key re-imported from PKCS8/SPKI PEM (createPrivateKey/createPublicKey)', privRe, pubRe);

const pubFromPriv = crypto.createPublicKey(gen.privateKey);
console.log('\ncreatePublicKey(generated private) ->', describe(pubFromPriv));
const pubFromReimportedPriv = crypto.createPublicKey(privRe);
console.log('createPublicKey(re-imported private) ->', describe(pubFromReimportedPriv));

// Cross: sign with generated (EC-type) key, verify with re-imported (SM2-type) key and vice versa
const s1 = crypto.sign('sm3', msg, gen.privateKey);
const s2 = crypto.sign('sm3', msg, privRe);
console.log('\ncross: sig(EC-type priv) verified by SM2-type pub:', crypto.verify('sm3', msg, pubRe, s1));
console.log('cross: sig(SM2-type priv) verified by EC-type pub:', crypto.verify('sm3', msg, gen.publicKey, s2));

// Generated via PEM output directly
const genPem = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
check('C: generateKeyPairSync with PEM encodings, then createPrivateKey/createPublicKey(PEM)', crypto.createPrivateKey(genPem.privateKey), crypto.createPublicKey(genPem.publicKey));
try { const k = crypto.generateKeyPairSync('sm2'); console.log("generateKeyPairSync('sm2'):", describe(k.privateKey)); } catch (e) { console.log("generateKeyPairSync('sm2'): ERROR", e.code, e.message); }

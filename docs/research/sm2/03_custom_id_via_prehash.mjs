// SM2-type keys (imported from SPKI/PKCS8) + the Sign/Verify *class* API:
// Node's Sign.sign() = EVP_DigestFinal(SM3 over everything update()d) then EVP_PKEY_sign(digest)
// -> no ZA is prepended by OpenSSL. So feeding ZA(ID) first gives a standard SM2 signature with ANY ID.
import crypto from 'node:crypto';
import * as R from './sm2ref.mjs';
const C = R.SM2P256V1;
const msg = Buffer.from('gateway JWS signing input: eyJhbGciOiJTTTItU00zIn0.e30');
const gen = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'der' } });
const priv = crypto.createPrivateKey({ key: gen.privateKey, format: 'der', type: 'pkcs8' });
const pub = crypto.createPublicKey({ key: gen.publicKey, format: 'der', type: 'spki' });
console.log('key types:', priv.asymmetricKeyType, pub.asymmetricKeyType);
const pt = gen.publicKey.subarray(gen.publicKey.length - 64);
const P = [R.bytesToBn(pt.subarray(0, 32)), R.bytesToBn(pt.subarray(32))];

// ZA computed with node's own sm3 (what the gateway would do)
function zaNode(id) {
  const idb = Buffer.from(id, 'utf8'); const entl = idb.length * 8;
  return crypto.createHash('sm3').update(Buffer.from([entl >> 8, entl & 255])).update(idb)
    .update(Buffer.concat([C.a, C.b, C.Gx, C.Gy].map((v) => Buffer.from(R.bnToBytes(v))))).update(pt).digest();
}
for (const id of ['1234567812345678', '', 'ALICE123@YAHOO.COM']) {
  const z = zaNode(id);
  console.log(`\nID=${JSON.stringify(id)} ZA(node sm3)=${z.toString('hex')} ZA(js)=${R.hex(R.za(C, id, P))}`);
  const sig = crypto.createSign('SM3').update(z).update(msg).sign(priv);
  const { r, s } = R.derSigDecode(sig);
  console.log(`  createSign('SM3').update(ZA).update(msg).sign(sm2key): ${sig.length}-byte DER`);
  console.log(`  BigInt SM2 verify with same ID: ${R.verify(C, id, P, msg, r, s)}; with default ID: ${R.verify(C, '1234567812345678', P, msg, r, s)}`);
  console.log(`  createVerify('SM3').update(ZA).update(msg).verify(pub): ${crypto.createVerify('SM3').update(z).update(msg).verify(pub, sig)}`);
  console.log(`  crypto.verify('sm3', msg, pub, sig) [one-shot, empty-ID ZA]: ${crypto.verify('sm3', msg, pub, sig)}`);
  // signature produced by independent JS signer with random k, verified by node via the prehash path
  const k = R.bytesToBn(crypto.randomBytes(32)) % (C.n - 1n) + 1n;
  const d = R.bytesToBn(priv.export({ format: 'der', type: 'pkcs8' }).subarray(36, 68));
  const js = R.signWithK(C, id, d, msg, k);
  const der = derEncode(js.r, js.s);
  console.log(`  JS-signed sig verified by node createVerify(ZA||msg): ${crypto.createVerify('SM3').update(z).update(msg).verify(pub, der)}`);
}
// createSign without ZA == "SM2 over e=SM3(msg)" (no ZA at all)
const sig0 = crypto.createSign('SM3').update(msg).sign(priv); const rs0 = R.derSigDecode(sig0);
console.log(`\ncreateSign('SM3').update(msg) only: BigInt verifyE(e=SM3(msg)) = ${R.verifyE(C, P, R.bytesToBn(R.sm3(msg)), rs0.r, rs0.s)}  (i.e. no ZA at all)`);
// dsaEncoding on SM2-type keys
const sp = crypto.sign('sm3', msg, { key: priv, dsaEncoding: 'ieee-p1363' });
console.log(`dsaEncoding:'ieee-p1363' on SM2-type key -> ${sp.length} bytes, first byte 0x${sp[0].toString(16)} (ignored: still DER)`);
try { console.log('SM2-type priv jwk export:', priv.export({ format: 'jwk' })); } catch (e) { console.log('SM2-type priv jwk export ERROR', e.code, e.message); }
try { console.log('SM2-type pub jwk export:', pub.export({ format: 'jwk' })); } catch (e) { console.log('SM2-type pub jwk export ERROR', e.code, e.message); }
try { console.log('SM2-type priv sec1 export:', priv.export({ format: 'der', type: 'sec1' }).length, 'bytes'); } catch (e) { console.log('SM2-type sec1 export ERROR', e.code, e.message); }
try { crypto.diffieHellman({ privateKey: priv, publicKey: pub }); console.log('ecdh ok'); } catch (e) { console.log('diffieHellman on SM2-type ERROR', e.code, e.message); }

function derEncode(r, s) {
  const int = (x) => { let b = Buffer.from(R.bnToBytes(x)); let i = 0; while (i < b.length - 1 && b[i] === 0) i++; b = b.subarray(i); if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]); return Buffer.concat([Buffer.from([2, b.length]), b]); };
  const body = Buffer.concat([int(r), int(s)]); return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

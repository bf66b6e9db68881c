// Build SM2 KeyObjects from raw x, y, d (e.g. a gateway JWK {kty:'EC',crv:'SM2',x,y,d}) via hand-made DER.
// SPKI  = SEQ{ SEQ{ OID id-ecPublicKey 1.2.840.10045.2.1, OID sm2p256v1 1.2.156.10197.1.301 }, BIT STRING 00 04||X||Y }
// PKCS8 = SEQ{ INT 0, SEQ{same AlgId}, OCTET STRING{ ECPrivateKey SEQ{ INT 1, OCTET STRING d(32), [1]{BIT STRING 00 04||X||Y} } } }
import crypto from 'node:crypto';
import * as R from './sm2ref.mjs';
const ALG_ID = Buffer.from('301306072a8648ce3d020106082a811ccf5501822d', 'hex'); // ecPublicKey + 1.2.156.10197.1.301
const SPKI_PREFIX = Buffer.concat([Buffer.from('3059', 'hex'), ALG_ID, Buffer.from('034200', 'hex')]); // + 04||X||Y (65)
const PKCS8_PREFIX = Buffer.concat([Buffer.from('308187020100', 'hex'), ALG_ID, Buffer.from('046d306b0201010420', 'hex')]); // + d(32) + a144034200 + 04||X||Y
const PKCS8_NOPUB_PREFIX = Buffer.concat([Buffer.from('3041020100', 'hex'), ALG_ID, Buffer.from('04273025020101 0420'.replace(/ /g, ''), 'hex')]); // + d(32)

const b64u = (b) => Buffer.from(b).toString('base64url');
const unb64u = (s, len) => { const b = Buffer.from(s, 'base64url'); if (b.length !== len) throw new Error(`expected ${len} bytes`); return b; };
export function sm2PublicKeyFromJwk(j) {
  if (j.kty !== 'EC' || j.crv !== 'SM2') throw new Error('not an SM2 JWK');
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from([4]), unb64u(j.x, 32), unb64u(j.y, 32)]), format: 'der', type: 'spki' });
}
export function sm2PrivateKeyFromJwk(j) {
  const pt = Buffer.concat([Buffer.from([4]), unb64u(j.x, 32), unb64u(j.y, 32)]);
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, unb64u(j.d, 32), Buffer.from('a144034200', 'hex'), pt]), format: 'der', type: 'pkcs8' });
}
export function sm2JwkFromKeyObject(k) {
  const spki = (k.type === 'private' ? crypto.createPublicKey(k) : k).export({ format: 'der', type: 'spki' });
  if (!spki.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX) || spki.length !== 91) throw new Error('not an SM2 SPKI');
  const jwk = { kty: 'EC', crv: 'SM2', x: b64u(spki.subarray(27, 59)), y: b64u(spki.subarray(59, 91)) };
  if (k.type === 'private') {
    const p8 = k.export({ format: 'der', type: 'pkcs8' });
    if (!p8.subarray(0, PKCS8_PREFIX.length).equals(PKCS8_PREFIX)) throw new Error('unexpected PKCS8 layout');
    jwk.d = b64u(p8.subarray(PKCS8_PREFIX.length, PKCS8_PREFIX.length + 32));
  }
  return jwk;
}

const main = import.meta.url === `file://${process.argv[1]}`;
if (main) {
  const C = R.SM2P256V1;
  const g = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' }); // EC-type KeyObjects
  const jwk = sm2JwkFromKeyObject(g.privateKey);
  console.log('JWK built from DER:', jwk);
  // independent check: x,y = d*G with BigInt
  const Q = R.mul(C, R.bytesToBn(Buffer.from(jwk.d, 'base64url')), [C.Gx, C.Gy]);
  console.log('BigInt d*G == (x,y):', Q[0] === R.bytesToBn(Buffer.from(jwk.x, 'base64url')) && Q[1] === R.bytesToBn(Buffer.from(jwk.y, 'base64url')));
  const priv = sm2PrivateKeyFromJwk(jwk), pub = sm2PublicKeyFromJwk(jwk);
  console.log('imported types:', priv.asymmetricKeyType, pub.asymmetricKeyType, '(undefined = OpenSSL EVP_PKEY_SM2)');
  console.log('built PKCS8 == node export of original:', priv.export({ format: 'der', type: 'pkcs8' }).equals(g.privateKey.export({ format: 'der', type: 'pkcs8' })));
  console.log('built SPKI  == node export of original:', pub.export({ format: 'der', type: 'spki' }).equals(g.publicKey.export({ format: 'der', type: 'spki' })));
  console.log('JWK round trip (KeyObject -> JWK -> KeyObject -> JWK) identical:', JSON.stringify(sm2JwkFromKeyObject(priv)) === JSON.stringify(jwk), JSON.stringify(sm2JwkFromKeyObject(pub)) === JSON.stringify({ kty: 'EC', crv: 'SM2', x: jwk.x, y: jwk.y }));
  const m = Buffer.from('round trip');
  const sig = crypto.sign('sm3', m, priv);
  console.log('sign(priv from JWK) verify(pub from JWK):', crypto.verify('sm3', m, pub, sig));
  // PKCS8 without embedded public key
  const p8nopub = Buffer.concat([PKCS8_NOPUB_PREFIX, Buffer.from(jwk.d, 'base64url')]);
  try { const k = crypto.createPrivateKey({ key: p8nopub, format: 'der', type: 'pkcs8' }); const pk = crypto.createPublicKey(k); console.log('PKCS8 w/o public key: import ok, derived public equals:', pk.equals(pub)); const s2 = crypto.sign('sm3', m, k); console.log('  sign with it, verify with pub:', crypto.verify('sm3', m, pub, s2)); }
  catch (e) { console.log('PKCS8 w/o public key: ERROR', e.code, e.message); }
  // invalid point must be rejected
  const bad = { ...jwk, y: b64u(R.bnToBytes((R.bytesToBn(Buffer.from(jwk.y, 'base64url')) + 1n) % C.p)) };
  try { sm2PublicKeyFromJwk(bad); console.log('off-curve public key: ACCEPTED (must validate yourself!)'); } catch (e) { console.log('off-curve public key rejected:', e.code || '', e.message); }
  try { sm2PrivateKeyFromJwk(bad); console.log('PKCS8 with d and mismatching (off-curve) pub: ACCEPTED'); } catch (e) { console.log('PKCS8 with off-curve pub rejected:', e.code || '', e.message); }
  // d/x/y mismatch (valid point, but not d*G)
  const other = sm2JwkFromKeyObject(crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey);
  try { const k = sm2PrivateKeyFromJwk({ ...jwk, x: other.x, y: other.y }); console.log('PKCS8 with d not matching (x,y): ACCEPTED by createPrivateKey (no pairwise check) -> gateway must check d*G == (x,y)'); } catch (e) { console.log('d/(x,y) mismatch rejected:', e.code || '', e.message); }
}

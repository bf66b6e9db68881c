import crypto from 'node:crypto';
console.log('node', process.version, 'openssl', process.versions.openssl);
console.log('curves containing SM2:', crypto.getCurves().filter(c => /sm2/i.test(c)));
console.log('hashes containing sm3:', crypto.getHashes().filter(h => /sm3/i.test(h)));
const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' });
console.log('asymmetricKeyType:', privateKey.asymmetricKeyType, publicKey.asymmetricKeyType);
console.log('asymmetricKeyDetails:', privateKey.asymmetricKeyDetails);
for (const [name, fn] of [
  ['priv jwk', () => privateKey.export({ format: 'jwk' })],
  ['pub jwk', () => publicKey.export({ format: 'jwk' })],
]) {
  try { console.log(name, '->', fn()); } catch (e) { console.log(name, 'ERROR', e.code, e.message); }
}
const spki = publicKey.export({ format: 'der', type: 'spki' });
const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
console.log('spki der', spki.length, 'bytes:', spki.toString('hex'));
console.log('pkcs8 der', pkcs8.length, 'bytes:', pkcs8.toString('hex'));
console.log(privateKey.export({ format: 'pem', type: 'pkcs8' }));
try { console.log('sec1 export:', privateKey.export({ format: 'der', type: 'sec1' }).toString('hex')); } catch (e) { console.log('sec1 ERROR', e.code, e.message); }
// PEM round trip
const pub2 = crypto.createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }));
console.log('PEM re-import pub type:', pub2.asymmetricKeyType, pub2.asymmetricKeyDetails, 'equals:', pub2.equals(publicKey));
// JWK import attempts
const fakeJwk = { kty: 'EC', crv: 'SM2', x: 'AAAA', y: 'AAAA' };
for (const crv of ['SM2', 'sm2', 'SM2P256V1', 'sm2p256v1']) {
  try { crypto.createPublicKey({ key: { ...fakeJwk, crv }, format: 'jwk' }); console.log('jwk import crv', crv, 'OK?'); }
  catch (e) { console.log('jwk import crv', crv, 'ERROR', e.code, e.message); }
}

// Misc behaviour of SM2-type KeyObjects (asymmetricKeyType undefined). NOTE: export({type:'sec1'})
// on such a key aborts the whole process (C++ assertion), see 03_custom_id_via_prehash.out; not repeated here.
import crypto from 'node:crypto';
const gen = crypto.generateKeyPairSync('ec', { namedCurve: 'SM2', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const priv = crypto.createPrivateKey(gen.privateKey), pub = crypto.createPublicKey(gen.publicKey);
const t = (label, f) => { try { const v = f(); console.log(label, '->', v); } catch (e) { console.log(label, '-> ERROR', e.code, e.message); } };
t('priv.type / asymmetricKeyType', () => [priv.type, priv.asymmetricKeyType]);
t('pkcs8 PEM export round-trip identical', () => priv.export({ format: 'pem', type: 'pkcs8' }) === gen.privateKey);
t('spki PEM export round-trip identical', () => pub.export({ format: 'pem', type: 'spki' }) === gen.publicKey);
t('createPublicKey(priv) type & equals(pub)', () => { const p = crypto.createPublicKey(priv); return [p.asymmetricKeyType, p.equals(pub)]; });
t('pub.equals(createPublicKey(same PEM))', () => pub.equals(crypto.createPublicKey(gen.publicKey)));
t('diffieHellman', () => crypto.diffieHellman({ privateKey: priv, publicKey: pub }).length);
t('crypto.sign("sha256", ..) on SM2-type key', () => crypto.sign('sha256', Buffer.from('x'), priv).length);
t('crypto.sign("sm3", ..) length range (20 runs)', () => { const l = new Set(); for (let i = 0; i < 20; i++) l.add(crypto.sign('sm3', Buffer.from('x'), priv).length); return [...l].sort(); });
t('webcrypto importKey spki SM2', () => crypto.webcrypto.subtle.importKey('spki', pub.export({ format: 'der', type: 'spki' }), { name: 'ECDSA', namedCurve: 'SM2' }, true, ['verify']).then((k) => console.log('  webcrypto ok', k), (e) => console.log('  webcrypto import ERROR', e.name, e.message)));

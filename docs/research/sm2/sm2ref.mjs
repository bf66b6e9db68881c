// Independent reference implementation of SM3 (GB/T 32905-2016) and SM2 signature
// verification / signing (GB/T 32918.2-2016) in plain JS BigInt. Uses NO node:crypto.
// Not constant-time: for test cross-checks only.

// ---------- SM3 ----------
const rotl = (x, n) => ((x << n) | (x >>> (32 - n))) >>> 0;
const P0 = (x) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const P1 = (x) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
export function sm3(msg) {
  msg = Uint8Array.from(msg);
  const bitLen = BigInt(msg.length) * 8n;
  const padLen = ((msg.length + 9 + 63) & ~63);
  const m = new Uint8Array(padLen);
  m.set(msg); m[msg.length] = 0x80;
  for (let i = 0; i < 8; i++) m[padLen - 1 - i] = Number((bitLen >> BigInt(8 * i)) & 0xffn);
  const V = IV.slice();
  const W = new Array(68), W1 = new Array(64);
  for (let off = 0; off < padLen; off += 64) {
    for (let j = 0; j < 16; j++) W[j] = ((m[off + 4 * j] << 24) | (m[off + 4 * j + 1] << 16) | (m[off + 4 * j + 2] << 8) | m[off + 4 * j + 3]) >>> 0;
    for (let j = 16; j < 68; j++) W[j] = (P1(W[j - 16] ^ W[j - 9] ^ rotl(W[j - 3], 15)) ^ rotl(W[j - 13], 7) ^ W[j - 6]) >>> 0;
    for (let j = 0; j < 64; j++) W1[j] = (W[j] ^ W[j + 4]) >>> 0;
    let [A, B, C, D, E, F, G, H] = V;
    for (let j = 0; j < 64; j++) {
      const T = j < 16 ? 0x79cc4519 : 0x7a879d8a;
      const SS1 = rotl((rotl(A, 12) + E + rotl(T, j % 32)) >>> 0, 7);
      const SS2 = (SS1 ^ rotl(A, 12)) >>> 0;
      const FF = j < 16 ? (A ^ B ^ C) : ((A & B) | (A & C) | (B & C));
      const GG = j < 16 ? (E ^ F ^ G) : ((E & F) | (~E & G));
      const TT1 = (FF + D + SS2 + W1[j]) >>> 0;
      const TT2 = (GG + H + SS1 + W[j]) >>> 0;
      D = C; C = rotl(B, 9); B = A; A = TT1;
      H = G; G = rotl(F, 19); F = E; E = P0(TT2);
    }
    const n = [A, B, C, D, E, F, G, H];
    for (let i = 0; i < 8; i++) V[i] = (V[i] ^ n[i]) >>> 0;
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) { out[4 * i] = V[i] >>> 24; out[4 * i + 1] = (V[i] >>> 16) & 255; out[4 * i + 2] = (V[i] >>> 8) & 255; out[4 * i + 3] = V[i] & 255; }
  return out;
}

// ---------- helpers ----------
export const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
export const fromHex = (h) => Uint8Array.from(h.match(/../g) || [], (x) => parseInt(x, 16));
export const bnToBytes = (x, len = 32) => fromHex(x.toString(16).padStart(len * 2, '0'));
export const bytesToBn = (u8) => (u8.length ? BigInt('0x' + hex(u8)) : 0n);
const concat = (...arrs) => { const o = new Uint8Array(arrs.reduce((s, a) => s + a.length, 0)); let i = 0; for (const a of arrs) { o.set(a, i); i += a.length; } return o; };
const utf8 = (s) => new TextEncoder().encode(s);

// ---------- curves ----------
// GB/T 32918.5-2017 / GM/T 0003.5-2012 recommended curve (sm2p256v1, OID 1.2.156.10197.1.301)
export const SM2P256V1 = {
  name: 'sm2p256v1',
  p: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFFn,
  a: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFCn,
  b: 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93n,
  n: 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123n,
  Gx: 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7n,
  Gy: 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0n,
};
// Fp-256 example curve of GB/T 32918.2 Annex A / draft-shen-sm2-ecdsa-02 (test curve, NOT the recommended one)
export const SHEN_TEST_CURVE = {
  name: 'draft-shen Fp-256 test curve',
  p: 0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3n,
  a: 0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498n,
  b: 0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249An,
  n: 0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7n,
  Gx: 0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43Dn,
  Gy: 0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2n,
};

const mod = (a, m) => ((a % m) + m) % m;
function inv(a, m) { let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n]; while (r1) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; } if (r0 !== 1n) throw new Error('not invertible'); return mod(s0, m); }
// affine arithmetic, null = point at infinity
function add(C, P, Q) {
  if (!P) return Q; if (!Q) return P;
  const { p } = C;
  if (P[0] === Q[0]) { if (mod(P[1] + Q[1], p) === 0n) return null; const l = mod((3n * P[0] * P[0] + C.a) * inv(2n * P[1], p), p); const x = mod(l * l - 2n * P[0], p); return [x, mod(l * (P[0] - x) - P[1], p)]; }
  const l = mod((Q[1] - P[1]) * inv(Q[0] - P[0], p), p); const x = mod(l * l - P[0] - Q[0], p); return [x, mod(l * (P[0] - x) - P[1], p)];
}
export function mul(C, k, P) { let R = null, A = P; k = mod(k, C.n); while (k > 0n) { if (k & 1n) R = add(C, R, A); A = add(C, A, A); k >>= 1n; } return R; }
export const onCurve = (C, [x, y]) => mod(y * y - (x * x * x + C.a * x + C.b), C.p) === 0n;

// ---------- SM2 signature ----------
// id: string | Uint8Array ; returns ZA bytes
export function za(C, id, pub) {
  const idb = typeof id === 'string' ? utf8(id) : Uint8Array.from(id);
  const entl = idb.length * 8;
  return sm3(concat(Uint8Array.of(entl >> 8, entl & 255), idb, ...[C.a, C.b, C.Gx, C.Gy, pub[0], pub[1]].map((v) => bnToBytes(v))));
}
export const sm2Digest = (C, id, pub, msg) => sm3(concat(za(C, id, pub), Uint8Array.from(msg)));
// core verify on e (BigInt)
export function verifyE(C, pub, e, r, s) {
  const { n } = C;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = mod(r + s, n); if (t === 0n) return false;
  const pt = add(C, mul(C, s, [C.Gx, C.Gy]), mul(C, t, pub));
  if (!pt) return false;
  return mod(e + pt[0], n) === r;
}
export const verify = (C, id, pub, msg, r, s) => verifyE(C, pub, bytesToBn(sm2Digest(C, id, pub, msg)), r, s);
// deterministic-k signing for reproducing published vectors (k supplied)
export function signWithK(C, id, d, msg, k) {
  const pub = mul(C, d, [C.Gx, C.Gy]);
  const e = bytesToBn(sm2Digest(C, id, pub, msg));
  const x1 = mul(C, k, [C.Gx, C.Gy])[0];
  const r = mod(e + x1, C.n);
  const s = mod(inv(1n + d, C.n) * (k - r * d), C.n);
  return { r, s, pub };
}
// ECDSA verify (to detect "ECDSA with SM3 digest" vs real SM2)
export function ecdsaVerify(C, pub, hashBytes, r, s) {
  const { n } = C; if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const e = bytesToBn(hashBytes.slice(0, 32)); const w = inv(s, n);
  const pt = add(C, mul(C, mod(e * w, n), [C.Gx, C.Gy]), mul(C, mod(r * w, n), pub));
  return !!pt && mod(pt[0], n) === r;
}

// ---------- minimal DER helpers ----------
export function derSigDecode(der) {
  der = Uint8Array.from(der); let i = 0;
  if (der[i++] !== 0x30) throw new Error('not SEQUENCE');
  let len = der[i++]; if (len & 0x80) { const nb = len & 0x7f; len = 0; for (let j = 0; j < nb; j++) len = (len << 8) | der[i++]; }
  if (i + len !== der.length) throw new Error('bad outer length');
  const ints = [];
  for (let k = 0; k < 2; k++) { if (der[i++] !== 0x02) throw new Error('not INTEGER'); const l = der[i++]; ints.push(bytesToBn(der.slice(i, i + l))); i += l; }
  if (i !== der.length) throw new Error('trailing data');
  return { r: ints[0], s: ints[1] };
}

import { randomBytes } from 'node:crypto'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import t from 'tap'
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { publishShNative, shPublicationBody } from '../../sim/sh-rest-publisher.js'
import { postAhMessage, publishAhNative, sealAhPublication } from '../../sim/ah-xml-publisher.js'
import { jsBatchResult, publishJsNative } from '../../sim/js-batch-publisher.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'

const appKey = 'sh-app'
const appSecret = randomBytes(24).toString('base64url')
const ahSecrets = newAhSecrets()

async function start (t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  return await startHarness(t, {
    listen: true,
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, AH: ahSecrets },
    platformOverrides: (p) => p.id === 'SH'
      ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' }
      : p.id === 'AH' ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive' } : p
  })
}

/** The same entry with a credit code whose check character is wrong. */
function corrupted (e: ListUpsertItemV1): ListUpsertItemV1 {
  const code = e.subject.creditCode ?? ''
  const bad = code.slice(0, 17) + (code.endsWith('0') ? '1' : '0')
  return { ...e, subject: { ...e.subject, creditCode: bad } }
}

async function attested (h: Harness, jti: string): Promise<{
  typ: unknown, native: { adapter: string, digest: string, auth: string }, iss: string, digest: string
}> {
  const { rows } = await h.db.query<{ jws: string, digest: string }>('SELECT jws, digest FROM envelopes WHERE jti = $1', [jti])
  const row = rows[0]
  if (row === undefined) throw new Error('no envelope')
  const { payload } = await compactVerify(row.jws, createLocalJWKSet(h.gatewayKeys.jwks))
  const claims = JSON.parse(new TextDecoder().decode(payload)) as {
    native: { adapter: string, digest: string, auth: string }, iss: string
  }
  return { typ: decodeProtectedHeader(row.jws).typ, native: claims.native, iss: claims.iss, digest: row.digest }
}

const securityCodes = async (h: Harness): Promise<string[]> =>
  (await h.db.query<{ code: string }>('SELECT code FROM security_log ORDER BY id')).rows.map((r) => r.code)

t.test('Shanghai publishes natively: REST/JSON with HMAC-SHA256', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const items = [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true, listType: 'red' })]

  const first = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items })
  t.equal(first.status, 200)
  t.equal(first.answer.code, '0000', 'taken, in Shanghai\'s code')
  t.equal(first.answer.data?.msgId, first.msgId)
  t.equal(first.answer.data?.accepted, 2)
  t.type(first.answer.data?.receipt, 'string')
  t.equal(await h.count('entries'), 2, 'entries in the ledger')
  const dest = await h.db.query<{ destination: string }>('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [first.msgId])
  t.same(dest.rows.map((r) => r.destination), ['AH', 'JS', 'ZJ'], 'queued for the other three')
  const a = await attested(h, first.msgId)
  t.equal(a.typ, 'yrd-attested+jwt', 'the ledger keeps the gateway\'s attestation')
  t.same(a.native, { adapter: 'sh-rest', digest: a.digest, auth: 'hmac-sha256' }, 'naming the adapter, the native digest and the authentication')
  t.equal(a.iss, 'SH')

  const again = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items, msgId: first.msgId, body: first.body })
  t.equal(again.answer.code, '3001', 'the same bytes again (fresh nonce): already applied')
  t.equal(again.answer.data?.receipt, first.answer.data?.receipt, 'same receipt')
  t.equal(await h.count('envelopes'), 1, 'no second envelope')

  const other = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 3)], msgId: first.msgId })
  t.equal(other.answer.code, '2001')
  t.equal(other.answer.data?.gatewayCode, 'JTI_CONFLICT', 'other bytes under the same msgId')

  const before = await h.count('envelopes')
  const logBefore = (await securityCodes(h)).length
  const badSig = await publishShNative(gw, { appKey, appSecret: 'not-the-secret', kind: 'list.upsert', items: [sampleEntry('SH', '310000', 4)] })
  t.equal(badSig.answer.code, '1001', 'bad HMAC')
  const stale = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 5)], timestamp: Date.now() - 6 * 60_000 })
  t.equal(stale.answer.code, '1002', 'stale timestamp')
  const nonce = randomBytes(16).toString('hex')
  const once = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 6)], nonce })
  t.equal(once.answer.code, '0000')
  const reused = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 7)], nonce })
  t.equal(reused.answer.code, '1003', 'reused nonce')
  const unknownKey = await publishShNative(gw, { appKey: 'someone', appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 8)] })
  t.equal(unknownKey.answer.code, '1000', 'unknown app key')
  const invalid = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 9), corrupted(sampleEntry('SH', '310000', 10))] })
  t.equal(invalid.answer.code, '2001', 'an invalid item refuses the message whole')
  t.equal(invalid.answer.data?.gatewayCode, 'USCC_INVALID')
  t.match(invalid.answer.data?.errors, [{ index: 1, code: 'USCC_INVALID' }])
  t.equal(invalid.answer.data?.msgId, invalid.msgId, 'the refusal names the message')
  const notOwner = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('JS', '320000', 11)] })
  t.equal(notOwner.answer.data?.gatewayCode, 'NOT_OWNER', 'Shanghai cannot change another province\'s entry')

  t.equal(await h.count('envelopes'), before + 1, 'only the one good publication stored')
  t.equal(await h.count('entries'), 3)
  t.same((await securityCodes(h)).slice(logBefore), ['SIGNATURE_INVALID', 'ENVELOPE_EXPIRED', 'SIGNATURE_INVALID', 'ISSUER_UNKNOWN', 'USCC_INVALID', 'NOT_OWNER'], 'one security-log line per refusal')
  const log = JSON.stringify((await h.db.query('SELECT * FROM security_log')).rows)
  t.notOk(log.includes(items[1]?.subject.idNumber ?? '-'), 'no identity number in the security log')

  const wrongType = await fetch(`${gw}/v1/native/SH/api/credit/v2/records`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
  t.equal((await wrongType.json() as { code: string }).code, '2001', 'even a wrong media type is answered in Shanghai\'s format')
  const body = shPublicationBody('SH', 'x-1', 'list.upsert', [sampleEntry('SH', '310000', 12)])
  t.ok(body.length > 0)
})

t.test('Anhui publishes natively: SM4-encrypted XML with an SM3 digest', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const items = [sampleEntry('AH', '340000', 1), sampleEntry('AH', '340000', 2, { person: true })]

  const sealed = sealAhPublication({ secrets: ahSecrets, kind: 'list.upsert', items })
  const first = await postAhMessage(gw, 'AH', sealed.body)
  t.equal(first.status, 200)
  t.equal(first.receipt?.DM, '0000')
  t.equal(first.receipt?.XXID, sealed.msgId)
  t.equal(first.receipt?.ZY, sealed.digest, 'the SM3 digest checked, echoed')
  t.type(first.receipt?.HZ, 'string', 'the gateway\'s receipt in HZ')
  t.equal(await h.count('entries'), 2)
  const dest = await h.db.query<{ destination: string }>('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [sealed.msgId])
  t.same(dest.rows.map((r) => r.destination), ['JS', 'SH', 'ZJ'])
  const a = await attested(h, sealed.msgId)
  t.same(a.native, { adapter: 'ah-xml', digest: a.digest, auth: 'sm4-sm3-hmac' })

  const again = await postAhMessage(gw, 'AH', sealed.body)
  t.equal(again.receipt?.DM, '0001', 'the same bytes again: already applied')
  t.equal(again.receipt?.HZ, first.receipt?.HZ, 'same receipt')
  t.equal(await h.count('envelopes'), 1)

  const logBefore = (await securityCodes(h)).length
  const other = sealAhPublication({ secrets: ahSecrets, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 3)] })
  const tampered = other.body.replace(`<ZY>${other.digest}</ZY>`, `<ZY>${'0'.repeat(64)}</ZY>`)
  const wrongDigest = await postAhMessage(gw, 'AH', tampered)
  t.equal(wrongDigest.status, 400)
  t.equal(wrongDigest.receipt?.DM, 'E101', 'wrong digest: does not authenticate')
  const wrongKey = await publishAhNative(gw, { secrets: { ...ahSecrets, SM4_KEY_IN: randomBytes(16).toString('hex') }, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 4)] })
  t.equal(wrongKey.receipt?.DM, 'E101', 'another encryption key: the MAC still fails first')
  const garbled = other.body.replace(/<ZT>[^<]{8}/, '<ZT>AAAAAAAA')
  t.equal((await postAhMessage(gw, 'AH', garbled)).receipt?.DM, 'E101', 'altered ciphertext')
  const invalid = await publishAhNative(gw, { secrets: ahSecrets, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 5), corrupted(sampleEntry('AH', '340000', 6))] })
  t.equal(invalid.status, 400)
  t.equal(invalid.receipt?.DM, 'E201', 'an invalid item refuses the message whole')
  t.equal(invalid.receipt?.CWLB?.[0]?.XH, '2', 'naming the record, 1-based')
  t.match(invalid.receipt?.CWLB?.[0]?.XX, /USCC_INVALID/)
  const notXml = await fetch(`${gw}/v1/native/AH/ahxy/gateway/receive`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<AHXY><BT>' })
  t.equal(notXml.status, 400)
  t.match(await notXml.text(), /<DM>E100<\/DM>/)
  const wrongType = await fetch(`${gw}/v1/native/AH/ahxy/gateway/receive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(wrongType.status, 415, 'a wrong media type is answered in Anhui\'s format')
  t.match(await wrongType.text(), /<DM>E100<\/DM>/)

  t.equal(await h.count('envelopes'), 1, 'nothing of a refused message stored')
  t.equal(await h.count('entries'), 2)
  const codes = (await securityCodes(h)).slice(logBefore)
  t.equal(codes.length, 6, 'one security-log line per refusal')
  t.equal(codes[3], 'USCC_INVALID')
})

t.test('no native route for a platform that does not use the native adapter', async (t) => {
  const h = await startHarness(t, { listen: true })
  const res = await fetch(`${urlOf(h)}/v1/native/SH/api/credit/v2/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(res.status, 404)
})

t.test('Jiangsu uploads natively: a GB18030 CSV batch with its token', async (t) => {
  const token = randomBytes(24).toString('base64url')
  const h = await startHarness(t, {
    listen: true,
    platformSecrets: { JS: { TOKEN: token } },
    platformOverrides: (p) => p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  const gw = urlOf(h)
  const items = [sampleEntry('JS', '320000', 1), sampleEntry('JS', '320000', 2, { person: true })]

  const first = await publishJsNative(gw, { token, kind: 'list.upsert', items })
  t.equal(first.status, 200)
  t.equal(first.answer.status, 'DONE', 'processed at once')
  t.same(first.answer.rows, [{ seq: 1, result: 'ACCEPTED' }, { seq: 2, result: 'ACCEPTED' }])
  t.type(first.answer.receipt, 'string')
  t.equal(await h.count('entries'), 2)
  const dest = await h.db.query<{ destination: string }>('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [first.batchId])
  t.same(dest.rows.map((r) => r.destination), ['AH', 'SH', 'ZJ'])
  const a = await attested(h, first.batchId)
  t.same(a.native, { adapter: 'js-batch', digest: a.digest, auth: 'token' })
  const kept = await jsBatchResult(gw, token, first.batchId)
  t.same(kept.answer.rows, first.answer.rows, 'the result is kept')
  t.equal(kept.answer.receipt, first.answer.receipt)

  const again = await publishJsNative(gw, { token, kind: 'list.upsert', items, batchId: first.batchId, body: first.body })
  t.equal(again.answer.duplicate, true, 'the same bytes again')
  t.equal(again.answer.receipt, first.answer.receipt, 'same receipt')
  t.equal(await h.count('envelopes'), 1)
  const other = await publishJsNative(gw, { token, kind: 'list.upsert', items: [sampleEntry('JS', '320000', 3)], batchId: first.batchId })
  t.equal(other.status, 409)
  t.equal(other.answer.code, 'BATCH_DUPLICATE', 'other bytes under the same batch id')

  const logBefore = (await securityCodes(h)).length
  const badToken = await publishJsNative(gw, { token: 'wrong', kind: 'list.upsert', items: [sampleEntry('JS', '320000', 4)] })
  t.equal(badToken.status, 401)
  t.equal(badToken.answer.code, 'AUTH_FAILED')
  const invalid = await publishJsNative(gw, { token, kind: 'list.upsert', items: [sampleEntry('JS', '320000', 5), corrupted(sampleEntry('JS', '320000', 6))] })
  t.equal(invalid.answer.status, 'DONE')
  t.equal(invalid.answer.rows?.length, 2)
  t.ok(invalid.answer.rows?.every((r) => r.result === 'REJECTED'), 'every row rejected: all or nothing')
  t.match(invalid.answer.rows?.[1]?.reason, /USCC_INVALID/, 'the bad row names its reason')
  t.equal(invalid.answer.rows?.[1]?.code, 'USCC_INVALID', 'and its code')
  t.match(invalid.answer.rows?.[0]?.reason, /整批未受理: 第2条记录未通过 \[USCC_INVALID\]/)
  t.equal(invalid.answer.rows?.[0]?.code, 'NOT_APPLIED', 'the good row: not applied because row 2 failed')
  t.same((await jsBatchResult(gw, token, invalid.batchId)).answer.rows, invalid.answer.rows, 'the refusal is kept too')
  t.equal((await jsBatchResult(gw, token, 'no-such-batch')).answer.code, 'BATCH_NOT_FOUND')
  t.equal(await h.count('envelopes'), 1, 'nothing of a refused batch stored')
  t.same((await securityCodes(h)).slice(logBefore), ['UNAUTHORIZED', 'USCC_INVALID'])
})

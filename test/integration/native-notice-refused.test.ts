import { randomBytes } from 'node:crypto'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import t from 'tap'
import { startHarness, urlOf } from '../helpers/harness.js'
import { sampleNotice } from '../../sim/sample-entries.js'
import { publishShNative } from '../../sim/sh-rest-publisher.js'
import { publishAhNative } from '../../sim/ah-xml-publisher.js'
import { publishJsNative } from '../../sim/js-batch-publisher.js'

const appKey = 'sh-app'
const appSecret = randomBytes(24).toString('base64url')
const ahSecrets = newAhSecrets()
const token = randomBytes(24).toString('base64url')

t.test('no platform can publish a gateway notice natively: each native route refuses it, FORBIDDEN, nothing stored', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, AH: ahSecrets, JS: { TOKEN: token } },
    platformOverrides: (p) => p.id === 'SH'
      ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' }
      : p.id === 'AH'
        ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive' }
        : p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  const gw = urlOf(h)
  const tables = ['envelopes', 'entries', 'deliveries']
  const counts = async (): Promise<number[]> => await Promise.all(tables.map(async (x) => await h.count(x)))
  const before = await counts()
  const logLines = async (): Promise<Array<{ code: string, status: number, iss_claimed: string }>> =>
    (await h.db.query<{ code: string, status: number, iss_claimed: string }>('SELECT code, status, iss_claimed FROM security_log ORDER BY id')).rows

  const sh = await publishShNative(gw, { appKey, appSecret, kind: 'gateway.notice', items: [sampleNotice(1)] })
  t.equal(sh.status, 200, 'Shanghai: answered in its own format')
  t.equal(sh.answer.code, '2001', 'Shanghai: 2001')
  t.equal(sh.answer.data?.gatewayCode, 'FORBIDDEN', 'Shanghai: gateway code FORBIDDEN')
  t.match(sh.answer.message, /GATEWAY_NOTICE.*issued by the gateway only/)

  const ah = await publishAhNative(gw, { secrets: ahSecrets, kind: 'gateway.notice', items: [sampleNotice(2, 'remediation')] })
  t.equal(ah.status, 400, 'Anhui: 400')
  t.equal(ah.receipt?.DM, 'E105', 'Anhui: E105, message type not supported')
  t.match(ah.receipt?.XX, /\[FORBIDDEN\].*WGTZ/)

  const js = await publishJsNative(gw, { token, kind: 'gateway.notice', items: [sampleNotice(3, 'check.outcome')] })
  t.equal(js.status, 403, 'Jiangsu: 403')
  t.equal(js.answer.code, 'BATCH_REJECTED', 'Jiangsu: BATCH_REJECTED')
  t.match(js.answer.message, /\[FORBIDDEN\] 数据类型 07/)

  t.same(await counts(), before, 'nothing stored, nothing queued')
  const log = await logLines()
  t.same(log.map((r) => [r.code, r.status, r.iss_claimed]), [['FORBIDDEN', 403, 'SH'], ['FORBIDDEN', 403, 'AH'], ['FORBIDDEN', 403, 'JS']], 'one security-log line each')
  t.notMatch(JSON.stringify(log), /逾期|撤销|核查结果/, 'no notice content in the security log')
})

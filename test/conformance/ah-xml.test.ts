import { randomBytes } from 'node:crypto'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import t from 'tap'
import { createAhXmlAdapter } from '../../adapters/ah-xml/ah-xml-adapter.js'
import type { Delivery, PlatformAdapter } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { startAhXmlSimulator, type AhXmlSimulator } from '../../sim/ah-xml-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { adapterConformance, delivery as sharedDelivery, expectFailure, simulatorTarget } from './adapter-conformance.js'
import { nativeMessageId } from '../../adapters/native-message-id.js'

const noSign = async (): Promise<string> => { throw new Error('ah-xml does not sign with the gateway key') }

function adapterFor (
  sim: AhXmlSimulator, secrets: Record<string, string>, timeoutMs = 1500, legacy = false
): PlatformAdapter {
  return createAhXmlAdapter({
    platform: { id: 'AH', name: '信用安徽', regionCode: '340000', adapter: 'ah-xml', endpoint: sim.endpoint, enabled: true, delivery: DEFAULT_DELIVERY, ...(legacy ? { ahXml: { legacyCbc: true } } : {}) },
    policy: { ...DEFAULT_DELIVERY, timeoutMs },
    sign: noSign,
    secrets
  })
}

adapterConformance(t, 'ah-xml', async () => {
  const secrets = newAhSecrets()
  const sim = await startAhXmlSimulator({ secrets })
  const adapter = adapterFor(sim, secrets)
  return simulatorTarget(adapter, 'AH', sim)
})

// The interface's own behaviours, beyond what the shared suite asks of every adapter.
const delivery = (kind: Delivery['kind'], items: unknown[]): Delivery => sharedDelivery('AH', kind, items, 'SH')

t.test('ah-xml: the native protocol', async (t) => {
  const secrets = newAhSecrets()
  const sim = await startAhXmlSimulator({ secrets })
  const adapter = adapterFor(sim, secrets)
  t.teardown(async () => { await adapter.close(); await sim.close() })

  await t.test('refuses to start without usable keys, one per direction', async (t) => {
    t.throws(() => adapterFor(sim, { ...secrets, SM4_KEY_OUT: '' }), /SM4_KEY_OUT .*is required/)
    t.throws(() => adapterFor(sim, { ...secrets, SM4_KEY_OUT: '' }), { name: 'ConfigError', code: 'SECRET_MISSING', field: 'GW_AH_SM4_KEY_OUT' })
    t.throws(() => adapterFor(sim, { ...secrets, SM4_KEY_IN: 'not-hex' }), { code: 'SECRET_INVALID', field: 'GW_AH_SM4_KEY_IN' })
    t.throws(() => adapterFor(sim, { ...secrets, SM4_KEY_IN: 'not-hex' }), /SM4_KEY_IN .*32 hex characters/)
    t.throws(() => adapterFor(sim, { ...secrets, SM4_KEY_IN: secrets.SM4_KEY_OUT ?? '' }), /must differ/)
    t.throws(() => adapterFor(sim, { ...secrets, MAC_KEY_OUT: undefined as unknown as string }), /MAC_KEY_OUT .*is required.*legacyCbc/)
    t.throws(() => adapterFor(sim, { ...secrets, MAC_KEY_IN: secrets.MAC_KEY_OUT ?? '' }), /must differ/)
  })

  await t.test('a message sealed with other keys is refused for good (E101, one answer for every failure)', async (t) => {
    const other = adapterFor(sim, { ...newAhSecrets(), MAC_KEY_OUT: secrets.MAC_KEY_OUT ?? '' })
    const otherMac = adapterFor(sim, { ...secrets, MAC_KEY_OUT: randomBytes(32).toString('hex') })
    t.teardown(async () => { await other.close(); await otherMac.close() })
    const wrongEnc = await expectFailure(other.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 60)])))
    const wrongMac = await expectFailure(otherMac.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 60)])))
    t.equal(wrongEnc.retryable, false)
    t.match(wrongEnc.message, /E101/)
    t.equal(wrongMac.message, wrongEnc.message, 'a wrong MAC and a wrong encryption key get the same answer')
    t.equal(sim.held('SH', 'SH-black-60'), undefined, 'nothing applied')
  })

  await t.test('legacy 1.0 only where both sides are configured for it', async (t) => {
    const legacySim = await startAhXmlSimulator({ secrets, legacy: true })
    const legacy = adapterFor(legacySim, { SM4_KEY: secrets.SM4_KEY_OUT ?? '', SM4_KEY_IN: secrets.SM4_KEY_IN ?? '' }, 1500, true)
    const modern = adapterFor(legacySim, secrets)
    t.teardown(async () => { await legacy.close(); await modern.close(); await legacySim.close() })
    await legacy.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 70)]))
    t.ok(legacySim.held('SH', 'SH-black-70'), 'legacy to legacy, the old SM4_KEY read as the outbound key')
    const err = await expectFailure(modern.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 71)])))
    t.match(err.message, /E101/, 'a 2.0 message is not taken by a 1.0 platform')
    const legacyToModern = adapterFor(sim, { SM4_KEY: secrets.SM4_KEY_OUT ?? '', SM4_KEY_IN: secrets.SM4_KEY_IN ?? '' }, 1500, true)
    t.teardown(async () => { await legacyToModern.close() })
    const back = await expectFailure(legacyToModern.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 72)])))
    t.match(back.message, /E101/, 'nor a 1.0 message by a 2.0 platform')
    t.equal(sim.held('SH', 'SH-black-72'), undefined)
  })

  await t.test('Unicode survives the wire, and the receipt is kept as evidence', async (t) => {
    const entry = sampleEntry('SH', '310000', 61, { person: true })
    entry.subject.name = '张三·阿卜杜拉 𠮷野家 😀'
    entry.facts = '事实 <含> & "引号" \'单引号\'\r\n第二行\t制表'
    const receipt = await adapter.deliver(delivery('list.upsert', [entry]))
    t.same(sim.held('SH', entry.entryId)?.item, entry)
    t.match(receipt.evidence, { DM: '0000', duplicate: false, platformFormat: 'ah-xml' })
    t.match(receipt.sentDigest, /^[A-Za-z0-9_-]{43}$/)
  })

  await t.test('0001 (the platform already had it) is success, and nothing is applied again', async (t) => {
    sim.failure = 'duplicate'
    const d = delivery('list.upsert', [sampleEntry('SH', '310000', 62)])
    const receipt = await adapter.deliver(d)
    sim.failure = 'none'
    t.match(receipt.evidence, { DM: '0001', duplicate: true })
    t.equal(sim.appliedCount(d.jti), 0)
  })

  await t.test('E500 inside an HTTP 200 is retryable', async (t) => {
    sim.failure = 'busy'
    const err = await expectFailure(adapter.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 63)])))
    sim.failure = 'none'
    t.equal(err.retryable, true)
    t.equal(err.unreachable, false)
    t.match(err.message, /E500/)
  })

  await t.test('a partly refused message (E202) is a receipt naming the refused records', async (t) => {
    sim.failure = 'partial-reject'
    const items = [sampleEntry('SH', '310000', 64), sampleEntry('SH', '310000', 65)]
    const d = delivery('list.upsert', items)
    const receipt = await adapter.deliver(d)
    t.same(receipt.refused, [{ index: 1, code: 'E201', reason: '记录未通过业务规则校验' }], '记录序号 2 is item 1')
    t.ok(sim.held('SH', 'SH-black-64'), 'the first record was applied')
    t.equal(sim.held('SH', 'SH-black-65'), undefined, 'the second was not')
    sim.failure = 'none'
    const resent = await adapter.deliver({ ...d, items: [items[1]], resends: 1 })
    t.equal(resent.refused, undefined, 'a resend goes out under a new XXID and is applied')
    t.ok(sim.held('SH', 'SH-black-65'))
  })

  await t.test('E202 refusing the only record is a permanent refusal', async (t) => {
    sim.failure = 'partial-reject'
    const err = await expectFailure(adapter.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 67)])))
    sim.failure = 'none'
    t.same([err.code, err.retryable], ['ADAPTER_REFUSED', false])
  })

  await t.test('a record the platform cannot hold is refused before sending', async (t) => {
    const entry = sampleEntry('SH', '310000', 66)
    entry.decision.documentNumber = '号'.repeat(65)
    const before = sim.received.length
    const err = await expectFailure(adapter.deliver(delivery('list.upsert', [entry])))
    t.equal(err.retryable, false)
    t.match(err.message, /decision\.documentNumber.*WSH/)
    t.equal(sim.received.length, before, 'nothing reached the platform')
  })

  await t.test('every kind is stored natively, with its codes', async (t) => {
    const d = delivery('punishment.feedback', [{ caseId: 'c9', initiator: 'SH', department: { name: '安徽省财政厅', code: 'AHCZT' }, outcome: 'declined', measure: 'restrict-public-procurement', reason: '不适用于本案' }])
    await adapter.deliver(d)
    t.match(sim.records.find((r) => r.XXID === nativeMessageId(d.origin, d.jti)), { XXLX: 'CJFK', record: { AJBH: 'c9', FQF: 'SH', ZXBMMC: '安徽省财政厅', ZXBMDM: 'AHCZT', FKJG: '03', LY: '不适用于本案' } })
  })

  await t.test('error messages never carry an identity number', async (t) => {
    sim.failure = 'reject-400'
    const entry = sampleEntry('SH', '310000', 67, { person: true })
    const err = await expectFailure(adapter.deliver(delivery('list.upsert', [entry])))
    sim.failure = 'none'
    t.notMatch(err.message, entry.subject.idNumber ?? 'x')
    t.equal(err.retryable, false)
    t.match(err.message, /E201/)
  })

  await t.test('health follows the platform', async (t) => {
    t.equal((await adapter.health()).state, 'up')
    sim.failure = 'error-500'
    t.match(await adapter.health(), { state: 'down', detail: /503 E500/ })
    sim.failure = 'none'
  })
})

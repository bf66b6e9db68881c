import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createAhXmlAdapter } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { type Delivery, type PlatformAdapter } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { startAhXmlSimulator, type AhXmlSimulator } from '../../src/simulators/ah-xml-simulator.js'
import { sampleEntry } from '../../src/simulators/sample-entries.js'
import { adapterConformance, delivery as sharedDelivery, expectFailure, simulatorTarget } from './adapter-conformance.js'

const noSign = async (): Promise<string> => { throw new Error('ah-xml does not sign with the gateway key') }

function adapterFor (sim: AhXmlSimulator, sm4Key: string, timeoutMs = 1500): PlatformAdapter {
  return createAhXmlAdapter({
    platform: { id: 'AH', name: '安徽省公共信用信息平台', regionCode: '340000', adapter: 'ah-xml', endpoint: sim.endpoint, enabled: true, delivery: DEFAULT_DELIVERY },
    policy: { ...DEFAULT_DELIVERY, timeoutMs },
    sign: noSign,
    secrets: { SM4_KEY: sm4Key }
  })
}

adapterConformance(t, 'ah-xml', async () => {
  const sm4Key = randomBytes(16).toString('hex')
  const sim = await startAhXmlSimulator({ sm4Key })
  const adapter = adapterFor(sim, sm4Key)
  return simulatorTarget(adapter, 'AH', sim)
})

// The interface's own behaviours, beyond what the shared suite asks of every adapter.
const delivery = (kind: Delivery['kind'], items: unknown[]): Delivery => sharedDelivery('AH', kind, items, 'SH')

t.test('ah-xml: the native protocol', async (t) => {
  const sm4Key = randomBytes(16).toString('hex')
  const sim = await startAhXmlSimulator({ sm4Key })
  const adapter = adapterFor(sim, sm4Key)
  t.teardown(async () => { await adapter.close(); await sim.close() })

  await t.test('refuses to start without a usable SM4 key', async (t) => {
    t.throws(() => adapterFor(sim, ''), /SM4_KEY .*is required/)
    t.throws(() => adapterFor(sim, 'not-hex'), /32 hex characters/)
  })

  await t.test('a message encrypted with another key is refused for good (E102)', async (t) => {
    const other = adapterFor(sim, randomBytes(16).toString('hex'))
    t.teardown(async () => { await other.close() })
    const err = await expectFailure(other.deliver(delivery('list.upsert', [sampleEntry('SH', '310000', 60)])))
    t.equal(err.retryable, false)
    t.match(err.message, /E10[12]/)
    t.equal(sim.held('SH', 'SH-black-60'), undefined, 'nothing applied')
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

  await t.test('a partly refused message (E202) is permanent and names the records', async (t) => {
    sim.failure = 'partial-reject'
    const items = [sampleEntry('SH', '310000', 64), sampleEntry('SH', '310000', 65)]
    const err = await expectFailure(adapter.deliver(delivery('list.upsert', items)))
    sim.failure = 'none'
    t.equal(err.retryable, false)
    t.match(err.message, /E202.*\[2\] E201/)
    t.ok(sim.held('SH', 'SH-black-64'), 'the first record was applied')
    t.equal(sim.held('SH', 'SH-black-65'), undefined, 'the second was not')
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
    t.match(sim.records.find((r) => r.XXID === d.jti), { XXLX: 'CJFK', record: { AJBH: 'c9', FQF: 'SH', ZXBMMC: '安徽省财政厅', ZXBMDM: 'AHCZT', FKJG: '03', LY: '不适用于本案' } })
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

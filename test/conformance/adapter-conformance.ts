import type { Test } from 'tap'
import { AdapterError, type AdapterErrorCode, type Delivery, type PlatformAdapter } from '../../adapters/types.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { sampleEntry, sampleNotice } from '../../sim/sample-entries.js'

/** What the conformance suite needs of an adapter under test and the platform behind it. */
export interface ConformanceTarget {
  adapter: PlatformAdapter
  destination: string
  /** The entry as the platform holds it, mapped back to the contract's shape; undefined if absent. */
  held: (owner: string, entryId: string) => Promise<{ item: unknown, removed: boolean } | undefined>
  /** How many times the platform applied the message `jti`. */
  appliedCount: (jti: string) => Promise<number>
  /** The gateway notices the platform applied, mapped back to the contract's shape, in arrival order. */
  notices: () => Promise<unknown[]>
  /** Makes the platform fail in one of the ways every platform can. */
  fail: (mode: 'none' | 'error-500' | 'hang' | 'reject-400' | 'invalid-receipt') => void
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

/** A simulator of the kind every native simulator is: storage read back, failure modes, stop and restart. */
export interface ConformanceSimulator {
  failure: string
  held: (owner: string, entryId: string) => { item: unknown, removed: boolean } | undefined
  appliedCount: (jti: string) => number
  notices: () => unknown[]
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

/** The conformance target of an adapter in front of such a simulator (its modes named as the suite's). */
export function simulatorTarget (
  adapter: PlatformAdapter, destination: string, sim: ConformanceSimulator
): ConformanceTarget {
  return {
    adapter,
    destination,
    held: async (owner, entryId) => sim.held(owner, entryId),
    appliedCount: async (jti) => sim.appliedCount(jti),
    notices: async () => sim.notices(),
    fail: (mode) => { sim.failure = mode },
    stop: async () => { await sim.stop() },
    restart: async () => { await sim.restart() },
    close: async () => { await adapter.close(); await sim.close() }
  }
}

/** Expects a delivery to fail with an AdapterError and returns it. */
export async function expectFailure (p: Promise<unknown>): Promise<AdapterError> {
  try {
    await p
  } catch (err) {
    if (err instanceof AdapterError) return err
    throw err
  }
  throw new Error('expected the delivery to fail')
}

let seq = 0
/** A delivery as the gateway would hand it to an adapter, with a fresh jti. */
export const delivery = (destination: string, kind: Delivery['kind'], items: unknown[], origin = 'SH'): Delivery => ({
  deliveryId: String(++seq),
  jti: `conformance-${process.pid}-${seq}`,
  kind,
  origin,
  originDigest: 'A'.repeat(43),
  resends: 0,
  destination,
  items,
  receivedAt: new Date().toISOString()
})

async function failure (p: Promise<unknown>): Promise<AdapterError | undefined> {
  try {
    await p
    return undefined
  } catch (err) {
    return err instanceof AdapterError ? err : new AdapterError(`not an AdapterError: ${String(err)}`, { code: 'ADAPTER_INTERNAL', retryable: true })
  }
}

/**
 * The conformance suite every adapter must pass: it delivers every kind, maps every contract
 * field both ways, is idempotent on redelivery of the same jti, and classifies failures as
 * retryable or permanent correctly.
 */
export function adapterConformance (t: Test, name: string, makeTarget: () => Promise<ConformanceTarget>): void {
  t.test(`${name}: conformance`, async (t) => {
    const target = await makeTarget()
    t.teardown(async () => { await target.close() })
    const { adapter, destination: dest } = target

    await t.test('delivers list entries and maps every contract field', async (t) => {
      const items = [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true }), sampleEntry('SH', '310000', 3, { listType: 'red' })]
      const receipt = await adapter.deliver(delivery(dest, 'list.upsert', items))
      t.type(receipt.evidence, 'object', 'a receipt with evidence')
      for (const item of items) t.same((await target.held('SH', item.entryId))?.item, item, `${item.entryId}: every field as sent`)
    })

    await t.test('is idempotent on redelivery of the same jti', async (t) => {
      const d = delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 10)])
      await adapter.deliver(d)
      await adapter.deliver(d)
      t.equal(await target.appliedCount(d.jti), 1, 'applied once')
    })

    await t.test('never goes back in versions, and removes', async (t) => {
      await adapter.deliver(delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 20, { version: 2 })]))
      await adapter.deliver(delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 20, { version: 1 })]))
      t.equal((await target.held('SH', 'SH-black-20'))?.item && ((await target.held('SH', 'SH-black-20'))?.item as { version: number }).version, 2)
      await adapter.deliver(delivery(dest, 'list.remove', [{ entryId: 'SH-black-20', owner: 'SH', version: 3, reason: 'repair', basis: '信用修复', effectiveOn: '2026-11-20' }]))
      t.equal((await target.held('SH', 'SH-black-20'))?.removed, true, 'removed')
    })

    await t.test('delivers every other kind', async (t) => {
      const entry = sampleEntry('SH', '310000', 30)
      const kinds: Array<[Delivery['kind'], unknown]> = [
        ['punishment.notice', { caseId: 'c1', mode: 'punishment', entryId: entry.entryId, owner: 'SH', initiatingDepartment: { name: '上海市市场监督管理局' }, subject: entry.subject, measures: ['restrict-public-procurement'], respondBy: '2026-12-01', feedbackBy: '2026-12-15' }],
        ['punishment.feedback', { caseId: 'c1', initiator: 'SH', department: { name: '江苏省财政厅' }, outcome: 'applied', measure: 'restrict-public-procurement', appliedOn: '2026-11-25' }],
        ['objection.open', { objectionId: 'o1', entryId: entry.entryId, owner: 'SH', lodgedOn: '2026-11-20', grounds: '处罚已撤销' }],
        ['objection.resolve', { objectionId: 'o1', entryId: entry.entryId, owner: 'SH', outcome: 'upheld', resolvedOn: '2026-11-22', explanation: '维持' }]
      ]
      for (const [kind, item] of kinds) {
        const d = delivery(dest, kind, [item])
        await adapter.deliver(d)
        t.equal(await target.appliedCount(d.jti), 1, `${kind} delivered`)
      }
    })

    await t.test('delivers gateway notices, issued by YRD, every field intact', async (t) => {
      const notices = [sampleNotice(1, 'reminder'), sampleNotice(2, 'remediation'), sampleNotice(3, 'check.outcome')]
      const d = delivery(dest, 'gateway.notice', notices, GATEWAY_ID)
      await adapter.deliver(d)
      t.equal(await target.appliedCount(d.jti), 1, 'gateway.notice delivered')
      t.same(await target.notices(), notices, 'the platform received each notice, every field as issued')
      await adapter.deliver(d)
      t.equal(await target.appliedCount(d.jti), 1, 'a redelivered notice is applied once')
      t.equal((await target.notices()).length, notices.length, 'and not received twice')
    })

    await t.test('classifies failures: retryable or permanent', async (t) => {
      const expectations: Array<[Parameters<ConformanceTarget['fail']>[0], boolean, boolean, AdapterErrorCode]> = [
        ['error-500', true, false, 'ADAPTER_UNAVAILABLE'], ['hang', true, true, 'ADAPTER_TIMEOUT'],
        ['reject-400', false, false, 'ADAPTER_REFUSED'], ['invalid-receipt', false, false, 'ADAPTER_INVALID_RECEIPT']
      ]
      for (const [mode, retryable, unreachable, code] of expectations) {
        target.fail(mode)
        const err = await failure(adapter.deliver(delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 40)])))
        t.ok(err, `${mode}: fails`)
        t.equal(err?.retryable, retryable, `${mode}: retryable ${String(retryable)}`)
        if (unreachable) t.equal(err?.unreachable, true, `${mode}: unreachable`)
        t.equal(err?.code, code, `${mode}: code ${code}`)
      }
      target.fail('none')
      await target.stop()
      const down = await failure(adapter.deliver(delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 41)])))
      t.same([down?.retryable, down?.unreachable], [true, true], 'platform down: retryable, unreachable')
      t.equal(down?.code, 'ADAPTER_UNREACHABLE', 'platform down: code ADAPTER_UNREACHABLE')
      t.equal((await adapter.health()).state, 'down', 'health says down')
      await target.restart()
      t.equal((await adapter.health()).state, 'up', 'health says up again')
      if (adapter.credentialsCheck !== undefined) {
        t.equal((await adapter.credentialsCheck()).state, 'up', 'the credentials check passes with the right credentials')
      }
      await adapter.deliver(delivery(dest, 'list.upsert', [sampleEntry('SH', '310000', 42)]))
      t.ok(await target.held('SH', 'SH-black-42'), 'delivers again after recovery')
    })
  })
}

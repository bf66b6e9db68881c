import t, { type Test } from 'tap'
import { EVENT_KEYS, PLATFORM_EVENT_KEYS, type CaseEvent, type EventKey, type PlatformEventKey } from '../../src/punishment/case-events.js'
import {
  CaseTransitionError,
  canApply,
  openCase,
  platformState,
  remediationNotices,
  transition,
  type CaseTransitionRule
} from '../../src/punishment/case-state-machine.js'
import {
  ALLOWED,
  CASE_STATUSES,
  PLATFORM_ALLOWED,
  PLATFORM_STATES,
  type CaseState,
  type CaseStatus,
  type PlatformState
} from '../../src/punishment/case-states.js'

const fresh = (mode: 'punishment' | 'reward' = 'punishment'): CaseState => openCase({
  caseId: 'C1', mode, entryId: 'E1', initiator: 'SH', implementers: ['JS', 'ZJ'], measures: ['M1', 'M2']
})

const run = (state: CaseState, events: readonly CaseEvent[]): CaseState => events.reduce(transition, state)

const ack = (platform: string): CaseEvent => ({ type: 'acknowledge', platform })
const applied = (platform: string, measure: string): CaseEvent =>
  ({ type: 'feedback', platform, measure, outcome: 'applied', appliedOn: '2026-11-20' })
const declined = (platform: string, measure: string): CaseEvent =>
  ({ type: 'feedback', platform, measure, outcome: 'declined', reason: 'no licence held here' })
const notApplicable = (platform: string, measure: string): CaseEvent =>
  ({ type: 'feedback', platform, measure, outcome: 'not-applicable' })
const opened: CaseEvent = { type: 'objection-opened', objectionId: 'O1' }

function refusal (t: Test, fn: () => unknown, rule: CaseTransitionRule, msg: string): void {
  let caught: unknown
  try { fn() } catch (err) { caught = err }
  t.ok(caught instanceof CaseTransitionError, `${msg}: throws a CaseTransitionError`)
  t.match(caught, { code: 'CASE_TRANSITION_INVALID', rule }, msg)
}

// One sample event per table key, aimed at platform JS.
const SAMPLE: Record<EventKey, CaseEvent> = {
  acknowledge: ack('JS'),
  feedback: applied('JS', 'M1'),
  'feedback-correction': { ...declined('JS', 'M1'), correction: true } as CaseEvent,
  'deadline-passed:response': { type: 'deadline-passed', which: 'response', platform: 'JS' },
  'deadline-passed:feedback': { type: 'deadline-passed', which: 'feedback', platform: 'JS' },
  'objection-opened': opened,
  'objection-resolved:upheld': { type: 'objection-resolved', objectionId: 'O1', outcome: 'upheld' },
  'objection-resolved:corrected': { type: 'objection-resolved', objectionId: 'O1', outcome: 'corrected', correctedVersion: 2 },
  'objection-resolved:revoked': { type: 'objection-resolved', objectionId: 'O1', outcome: 'revoked' },
  'entry-removed': { type: 'entry-removed', reason: 'repair' }
}

const ALL_FEEDBACK = ['JS', 'ZJ'].flatMap((p) => [applied(p, 'M1'), declined(p, 'M2')])
const CASE_FIXTURES: Record<CaseStatus, CaseState> = {
  open: fresh(),
  suspended: run(fresh(), [opened]),
  closed: run(fresh(), ALL_FEEDBACK),
  revoked: run(fresh(), [opened, SAMPLE['objection-resolved:revoked']]),
  withdrawn: run(fresh(), [SAMPLE['entry-removed']])
}
// JS in each state; ZJ stays pushed so the case stays open.
const PLATFORM_FIXTURES: Record<PlatformState, CaseState> = {
  pushed: fresh(),
  acknowledged: run(fresh(), [ack('JS')]),
  'feedback-partial': run(fresh(), [ack('JS'), applied('JS', 'M1')]),
  'feedback-complete': run(fresh(), [ack('JS'), applied('JS', 'M1'), applied('JS', 'M2')])
}

t.test('fixtures are in the states they are named after', async (t) => {
  for (const status of CASE_STATUSES) t.equal(CASE_FIXTURES[status].status, status)
  for (const state of PLATFORM_STATES) {
    t.equal(PLATFORM_FIXTURES[state].status, 'open')
    t.equal(PLATFORM_FIXTURES[state].platforms.JS?.state, state)
  }
})

t.test('every (case state, event) pair not in ALLOWED throws CASE_TRANSITION_INVALID from the table', async (t) => {
  let illegal = 0
  let legal = 0
  for (const status of CASE_STATUSES) {
    for (const key of EVENT_KEYS) {
      const fn = (): CaseState => transition(CASE_FIXTURES[status], SAMPLE[key])
      if (ALLOWED[status][key] === undefined) {
        illegal++
        refusal(t, fn, 'case-table', `${status} × ${key}`)
      } else {
        legal++
        // Allowed by the table: it may still break a data rule, but never the table's.
        try { fn() } catch (err) { t.not((err as CaseTransitionError).rule, 'case-table', `${status} × ${key}`) }
      }
    }
  }
  t.equal(CASE_STATUSES.length * EVENT_KEYS.length, 50)
  t.equal(legal, 14, 'open and suspended allow 7 each')
  t.equal(illegal, 36, 'every other pair was tried')
})

t.test('every (platform state, event) pair not in PLATFORM_ALLOWED throws CASE_TRANSITION_INVALID from the table', async (t) => {
  let illegal = 0
  let legal = 0
  for (const state of PLATFORM_STATES) {
    for (const key of PLATFORM_EVENT_KEYS) {
      const fn = (): CaseState => transition(PLATFORM_FIXTURES[state], SAMPLE[key as PlatformEventKey])
      if (PLATFORM_ALLOWED[state][key] === undefined) {
        illegal++
        refusal(t, fn, 'platform-table', `${state} × ${key}`)
      } else {
        legal++
        try { fn() } catch (err) { t.not((err as CaseTransitionError).rule, 'platform-table', `${state} × ${key}`) }
      }
    }
  }
  t.equal(legal, 10)
  t.equal(illegal, 10, 'every other pair was tried')
})

t.test('punishment happy path: response, mixed feedback, closed when every platform is complete', async (t) => {
  const before = fresh()
  const snapshot = JSON.stringify(before)
  let s = run(before, [ack('JS'), ack('ZJ'), applied('JS', 'M1'), declined('JS', 'M2'), applied('ZJ', 'M1')])
  t.equal(JSON.stringify(before), snapshot, 'the input state is not changed')
  t.equal(s.status, 'open')
  t.equal(platformState(s, 'JS'), 'feedback-complete')
  t.equal(platformState(s, 'ZJ'), 'feedback-partial')
  t.equal(platformState(s, 'SH'), undefined, 'the initiator does not implement')
  s = transition(s, notApplicable('ZJ', 'M2'))
  t.equal(s.status, 'closed')
  t.same(s.platforms.ZJ?.outcomes, { M1: { outcome: 'applied', appliedOn: '2026-11-20' }, M2: { outcome: 'not-applicable', reason: null } })
  t.equal(s.platforms.JS?.respondedBy, 'acknowledge')
  t.same(remediationNotices(s), [])
  t.same(JSON.parse(JSON.stringify(s)), s, 'the state is plain JSON')
})

t.test('reward happy path: feedback before a response counts as the response', async (t) => {
  let s = openCase({ caseId: 'R1', mode: 'reward', entryId: 'E9', initiator: 'ZJ', implementers: ['AH'], measures: ['FAST-TRACK'] })
  t.equal(s.entryVersion, 1)
  s = transition(s, applied('AH', 'FAST-TRACK'))
  t.equal(s.mode, 'reward')
  t.equal(s.platforms.AH?.respondedBy, 'feedback')
  t.equal(s.platforms.AH?.state, 'feedback-complete', 'one measure: straight from pushed to complete')
  t.equal(s.status, 'closed')
})

t.test('objection upheld: suspended everywhere, feedback refused, then resumed', async (t) => {
  let s = run(fresh(), [applied('JS', 'M1'), opened])
  t.equal(s.status, 'suspended')
  t.equal(s.openObjection, 'O1')
  t.equal(platformState(s, 'JS'), 'suspended')
  t.equal(platformState(s, 'ZJ'), 'suspended')
  refusal(t, () => transition(s, applied('ZJ', 'M1')), 'case-table', 'no execution while verifying')
  refusal(t, () => transition(s, opened), 'case-table', 'one objection at a time')
  s = transition(s, ack('ZJ'))
  t.equal(s.platforms.ZJ?.state, 'acknowledged', 'a response is still taken')
  refusal(t, () => transition(s, { type: 'objection-resolved', objectionId: 'O2', outcome: 'upheld' }), 'objection-mismatch', 'another objection')
  s = transition(s, SAMPLE['objection-resolved:upheld'])
  t.equal(s.status, 'open')
  t.equal(s.openObjection, null)
  t.equal(platformState(s, 'JS'), 'feedback-partial', 'outcomes survive the suspension')
  s = run(s, [declined('JS', 'M2'), applied('ZJ', 'M1'), applied('ZJ', 'M2')])
  t.equal(s.status, 'closed')
})

t.test('objection corrected: the case continues on the newer version', async (t) => {
  const s = run(fresh(), [applied('JS', 'M1'), opened])
  refusal(t, () => transition(s, { type: 'objection-resolved', objectionId: 'O1', outcome: 'corrected' }), 'version-not-newer', 'a version is needed')
  refusal(t, () => transition(s, { type: 'objection-resolved', objectionId: 'O1', outcome: 'corrected', correctedVersion: 1 }), 'version-not-newer', 'not newer')
  const c = transition(s, SAMPLE['objection-resolved:corrected'])
  t.equal(c.status, 'open')
  t.equal(c.entryVersion, 2)
  t.equal(c.platforms.JS?.outcomes.M1?.outcome, 'applied')
})

t.test('objection revoked: case final, platforms that applied a measure get remediation', async (t) => {
  const s = run(fresh(), [ack('JS'), applied('JS', 'M1'), declined('JS', 'M2'), notApplicable('ZJ', 'M1'), opened,
    SAMPLE['objection-resolved:revoked']])
  t.equal(s.status, 'revoked')
  t.same(remediationNotices(s), [{ platform: 'JS', measures: ['M1'] }], 'ZJ applied nothing')
  t.same(remediationNotices(CASE_FIXTURES.revoked), [], 'nothing applied, nothing to remedy')
  for (const key of EVENT_KEYS) t.notOk(canApply(s, SAMPLE[key]), `${key} after revoked`)
})

t.test('overdue marks: set by deadlines, idempotent, kept through completion', async (t) => {
  const late = (which: 'response' | 'feedback', platform: string): CaseEvent => ({ type: 'deadline-passed', which, platform })
  let s = run(fresh(), [late('response', 'JS'), late('response', 'JS')])
  t.same(s.platforms.JS?.overdue, { response: true, feedback: false }, 'a timer firing twice sets one mark')
  t.equal(s.platforms.JS?.state, 'pushed')
  s = run(s, [ack('JS'), late('feedback', 'JS'), applied('JS', 'M1')])
  refusal(t, () => transition(s, late('response', 'JS')), 'platform-table', 'response deadline after a response')
  s = run(s, [late('feedback', 'JS'), declined('JS', 'M2')])
  t.same(s.platforms.JS?.overdue, { response: true, feedback: true })
  t.equal(s.platforms.JS?.state, 'feedback-complete')
  refusal(t, () => transition(s, late('feedback', 'JS')), 'platform-table', 'feedback deadline after complete feedback')
  const suspended = run(fresh(), [opened, late('feedback', 'ZJ')])
  t.equal(suspended.platforms.ZJ?.overdue.feedback, true, 'marks are facts, taken while suspended')
  t.same(s.platforms.ZJ?.overdue, { response: false, feedback: false })
})

t.test('entry removed: the case is withdrawn from open or suspended, then final', async (t) => {
  const removed: CaseEvent = { type: 'entry-removed', reason: 'expiry' }
  const a = run(fresh(), [applied('JS', 'M1'), removed])
  t.equal(a.status, 'withdrawn')
  t.equal(a.removedBy, 'expiry')
  t.same(remediationNotices(a), [], 'a rightful measure stops; it is not remedied')
  const b = run(fresh(), [opened, SAMPLE['entry-removed']])
  t.equal(b.status, 'withdrawn')
  t.equal(b.removedBy, 'repair')
  t.equal(b.openObjection, null, 'the objection is moot')
  refusal(t, () => transition(b, SAMPLE['objection-resolved:upheld']), 'case-table', 'resolution after withdrawal')
  refusal(t, () => transition(b, ack('JS')), 'case-table', 'response after withdrawal')
})

t.test('feedback data rules', async (t) => {
  const s = run(fresh(), [ack('JS'), applied('JS', 'M1')])
  refusal(t, () => transition(s, applied('JS', 'M9')), 'unknown-measure', 'measure not in the case')
  refusal(t, () => transition(s, applied('AH', 'M1')), 'unknown-platform', 'platform not implementing')
  refusal(t, () => transition(s, applied('SH', 'M1')), 'unknown-platform', 'the initiator')
  refusal(t, () => transition(s, ack('AH')), 'unknown-platform', 'response from a stranger')
  refusal(t, () => transition(s, { type: 'deadline-passed', which: 'feedback', platform: 'constructor' }), 'unknown-platform', 'no inherited keys')
  refusal(t, () => transition(s, applied('JS', 'constructor')), 'unknown-measure', 'no inherited measure')
  refusal(t, () => transition(s, declined('JS', 'M1')), 'outcome-exists', 'a second outcome needs correction: true')
  refusal(t, () => transition(s, { ...declined('JS', 'M2'), correction: true } as CaseEvent), 'nothing-to-correct', 'nothing to correct yet')
  refusal(t, () => transition(s, { type: 'feedback', platform: 'JS', measure: 'M2', outcome: 'applied' }), 'outcome-incomplete', 'applied needs a date')
  refusal(t, () => transition(s, { type: 'feedback', platform: 'JS', measure: 'M2', outcome: 'applied', appliedOn: '20/11/2026' }), 'outcome-incomplete', 'a YYYY-MM-DD date')
  refusal(t, () => transition(s, { type: 'feedback', platform: 'JS', measure: 'M2', outcome: 'declined', reason: ' ' }), 'outcome-incomplete', 'declined needs a reason')
  const c = transition(s, { ...declined('JS', 'M1'), correction: true } as CaseEvent)
  t.same(c.platforms.JS?.outcomes.M1, { outcome: 'declined', reason: 'no licence held here' })
  t.equal(c.platforms.JS?.corrections, 1)
  t.equal(c.platforms.JS?.state, 'feedback-partial')
  t.ok(canApply(s, applied('JS', 'M2')))
  t.notOk(canApply(s, applied('JS', 'M9')))
})

t.test('anything after closed is refused', async (t) => {
  const s = CASE_FIXTURES.closed
  let n = 0
  for (const key of EVENT_KEYS) {
    refusal(t, () => transition(s, SAMPLE[key]), 'case-table', `${key} after closed`)
    n++
  }
  refusal(t, () => transition(s, { ...applied('JS', 'M1'), correction: true } as CaseEvent), 'case-table', 'even a correction')
  t.equal(n, EVENT_KEYS.length)
})

t.test('opening a case checks its parties and measures', async (t) => {
  const base = { caseId: 'C2', mode: 'punishment' as const, entryId: 'E2', initiator: 'SH', implementers: ['JS'], measures: ['M1'] }
  refusal(t, () => openCase({ ...base, implementers: [] }), 'case-invalid', 'no implementer')
  refusal(t, () => openCase({ ...base, implementers: ['JS', 'JS'] }), 'case-invalid', 'duplicate implementer')
  refusal(t, () => openCase({ ...base, implementers: ['JS', 'SH'] }), 'case-invalid', 'initiator implementing')
  refusal(t, () => openCase({ ...base, measures: [] }), 'case-invalid', 'no measure')
  refusal(t, () => openCase({ ...base, measures: ['M1', 'M1'] }), 'case-invalid', 'duplicate measure')
  const s = openCase({ ...base, entryVersion: 3 })
  t.equal(s.entryVersion, 3)
  t.equal(s.platforms.JS?.state, 'pushed')
  const err = new CaseTransitionError('case-table', 'C2', 'x')
  t.match(err, { name: 'CaseTransitionError', code: 'CASE_TRANSITION_INVALID', status: 409, retryable: false, caseId: 'C2' })
})

t.test('revokeClosed: only a closed case, with remediation for what was applied', async (t) => {
  const { openCase: open, transition: step, revokeClosed: revoke } = await import('../../src/punishment/case-state-machine.js')
  let c = open({ caseId: 'c', mode: 'punishment', entryId: 'e', measures: ['m'], initiator: 'JS', implementers: ['SH'] })
  t.throws(() => revoke(c), { code: 'CASE_TRANSITION_INVALID' }, 'an open case is revoked through its objection')
  c = step(c, { type: 'feedback', platform: 'SH', measure: 'm', outcome: 'applied', appliedOn: '2026-11-20' })
  t.equal(c.status, 'closed')
  const r = revoke(c)
  t.equal(r.status, 'revoked')
  t.same(r.remediation, [{ platform: 'SH', measures: ['m'] }])
  t.throws(() => revoke(r), { code: 'CASE_TRANSITION_INVALID' }, 'final')
})

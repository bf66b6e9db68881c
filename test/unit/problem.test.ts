import t from 'tap'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ProblemV1, type ItemErrorV1 } from '../../contracts/problem-v1.js'
import { ERROR_CODES, GatewayError, isGatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import { PROBLEM_TYPE_BASE, toProblem } from '../../src/errors/problem.js'

const problemCheck = TypeCompiler.Compile(ProblemV1)

// docs/protocol.md#errors: every code the contract names, with its status.
const CONTRACT_CODES: ReadonlyArray<[ErrorCode, number]> = [
  ['ENVELOPE_MALFORMED', 400],
  ['SIGNATURE_INVALID', 401],
  ['KEY_UNKNOWN', 401],
  ['ISSUER_UNKNOWN', 401],
  ['ALG_NOT_ALLOWED', 401],
  ['ENVELOPE_EXPIRED', 401],
  ['NOT_OWNER', 403],
  ['JTI_CONFLICT', 409],
  ['PAYLOAD_TOO_LARGE', 413],
  ['UNSUPPORTED_MEDIA_TYPE', 415],
  ['SCHEMA_INVALID', 422],
  ['USCC_INVALID', 422],
  ['ID_NUMBER_INVALID', 422]
]

t.test('toProblem renders type, title, status, detail and code', async (t) => {
  const problem = toProblem(new GatewayError('SIGNATURE_INVALID', 'signature does not verify'))
  t.same(problem, {
    type: `${PROBLEM_TYPE_BASE}signature-invalid`,
    title: 'Signature invalid',
    status: 401,
    detail: 'signature does not verify',
    code: 'SIGNATURE_INVALID'
  })
  t.notOk('instance' in problem, 'no instance unless given')
  t.notOk('errors' in problem, 'no errors unless there are some')
  t.ok(problemCheck.Check(problem), 'valid ProblemV1')
})

t.test('instance is added when given', async (t) => {
  const problem = toProblem(new GatewayError('JTI_CONFLICT', 'other bytes'), '/v1/envelopes')
  t.equal(problem.instance, '/v1/envelopes')
  t.ok(problemCheck.Check(problem))
})

t.test('item errors are added only when non-empty', async (t) => {
  const errors: ItemErrorV1[] = [
    { index: 0, path: '/subject/creditCode', code: 'USCC_INVALID', detail: 'unified social credit code invalid (CHECK_CHARACTER)' },
    { index: 3, path: '/owner', code: 'NOT_OWNER', detail: 'only the owning platform may change this entry' }
  ]
  const problem = toProblem(new GatewayError('USCC_INVALID', '2 invalid item field(s)', { errors }))
  t.same(problem.errors, errors)
  t.equal(problem.status, 422)
  t.ok(problemCheck.Check(problem))
  const empty = toProblem(new GatewayError('SCHEMA_INVALID', 'none', { errors: [] }))
  t.notOk('errors' in empty, 'an empty list is left out')
})

t.test('every contract code has its status, title and type', async (t) => {
  for (const [code, status] of CONTRACT_CODES) {
    const err = new GatewayError(code, `detail of ${code}`)
    t.equal(err.code, code, `${code}: code`)
    t.equal(err.status, status, `${code}: status ${status}`)
    const problem = toProblem(err)
    t.equal(problem.status, status, `${code}: problem status ${status}`)
    t.equal(problem.code, code, `${code}: problem code`)
    t.equal(problem.title, ERROR_CODES[code].title, `${code}: title`)
    t.equal(problem.type, PROBLEM_TYPE_BASE + code.toLowerCase().replaceAll('_', '-'), `${code}: type`)
    t.ok(problemCheck.Check(problem), `${code}: valid ProblemV1`)
  }
})

t.test('every code has a distinct type and a non-empty title', async (t) => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[]
  const types = new Set(codes.map((c) => toProblem(new GatewayError(c, 'x')).type))
  t.equal(types.size, codes.length, 'types are distinct')
  for (const c of codes) t.ok(ERROR_CODES[c].title.length > 0, `${c}: title`)
})

t.test('retryable is true for 5xx only by default, and can be set', async (t) => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const err = new GatewayError(code, 'x')
    t.equal(err.retryable, err.status >= 500, `${code} (${err.status}): retryable ${String(err.status >= 500)}`)
  }
  t.equal(new GatewayError('INTERNAL', 'x').status, 500)
  t.equal(new GatewayError('UNAVAILABLE', 'x').status, 503)
  t.equal(new GatewayError('UNAVAILABLE', 'x', { retryable: false }).retryable, false, 'a 5xx made non-retryable')
  t.equal(new GatewayError('RATE_LIMITED', 'x', { retryable: true }).retryable, true, 'a 4xx made retryable')
})

t.test('cause is kept; the error is an Error and a GatewayError', async (t) => {
  const cause = new Error('underlying')
  const err = new GatewayError('UNAVAILABLE', 'try later', { cause })
  t.equal(err.cause, cause)
  t.ok(err instanceof Error)
  t.equal(err.name, 'GatewayError')
  t.equal(err.message, 'try later')
  t.ok(isGatewayError(err))
  t.notOk(isGatewayError(cause))
  t.notOk('cause' in new GatewayError('INTERNAL', 'x'), 'no cause property unless given')
  t.equal(toProblem(err).detail, 'try later', 'the cause is not rendered')
  t.notOk(JSON.stringify(toProblem(err)).includes('underlying'), 'nothing of the cause leaks into the problem')
})

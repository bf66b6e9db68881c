import type { ProblemV1 } from '../../contracts/problem-v1.js'
import { ERROR_CODES, type GatewayError } from './gateway-error.js'

/** Base of every problem `type` URI; each code has its own anchor in the OpenAPI description. */
export const PROBLEM_TYPE_BASE = 'https://yrd-credit-gateway.example/problems/'

/** Renders a GatewayError as RFC 9457 problem details; `requestId` ties it to the request's log lines. */
export function toProblem (err: GatewayError, instance?: string, requestId?: string): ProblemV1 {
  const problem: ProblemV1 = {
    type: PROBLEM_TYPE_BASE + err.code.toLowerCase().replaceAll('_', '-'),
    title: ERROR_CODES[err.code].title,
    status: err.status,
    detail: err.message,
    code: err.code
  }
  if (instance !== undefined) problem.instance = instance
  if (requestId !== undefined) problem.requestId = requestId
  if (err.errors !== undefined && err.errors.length > 0) problem.errors = err.errors
  return problem
}

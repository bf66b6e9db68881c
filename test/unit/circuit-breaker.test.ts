import t from 'tap'
import { CircuitBreakers } from '../../src/delivery/circuit-breaker.js'

t.test('the breaker opens after the threshold of timeouts in a row, half-opens, closes on a success or opens again', async (t) => {
  const b = new CircuitBreakers((p) => p === 'JS' ? 3 : 1)
  t.same([b.timeout('JS'), b.timeout('JS')], ['counted', 'counted'])
  t.equal(b.stateOf('JS'), 'closed')
  t.equal(b.timeout('JS'), 'opened', 'the third opens it')
  t.equal(b.timeout('JS'), 'open', 'timeouts while open find it open')
  t.equal(b.stateOf('ZJ'), 'closed', 'per platform')
  b.halfOpen('JS')
  t.equal(b.stateOf('JS'), 'half-open')
  t.equal(b.timeout('JS'), 'opened', 'half-open: the first timeout opens it again')
  b.halfOpen('JS')
  t.equal(b.success('JS'), true, 'a success closes it')
  t.equal(b.stateOf('JS'), 'closed')
  t.same([b.timeout('JS'), b.timeout('JS')], ['counted', 'counted'], 'the count starts again')
  t.equal(b.success('JS'), false, 'a success resets the count; the breaker was closed, nothing to close')
  t.same([b.timeout('JS'), b.timeout('JS'), b.timeout('JS')], ['counted', 'counted', 'opened'])
  t.equal(b.timeout('AH'), 'opened', 'a threshold of one')
})

import t from 'tap'
import { SettledJobs } from '../../src/delivery/settled-jobs.js'

t.test('a settled job is taken once, by its own id only', async (t) => {
  const s = new SettledJobs()
  s.add('d1-0')
  t.equal(s.take('d1-1'), false, 'a resend of the same delivery (a new job id) is not settled')
  t.equal(s.take(undefined), false, 'a job without an id is not settled')
  t.equal(s.take('d1-0'), true, 'the settled job is')
  t.equal(s.take('d1-0'), false, 'and only once')
})

t.test('the oldest settled job is forgotten past the limit (its job then asks the ledger)', async (t) => {
  const s = new SettledJobs()
  for (let i = 0; i <= 10_000; i++) s.add(`d${i}-0`)
  t.equal(s.take('d0-0'), false, 'the first of 10,001 is forgotten')
  t.equal(s.take('d1-0'), true, 'the second is kept')
  t.equal(s.take('d10000-0'), true, 'the last is kept')
})

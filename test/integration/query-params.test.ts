import t from 'tap'
import { startHarness } from '../helpers/harness.js'

// Query values are text: the validator coerces them for the query string only, into integers with bounds.
t.test('numeric query parameters are read from the query string, and out-of-range ones refused', async (t) => {
  const h = await startHarness(t)
  const auth = { authorization: `Bearer ${await h.adminToken('operator')}` }
  const get = async (url: string): Promise<number> => (await h.app.inject({ url, headers: auth })).statusCode
  t.equal(await get('/v1/deliveries?limit=2'), 200)
  t.equal(await get('/v1/deliveries?limit=0'), 400)
  t.equal(await get('/v1/deliveries?limit=x'), 400)
  t.equal(await get('/v1/reconciliation/runs?limit=5'), 200)
  t.equal(await get('/v1/reconciliation/runs?limit=501'), 400)
  t.equal(await get('/v1/cases?limit=5&overdue=true'), 200)
  const problem = (await h.app.inject({ url: '/v1/deliveries?limit=0', headers: auth })).json()
  t.equal(problem.code, 'BAD_REQUEST')
})

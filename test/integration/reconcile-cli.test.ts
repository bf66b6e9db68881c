import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { defaultConfigDir } from '../../config/load-config.js'
import { reconcileFromCli } from '../../src/reconcile/reconcile-cli.js'
import { DATABASE_URL } from '../helpers/harness.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList, seedDrift } from '../helpers/reconcile-drift.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'

t.test('credit-gw reconcile: runs every replica of a list with the gateway\'s config and key, stores the runs, exits 1 on drift', async (t) => {
  const { h, sim, sims } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  seedDrift(sim('ZJ').held, 'SH', '310000')

  // The command line reads the same environment as `serve`: a config folder, the ledger, the key.
  const dir = mkdtempSync(join(tmpdir(), 'recon-cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  cpSync(defaultConfigDir(), dir, { recursive: true })
  for (const [id, s] of sims) {
    const file = join(dir, 'platforms', `${id}.json`)
    const p = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    writeFileSync(file, JSON.stringify({ ...p, adapter: 'yrd-push', endpoint: `${s.url}/yrd/v1/deliveries`, healthUrl: `${s.url}/health` }))
  }
  writeFileSync(join(dir, 'gateway-key.json'), JSON.stringify({ keys: h.gatewayPrivateJwks }))
  const saved = { ...process.env }
  t.teardown(() => { process.env = saved })
  Object.assign(process.env, { GW_CONFIG_DIR: dir, DATABASE_URL, GW_DB_SCHEMA: h.runtime.dbSchema, GW_SIGNING_KEY_FILE: join(dir, 'gateway-key.json') })

  const lines: string[] = []
  const code = await reconcileFromCli({ owner: 'SH', list: LIST, findings: true, by: 'cli:test' }, (l) => { lines.push(l) })
  t.equal(code, 1, 'exit code 1: differences found')
  t.match(lines.find((l) => l.includes('→ JS')), /done \(range\)\s+in sync/, 'JS in sync')
  t.match(lines.find((l) => l.includes('→ ZJ')), /extra-removed: 1, extra-unknown: 1, missing: 1, stale: 1, content-mismatch: 1, suspension-mismatch: 1/)
  t.ok(lines.some((l) => /^ {2}extra-removed {2}SH-black-21 {2}owner v2 removed {2}replica v1 active/.test(l)), 'findings printed, most harmful first')
  t.notOk(lines.join('\n').includes(sampleIdNumber('310000', 13)), 'no identity number in clear')
  t.ok(lines.some((l) => l.includes('SH-black-13') && /3100\*{10}/.test(l)), 'masked instead')
  const { rows } = await h.db.query("SELECT trigger, requested_by, platform FROM reconciliation_runs WHERE trigger = 'cli' ORDER BY platform")
  t.same(rows.map((r) => r.platform), ['AH', 'JS', 'ZJ'], 'three runs stored')
  t.ok(rows.every((r) => r.requested_by === 'cli:test'))

  const single = await reconcileFromCli({ owner: 'SH', list: LIST, platform: 'AH', by: 'cli:test' }, () => undefined)
  t.equal(single, 0, 'exit code 0 when in sync')
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { DEFAULT_SETTINGS, DeliveryPolicy, GatewaySettings } from '../../config/config-schema.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { configTable } from '../helpers/config-table.js'

// Defaults are written once, in config/config-schema.ts: the README's tables must say what the schema
// says, and the committed gateway.json holds only what differs from the defaults.

const readme = readFileSync(join(defaultConfigDir(), '..', 'README.md'), 'utf8')

function between (start: string, end: string): string {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`)
  return readme.slice(from + start.length, to).trim()
}

t.test('the README\'s settings table is the schema\'s (paste the expected text when it is not)', async (t) => {
  t.equal(between('<!-- gateway-settings:start -->', '<!-- gateway-settings:end -->'), configTable(GatewaySettings))
  t.equal(between('<!-- delivery-policy:start -->', '<!-- delivery-policy:end -->'), configTable(DeliveryPolicy))
})

t.test('the committed gateway.json sets only what differs from the defaults', async (t) => {
  const committed = JSON.parse(readFileSync(join(defaultConfigDir(), 'gateway.json'), 'utf8')) as Record<string, unknown>
  for (const [k, v] of Object.entries(committed)) {
    t.ok(k in DEFAULT_SETTINGS, `${k} is a setting`)
    t.notSame(v, (DEFAULT_SETTINGS as Record<string, unknown>)[k], `${k} differs from its default`)
  }
})

t.test('the shutdown grace outlasts the longest per-request timeout a platform may be given', async (t) => {
  const longest = DeliveryPolicy.properties.timeoutMs.maximum
  t.equal(typeof longest, 'number')
  t.ok(DEFAULT_SETTINGS.shutdownGraceMs > (longest ?? Infinity),
    `default shutdownGraceMs ${DEFAULT_SETTINGS.shutdownGraceMs} > largest timeoutMs ${String(longest)}`)
})

import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import tap from 'tap'
import { startNativeGateway } from '../helpers/native-setup.js'

// Third-party validators of the served document (issue 16 item 1): Redocly CLI with its `recommended`
// rules (redocly.yaml) and Spectral with `spectral:oas` (.spectral.yaml), both at the repository root.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const REDOCLY = join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js')
const SPECTRAL = join(root, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js')

interface Run { code: number | null, stdout: string, stderr: string }

async function run (args: string[], cwd: string): Promise<Run> {
  return await new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
      })
  })
}

tap.test('the served document passes Redocly (recommended) and Spectral (spectral:oas) with nothing to say', async (t) => {
  // The native gateway: its document includes the native routes of the four provinces' adapters.
  const { h } = await startNativeGateway(t)
  const res = await h.app.inject({ url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const dir = await mkdtemp(join(tmpdir(), 'openapi-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const file = join(dir, 'openapi.json')
  await writeFile(file, res.body)

  const redocly = await run([REDOCLY, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'], root)
  const report = JSON.parse(redocly.stdout) as {
    totals: { errors: number, warnings: number }
    problems: Array<{ ruleId: string, severity: string, message: string, location: Array<{ pointer?: string }> }>
  }
  const redoclyProblems = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`)
  t.same({ errors: report.totals.errors, warnings: report.totals.warnings }, { errors: 0, warnings: 0 },
    `redocly: no error, no warning\n${redoclyProblems.join('\n')}`)
  t.equal(redocly.code, 0, redocly.code === 0 ? 'redocly exits 0' : redocly.stderr)

  const spectral = await run([SPECTRAL, 'lint', file, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json',
    '--fail-severity', 'hint'], root)
  const start = spectral.stdout.indexOf('[')
  const results = JSON.parse(start < 0 ? '[]' : spectral.stdout.slice(start, spectral.stdout.lastIndexOf(']') + 1)) as Array<{
    code: string, severity: number, message: string, path: string[]
  }>
  const spectralProblems = results.map((r) => `${['error', 'warning', 'info', 'hint'][r.severity] ?? r.severity} ${r.code} ${r.path.join('.')}: ${r.message}`)
  t.same(spectralProblems, [], 'spectral: no error, no warning (nor info or hint)')
  t.equal(spectral.code, 0, spectral.code === 0 ? 'spectral exits 0' : `${spectral.stderr}\n${spectral.stdout.slice(0, 2000)}`)
})

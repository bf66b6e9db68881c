import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

// What the production image holds is read from the Dockerfile's runtime stage and package.json's
// `files`, not restated here: a COPY added there is checked at once.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const DEMO_AND_SIM = ['sim/', 'demo/', 'dist/sim/', 'dist/demo/']
const TESTS_AND_BENCHES = ['test/', 'bench/', 'dist/test/', 'dist/bench/']
const isDemoOrSim = (file: string): boolean => DEMO_AND_SIM.some((d) => file.startsWith(d))

/** Every file under `dir` (relative to the checkout, with `/`); nothing when it does not exist (not built). */
function filesUnder (dir: string): string[] {
  const abs = join(root, dir)
  if (!existsSync(abs)) return []
  if (!statSync(abs).isDirectory()) return [dir]
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .map((f) => posix.join(dir, f.split('\\').join('/')))
    .filter((f) => statSync(join(root, f)).isFile())
}

/** The checkout paths the runtime stage copies (`COPY --from=build /app/<path> …`), node_modules aside. */
function dockerRuntimeCopies (): string[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  return [...runtime.matchAll(/^COPY\s+--from=build\s+\/app\/(\S+)\s+\S+\s*$/gm)]
    .map((m) => (m[1] as string).replace(/\/$/, ''))
    .filter((p) => p !== 'node_modules')
}

const packageFiles = (): string[] =>
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files

/** Relative specifiers a built module imports (static, re-exported, side-effect and literal dynamic imports). */
function importsOf (source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g
  ]
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1] as string)).filter((s) => s.startsWith('.'))
}

const shipped = [...new Set([...dockerRuntimeCopies(), ...packageFiles()].flatMap(filesUnder))].sort()

t.test('the production image and the npm package copy no simulator, demo, test or bench file', async (t) => {
  t.ok(dockerRuntimeCopies().includes('dist/src'), 'the runtime stage copies the compiled gateway')
  t.ok(shipped.some((f) => f === 'dist/src/cli.js'), 'the gateway is built (the list is read from dist)')
  t.same(shipped.filter(isDemoOrSim), [], 'no file under sim/ or demo/ (sources or built)')
  t.same(shipped.filter((f) => TESTS_AND_BENCHES.some((d) => f.startsWith(d))), [], 'no test or bench (sources or built)')
  t.same(shipped.filter((f) => /simulat|(^|\/)demo[-/.]/.test(f)), [], 'no simulator or demo module elsewhere either')
})

t.test('the image\'s build stage compiles only what the gateway runs, and the context leaves the rest out', async (t) => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8')
  const stages = dockerfile.split(/\n(?=FROM )/)
  const build = stages.find((s) => /^FROM \S+ AS build\s*$/m.test(s)) ?? ''
  const copied = [...build.matchAll(/^COPY\s+(?!--)(.+)\s+\S+\s*$/gm)].flatMap((m) => (m[1] as string).split(/\s+/))
  t.ok(copied.includes('src'), 'the build stage copies src')
  t.same(copied.filter((c) => ['test', 'bench', 'sim', 'demo'].includes(c.replace(/\/$/, ''))), [], 'never test, bench, sim or demo')
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
  t.match(build, /tsc -p tsconfig\.build\.json/, 'it compiles tsconfig.build.json')
  t.same(tsconfig.include.filter((d) => ['test', 'bench', 'sim', 'demo'].includes(d)), [], 'which includes none of them')
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim())
  for (const d of ['test', 'bench', 'demo', 'node_modules', 'dist', '.git', 'deploy']) t.ok(ignored.includes(d), `.dockerignore leaves out ${d}`)
})

t.test('nothing the image ships imports sim/ or demo/, and everything it imports ships', async (t) => {
  const inImage = new Set(shipped)
  const problems: string[] = []
  let scanned = 0
  for (const file of shipped.filter((f) => f.endsWith('.js'))) {
    for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
      scanned++
      const target = posix.normalize(posix.join(posix.dirname(file), spec))
      if (isDemoOrSim(target)) problems.push(`${file} imports ${target}`)
      else if (!inImage.has(target)) problems.push(`${file} imports ${target}, which the image lacks`)
    }
  }
  t.ok(scanned > 100, `the scan reads the built imports (${scanned})`)
  t.same(problems, [])
})

t.test('no source under src/, adapters/, contracts/ or config/ imports sim/ or demo/ (types included)', async (t) => {
  const problems: string[] = []
  for (const dir of ['src', 'adapters', 'contracts', 'config']) {
    for (const file of filesUnder(dir).filter((f) => f.endsWith('.ts'))) {
      for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
        const target = posix.normalize(posix.join(posix.dirname(file), spec))
        if (isDemoOrSim(target)) problems.push(`${file} imports ${target}`)
      }
    }
  }
  t.same(problems, [])
})

t.test('credit-gw demo, where the demo is not installed, says so and exits non-zero', async (t) => {
  const image = mkdtempSync(join(tmpdir(), 'gw-image-'))
  t.teardown(() => { rmSync(image, { recursive: true, force: true }) })
  for (const f of shipped) cpSync(join(root, f), join(image, f))
  cpSync(join(root, 'package.json'), join(image, 'package.json'))
  symlinkSync(join(root, 'node_modules'), join(image, 'node_modules'), 'dir')
  const cli = join(image, 'dist', 'src', 'cli.js')
  const run = promisify(execFile)
  const failed = await run(process.execPath, [cli, 'demo', '--once'], { cwd: image }).then(
    () => undefined, (err: { code: number, stderr: string }) => err)
  t.equal(failed?.code, 2, 'exit code 2')
  t.match(failed?.stderr, /the demo is not part of this installation.*npm run demo/, 'why, and where it runs')
  const help = await run(process.execPath, [cli, '--help'], { cwd: image })
  t.match(help.stdout, /serve/, 'the rest of the CLI loads without sim/ or demo/')
})

import t from 'tap'
import { machineCpu, machineCpuSince, machineFigures, machineUseText } from '../../bench/machine-cpu.js'

// bench:ingest prints the whole machine's CPU per envelope (PostgreSQL included) from /proc/stat:
// user nice system idle iowait irq softirq steal, in USER_HZ (1/100 s).
const stat = (user: number, idle: number): string =>
  `cpu  ${user} 0 50 ${idle} 10 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2 3\n`

t.test('busy time is user, nice, system, irq, softirq and steal; idle and iowait count only in the total', async (t) => {
  t.same(machineCpu(() => stat(100, 800)), { busyMs: (100 + 50 + 5 + 5) * 10, totalMs: (160 + 800 + 10) * 10 })
})

t.test('the use between two samples: busy ms and the busy share of all cores', async (t) => {
  const use = machineCpuSince(machineCpu(() => stat(100, 800)), machineCpu(() => stat(250, 850)))
  t.equal(use?.busyMs, 1500)
  t.equal(use?.busyShare, 150 / 200)
  t.ok((use?.cores ?? 0) >= 1)
})

t.test('no /proc/stat, or not its shape: undefined, and so is any use measured from it', async (t) => {
  t.equal(machineCpu(() => { throw new Error('ENOENT') }), undefined)
  t.equal(machineCpu(() => 'intr 1 2 3\n'), undefined)
  t.equal(machineCpuSince(undefined, machineCpu(() => stat(1, 1))), undefined)
  t.equal(machineCpuSince(machineCpu(() => stat(1, 1)), undefined), undefined)
})

t.test('this machine (Linux, as every machine the suite runs on) gives counters that only grow', async (t) => {
  const first = machineCpu()
  t.ok(first !== undefined && first.busyMs > 0 && first.totalMs >= first.busyMs)
  const use = machineCpuSince(first, machineCpu())
  t.ok(use !== undefined && use.busyMs >= 0 && use.busyShare >= 0 && use.busyShare <= 1)
})

t.test('the text and the JSON figures a bench prints of a run and its baseline', async (t) => {
  const run = { busyMs: 123_456, busyShare: 0.876, cores: 2 }
  const baseline = { busyMs: 40_000, busyShare: 0.94, cores: 2 }
  t.equal(machineUseText(run), '123.5 s of CPU, 2 cores 88 % busy')
  t.equal(machineUseText(undefined), 'not measured (no /proc/stat)')
  t.same(machineFigures(run, baseline),
    { machineCpuSeconds: 123.5, machineBusyPct: 88, baselineMachineCpuSeconds: 40, baselineMachineBusyPct: 94 })
  t.same(machineFigures(run, undefined), {})
})

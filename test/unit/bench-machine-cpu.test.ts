import t from 'tap'
import {
  machineCpu, machineCpuSince, machineFigures, machineUseText, processCpuMs,
  splitPerEnvelopeText, splitSecondsText, startCpuSplit
} from '../../bench/machine-cpu.js'

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

// bench:pipeline splits the machine's CPU between the gateway's process, the peers' and the rest, from
// /proc/<pid>/stat: pid (comm) state ppid … utime (14) stime (15), in USER_HZ.
const pidStat = (comm: string, utime: number, stime: number): string =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 999 1000000 5000\n`

t.test('a process\'s CPU is its utime + stime, read after the last ")" of a name that may hold spaces and parentheses',
  async (t) => {
    t.equal(processCpuMs(4242, () => pidStat('node', 150, 25)), 1750)
    t.equal(processCpuMs(4242, () => pidStat('we (i) rd) name', 3, 4)), 70)
    const paths: string[] = []
    processCpuMs(77, (path) => { paths.push(path); return pidStat('node', 1, 1) })
    t.same(paths, ['/proc/77/stat'])
  })

t.test('no pid, no such process, or not the shape of a stat line: undefined', async (t) => {
  t.equal(processCpuMs(undefined, () => pidStat('node', 1, 1)), undefined)
  t.equal(processCpuMs(4242, () => { throw new Error('ENOENT') }), undefined)
  t.equal(processCpuMs(4242, () => 'no parentheses here'), undefined)
  t.equal(processCpuMs(4242, () => '4242 (node) S 1'), undefined)
})

t.test('this process\'s own counters from /proc only grow, and a split of a phase names its three parts', async (t) => {
  const before = processCpuMs(process.pid)
  t.ok(before !== undefined && before >= 0)
  const end = startCpuSplit(process.pid)
  let x = 0
  for (let i = 0; i < 2_000_000; i++) x += i % 7
  t.ok(x > 0)
  const split = end()
  t.ok(split.machine !== undefined && split.ownMs >= 0 && (split.otherMs ?? -1) >= 0)
})

t.test('the per-envelope text: the machine, this process, the other one and the rest', async (t) => {
  const names = { own: 'gateway process', other: 'peer process' }
  const machine = { busyMs: 52_000, busyShare: 0.88, cores: 2 }
  t.equal(splitPerEnvelopeText({ machine, ownMs: 21_000, otherMs: 8_200 }, 2000, names),
    '26 ms (cores 88 % busy: gateway process 10.5, peer process 4.1, the rest (PostgreSQL, Redis, anything else) 11.4)')
  t.equal(splitPerEnvelopeText({ machine, ownMs: 21_000, otherMs: undefined }, 2000, names),
    '26 ms (cores 88 % busy: gateway process 10.5, the rest (PostgreSQL, Redis, anything else) 15.5)')
  t.equal(splitPerEnvelopeText({ machine: undefined, ownMs: 1, otherMs: 1 }, 2000, names), 'not measured (no /proc/stat)')
})

t.test('the split in seconds, as bench:bulk prints its timed run\'s', async (t) => {
  const names = { own: 'gateway process', other: 'peer process' }
  const machine = { busyMs: 659_700, busyShare: 0.88, cores: 2 }
  t.equal(splitSecondsText({ machine, ownMs: 310_240, otherMs: 120_460 }, names),
    'gateway process 310.2, peer process 120.5, the rest (PostgreSQL, Redis, anything else) 229')
  t.equal(splitSecondsText({ machine: undefined, ownMs: 1, otherMs: 1 }, names), 'not measured (no /proc/stat)')
})

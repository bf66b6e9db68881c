/**
 * The whole machine's CPU time, from Linux's /proc/stat: what every process spent (the bench's,
 * PostgreSQL's backends, Redis, anything else running), so a bench can tell whether a phase was
 * bound by the machine's cores or by waiting. Undefined where /proc/stat is not there.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { round } from './bench-util.js'

/** USER_HZ: the unit of /proc/stat's counters, 100 per second on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100

export interface MachineCpuSample {
  /** CPU time spent busy (user, nice, system, irq, softirq, steal), ms, since boot. */
  busyMs: number
  /** The same, idle and waiting for I/O included. */
  totalMs: number
}

/** The machine's CPU counters now, or undefined off Linux. */
export function machineCpu (read: () => string = () => readFileSync('/proc/stat', 'utf8')): MachineCpuSample | undefined {
  let text: string
  try {
    text = read()
  } catch {
    return undefined
  }
  const fields = (text.split('\n')[0] ?? '').trim().split(/\s+/)
  if (fields[0] !== 'cpu') return undefined
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(1, 9).map(Number)
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>((n, x) => n + (x ?? 0), 0)
  const total = busy + (idle ?? 0) + (iowait ?? 0)
  if (!Number.isFinite(total)) return undefined
  return { busyMs: busy * 1000 / TICKS_PER_SECOND, totalMs: total * 1000 / TICKS_PER_SECOND }
}

export interface MachineCpuUse {
  /** Busy CPU time over the interval, ms (every process). */
  busyMs: number
  /** Busy share of all the cores over the interval, 0..1. */
  busyShare: number
  cores: number
}

/** What the machine spent between two samples; undefined if either is. */
export function machineCpuSince (
  start: MachineCpuSample | undefined, end: MachineCpuSample | undefined
): MachineCpuUse | undefined {
  if (start === undefined || end === undefined) return undefined
  const busyMs = end.busyMs - start.busyMs
  const totalMs = end.totalMs - start.totalMs
  return { busyMs, busyShare: totalMs > 0 ? busyMs / totalMs : 0, cores: availableParallelism() }
}

/**
 * The CPU time one process has spent (user + system), ms, from /proc/<pid>/stat, or undefined
 * when there is no such process or no /proc. Its fields 14 and 15 (utime, stime) count after the
 * command name, which is in parentheses and may hold spaces, so they are read after its last ')'.
 */
export function processCpuMs (
  pid: number | undefined, read: (path: string) => string = (path) => readFileSync(path, 'utf8')
): number | undefined {
  if (pid === undefined) return undefined
  let text: string
  try {
    text = read(`/proc/${pid}/stat`)
  } catch {
    return undefined
  }
  const nameEnd = text.lastIndexOf(')')
  if (nameEnd < 0) return undefined
  const fields = text.slice(nameEnd + 1).trim().split(/\s+/)
  // After the name: state (3), ppid (4), … utime (14), stime (15): indexes 11 and 12 here.
  const ticks = Number(fields[11]) + Number(fields[12])
  return Number.isFinite(ticks) ? ticks * 1000 / TICKS_PER_SECOND : undefined
}

/** What a bench prints where the machine's CPU could not be read. */
export const NOT_MEASURED = 'not measured (no /proc/stat)'

/** How busy the cores were, in whole percent. */
export const busyPercent = (use: MachineCpuUse): number => round(100 * use.busyShare)

/** "N s of CPU, C cores P % busy", or that it was not measured. */
export function machineUseText (use: MachineCpuUse | undefined): string {
  if (use === undefined) return NOT_MEASURED
  return `${round(use.busyMs / 1000, 1)} s of CPU, ${use.cores} cores ${busyPercent(use)} % busy`
}

/** The JSON line's figures for a run and its baseline, when both were measured. */
export function machineFigures (
  run: MachineCpuUse | undefined, baseline: MachineCpuUse | undefined
): Record<string, number> {
  if (run === undefined || baseline === undefined) return {}
  return {
    machineCpuSeconds: round(run.busyMs / 1000, 1),
    machineBusyPct: busyPercent(run),
    baselineMachineCpuSeconds: round(baseline.busyMs / 1000, 1),
    baselineMachineBusyPct: busyPercent(baseline)
  }
}

/** What a phase cost: the whole machine, this process, and one other process (the benches' peers). */
export interface CpuSplit {
  machine: MachineCpuUse | undefined
  /** This process (the gateway and the bench's client), ms. */
  ownMs: number
  /** The other process, ms; undefined where /proc could not say. */
  otherMs: number | undefined
}

/** Starts measuring a phase; the function returned ends it. */
export function startCpuSplit (otherPid: number | undefined): () => CpuSplit {
  const machine = machineCpu()
  const own = process.cpuUsage()
  const other = processCpuMs(otherPid)
  return () => {
    const used = process.cpuUsage(own)
    const otherNow = processCpuMs(otherPid)
    return {
      machine: machineCpuSince(machine, machineCpu()),
      ownMs: (used.user + used.system) / 1000,
      otherMs: other === undefined || otherNow === undefined ? undefined : otherNow - other
    }
  }
}

/** The names a split's three parts are printed under. */
export interface SplitNames { own: string, other: string }

/** "gateway process 10.5, peer process 4.1, the rest (PostgreSQL, Redis, anything else) 11.4", each scaled by `per`. */
function splitParts (split: CpuSplit, machine: MachineCpuUse, per: (ms: number) => number, names: SplitNames): string {
  const other = split.otherMs ?? 0
  const parts = [`${names.own} ${per(split.ownMs)}`]
  if (split.otherMs !== undefined) parts.push(`${names.other} ${per(other)}`)
  parts.push(`the rest (PostgreSQL, Redis, anything else) ${per(Math.max(0, machine.busyMs - split.ownMs - other))}`)
  return parts.join(', ')
}

/**
 * "26 ms (cores 88 % busy: gateway process 10.5, peer process 4.1, the rest … 11.4)": a phase's CPU per
 * envelope, split between this process, the other one and the rest of the machine (PostgreSQL, Redis).
 */
export function splitPerEnvelopeText (split: CpuSplit, envelopes: number, names: SplitNames): string {
  if (split.machine === undefined) return NOT_MEASURED
  const per = (x: number): number => round(x / envelopes, 1)
  return `${per(split.machine.busyMs)} ms (cores ${busyPercent(split.machine)} % busy: ${splitParts(split, split.machine, per, names)})`
}

/** "gateway process 310.2, peer process 120.5, the rest (…) 229": a phase's CPU in seconds, split. */
export function splitSecondsText (split: CpuSplit, names: SplitNames): string {
  if (split.machine === undefined) return NOT_MEASURED
  return splitParts(split, split.machine, (x) => round(x / 1000, 1), names)
}

// What a result says about the machine it came from: numbers from a 2-core VM and an 8-core laptop
// are not comparable, and a run taken while something else was busy is noisy. Recorded in every
// result and in the envelope of every recorded file (recording.ts), shown under every table.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, platform, release, arch, totalmem } from 'node:os'
import { type Envelope, envelopeOf, type MachineInfo } from '../recording.ts'

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    totalMemoryBytes: totalmem(),
    node: process.version,
    os: `${platform()} ${release()} (${arch()})`,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  }
}

/** `envelopeOf` (recording.ts) on this machine: the envelope of a file `command` records now. */
export function newEnvelope<Schema extends string>(schema: Schema, command: string, note?: string): Envelope<Schema> {
  return envelopeOf(schema, command, machineInfo(), note)
}

/**
 * CPU time (user + system) a server has used so far, in ms: its process and its worker processes
 * (`serverProcesses`), from /proc/<pid>/stat on Linux (10 ms resolution); null elsewhere or when
 * the process is gone.
 */
export function processCpuMs(pid: number): number | null {
  const own = oneProcessCpuMs(pid)
  if (own === null) return null
  return serverProcesses(pid)
    .slice(1)
    .reduce((total, child) => total + (oneProcessCpuMs(child) ?? 0), own)
}

function oneProcessCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after "pid (comm) ": state is field 3, utime 14 and stime 15 (in clock ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS_PER_S) : null
  } catch {
    return null
  }
}

/**
 * A server's processes: `pid` first, then its descendants that run the same executable — the worker
 * processes of a server made of processes (node:cluster's), not helpers such as tsx's esbuild
 * service, which every server started with `--import tsx` has as a child. Linux only (the children
 * lists in /proc/<pid>/task/<tid>/children); elsewhere, or when they cannot be read, `[pid]`.
 */
export function serverProcesses(pid: number): number[] {
  const found = [pid]
  try {
    const exe = readlinkSync(`/proc/${pid}/exe`)
    for (let i = 0; i < found.length; i++) {
      for (const tid of readdirSync(`/proc/${found[i]}/task`)) {
        const children = readFileSync(`/proc/${found[i]}/task/${tid}/children`, 'utf8').trim()
        for (const child of children === '' ? [] : children.split(' ').map(Number)) {
          if (readlinkSync(`/proc/${child}/exe`) === exe) found.push(child)
        }
      }
    }
  } catch {
    // Not Linux, or a process ended while we looked: what we found so far.
  }
  return found
}
/** `getconf CLK_TCK`: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_S = 100

/**
 * A server's resident memory (`VmRSS`, the figure `process.memoryUsage().rss` reports from
 * inside) and its number of threads (`Threads`: the kernel's tasks, every Worker and libuv pool
 * thread included), now, summed over its processes (`serverProcesses`), from /proc/<pid>/status on
 * Linux; null elsewhere or when the process is gone. Read from outside, so a server too busy to
 * answer `/__stats` is still measured.
 */
export function processStatus(pid: number): { rssBytes: number; threads: number } | null {
  const own = oneProcessStatus(pid)
  if (own === null) return null
  for (const child of serverProcesses(pid).slice(1)) {
    const status = oneProcessStatus(child)
    own.rssBytes += status?.rssBytes ?? 0
    own.threads += status?.threads ?? 0
  }
  return own
}

function oneProcessStatus(pid: number): { rssBytes: number; threads: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
    const threads = /^Threads:\s+(\d+)$/m.exec(status)?.[1]
    return kib === undefined || threads === undefined
      ? null
      : { rssBytes: Number(kib) * 1024, threads: Number(threads) }
  } catch {
    return null
  }
}

/**
 * How many files (sockets included) a process may open: the soft `ulimit -n`, which children
 * inherit. Read from /proc on Linux; null elsewhere (then we do not check).
 */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'))
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0]
    if (soft === undefined) return null
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft)
  } catch {
    return null
  }
}

// What a result says about the machine it came from: numbers from a 2-core VM and an 8-core laptop
// are not comparable, and a run taken while something else was busy is noisy. Recorded in every
// result, shown under every table.

import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, platform, release, arch, totalmem } from 'node:os'
import type { MachineInfo } from './types.ts'

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

/**
 * How many files (sockets included) a process may open: the soft `ulimit -n`, which children
 * inherit. Read from /proc on Linux; null elsewhere (then we do not check).
 */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0]
    if (soft === undefined) return null
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft)
  } catch {
    return null
  }
}

// cpu-mix sizes its CPU task on the running machine: find the `n` for which `cpuHash(n)` (the very
// function every step runs for `GET /cpu/<n>`) costs about 60 ms of CPU here. A fixed `n` would be
// a 20 ms task on one laptop and a 200 ms task on another, and the scenario would mean different
// things on each.
//
// We time CPU time (`process.cpuUsage`), not wall time: on a busy machine the wall clock also
// counts the time other processes had the core, and the task would come out too small.
// Runs in the load-generator process before any load starts, so it neither blocks the caller (the
// deck's dev server) nor competes with the load.

import { cpuHash } from '../../examples/shared/work.mjs'

export interface Calibration {
  n: number
  /** CPU time of one `cpuHash(n)`, median of three, in ms. */
  msPerTask: number
}

export function calibrateCpuN(targetMs: number): Calibration {
  // Warm up, so the hash runs optimised code as it will in a server that has served a few tasks.
  for (let i = 0; i < 3; i++) cpuHash(2_000_000)
  const probeN = 10_000_000
  const nsPerRound = (median(repeat(5, () => cpuMs(() => cpuHash(probeN)))) * 1e6) / probeN
  const n = Math.max(1, Math.round((targetMs * 1e6) / nsPerRound))
  return { n, msPerTask: timeCpuTask(n) }
}

/** CPU time of one `cpuHash(n)`, median of three, in ms. */
export function timeCpuTask(n: number): number {
  cpuHash(Math.min(n, 2_000_000)) // warm-up
  return round2(median(repeat(3, () => cpuMs(() => cpuHash(n)))))
}

function cpuMs(f: () => unknown): number {
  const before = process.cpuUsage()
  f()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

function repeat(times: number, f: () => number): number[] {
  return Array.from({ length: times }, f)
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}

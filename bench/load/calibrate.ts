// cpu-mix sizes its CPU task on the running machine: find the `n` for which `cpuHash(n)` (the very
// function every step runs for `GET /cpu/<n>`) costs about 60 ms of CPU here. A fixed `n` would be
// a 20 ms task on one laptop and a 200 ms task on another, and the scenario would mean different
// things on each.
//
// We time CPU time (`process.cpuUsage`), not wall time: on a busy machine the wall clock also
// counts the time other processes had the core, and the task would come out too small.
// Runs in the load-generator process before any load starts, so it neither blocks the caller (the
// deck's dev server) nor competes with the load.

import { availableParallelism } from 'node:os'
import { cpuHash } from '../../examples/shared/work.mjs'
import { LIMITS } from '../options.ts'
import type { CpuCalibration } from '../types.ts'
import { timeRequest } from './one-get.ts'

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

/**
 * The task of a cpu-mix or overload run: `n` calibrated here (or given), and one task timed on the
 * idle server, to show it costs there what it costs here (wall time, request to answer). Two small
 * tasks first, so the server's hash loop is compiled as it will be in the run.
 */
export async function sizeCpuTask(
  origin: string,
  targetMs: number,
  givenN: number | null,
  timeoutS: number,
): Promise<CpuCalibration> {
  const local = givenN === null ? calibrateCpuN(targetMs) : { n: givenN, msPerTask: timeCpuTask(givenN) }
  let serverMs: number | null = null
  try {
    for (let i = 0; i < 2; i++) await timeRequest(`${origin}/cpu/1000000`, timeoutS * 1000)
    serverMs = await timeRequest(`${origin}/cpu/${local.n}`, timeoutS * 1000)
  } catch {
    serverMs = null
  }
  return { n: local.n, targetMs, source: givenN === null ? 'calibrated' : 'given', localMs: local.msPerTask, serverMs }
}

/**
 * A calibrated open loop's rate: `factor` times what the cores can hash, cores × 1000 / the task's
 * CPU time as measured here (the server runs the same hash on the same machine). Bounded like any
 * rate a caller may ask for.
 */
export function calibratedRate(factor: number, cpu: CpuCalibration): number {
  const rate = Math.round(((factor * availableParallelism() * 1000) / cpu.localMs) * 100) / 100
  if (!(rate > 0) || rate > LIMITS.maxRate)
    throw new Error(`${factor}× the cores at ${cpu.localMs} ms a task is ${rate} req/s: outside 0-${LIMITS.maxRate}`)
  return rate
}

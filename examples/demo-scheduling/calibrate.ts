// How many rounds of `cpuHash` this machine runs per millisecond, measured once before the race so
// that the job set takes about the time asked for (`--ms`), on a laptop as on a server.
//
// A job is a fixed number of rounds of the integer hash every step's `/cpu` runs: real work, the
// same on every run, not a timed spin. Only the conversion from units to rounds depends on the
// machine. The measurement runs on the main thread, after a warm-up that lets V8 compile the loop;
// the median of five samples keeps one unlucky sample (the machine is shared) from setting it.

import { cpuHash } from '../shared/work.mjs'

const SAMPLE_MS = 20

export function roundsPerMs(): number {
  let n = 100_000
  // Warm up, and grow n until one call takes about a sample's length.
  for (;;) {
    const t0 = performance.now()
    cpuHash(n)
    const ms = performance.now() - t0
    if (ms >= SAMPLE_MS / 2 || n > 1e9 / 4) break
    n *= 2
  }
  const rates: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    cpuHash(n)
    rates.push(n / (performance.now() - t0))
  }
  rates.sort((a, b) => a - b)
  return rates[2]!
}

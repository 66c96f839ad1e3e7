// A stall in the middle of a run: the server under load is sent one `GET /cpu/<n>` of about half a
// second while the load goes on. On step 3 that task runs on the event loop and freezes it, which
// is what any long synchronous piece of work, a GC pause or a stalled disk does to a server.
//
// The same stall measured two ways shows what the load generator hides or not: a closed loop
// (autocannon) stops sending while its connections wait, so only a request per connection sees
// the stall; an open loop keeps its schedule, and every request due during the stall waits and is
// counted from when it was due. `npm run stall:record` records both (recordings/stall.ts) for the
// slide "How we measure"; test/load/bench-open-loop.test.ts checks the difference on every test run.

import { calibrateCpuN } from '../load/calibrate.ts'
import { type BenchProgress, type BenchResult, type RunInput, runScenario } from '../index.ts'
import { timeRequest } from '../load/one-get.ts'

/** The stall begins once the load has run this long, so the run has a before and an after. */
export const STALL_AT_MS = 800

/**
 * A `/cpu/<n>` that hashes about `targetMs` of CPU time on this machine. The hash is linear in n,
 * so a tenth of it is calibrated (bench/load/calibrate.ts) and multiplied: quicker, and the same n.
 */
export function stallPath(targetMs = 500): string {
  return `/cpu/${calibrateCpuN(targetMs / 10).n * 10}`
}

export interface StalledRun {
  result: BenchResult
  /** How long the stall request took, sent to answered (wall time): how long the loop stood still. */
  stallMs: number
}

/** Run `input` against the server at `origin`, with one `stall` request `STALL_AT_MS` into the load. */
export async function runWithStall(origin: string, input: RunInput, stall: string): Promise<StalledRun> {
  let stallMs: Promise<number> | null = null
  const onProgress = (p: BenchProgress) => {
    if (stallMs === null && p.phase === 'running' && p.elapsedMs >= STALL_AT_MS) stallMs = timeRequest(origin + stall)
  }
  const result = await runScenario({ ...input, url: origin }, { onProgress })
  if (stallMs === null) throw new Error(`the load ended before the stall (${STALL_AT_MS} ms in) was sent`)
  return { result, stallMs: await stallMs }
}

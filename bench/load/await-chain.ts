// The microtask trap's load (await-trap, await-yield) sizes its chain of awaits on the running
// machine, as cpu-mix sizes its hash: a fixed `n` would be a 100 ms chain on one laptop and a
// second on another, and the run would show different things on each.
//
// Sized on the server itself, not in the load generator as cpu-mix is: the chain is step 3's own
// `awaitSettled` loop, and a server may not be imported (it would start listening). An await on a
// settled promise costs tens of nanoseconds, so the chain takes time in proportion to `n`: time
// `GET /await/1000000` on the idle server and scale. The fastest of five, because wall time on a
// shared machine also counts other processes' turns, and the least disturbed run is the closest
// to the work itself. Both scenarios size with `/await/<n>`, the loop without yields, so on one
// machine they run the same chain; the one request of the run's own route that follows shows
// what the yields add on an idle server.
//
// Runs in the load-generator process, before the load starts.

import { awaitPath, LIMITS } from '../options.ts'
import { timeRequest } from './one-get.ts'
import type { AwaitChainSizing } from '../types.ts'

const PROBE_N = 1_000_000

export async function sizeAwaitChain(
  origin: string,
  route: string,
  targetMs: number,
  givenN: number | null,
  timeoutMs: number,
): Promise<AwaitChainSizing> {
  // Warm up: the server's loop compiled as it will be in the run.
  for (let i = 0; i < 3; i++) await timeGet(`${origin}/await/${PROBE_N / 10}`, timeoutMs)
  let msPerMillion: number | null = null
  if (givenN === null) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) times.push(await timeGet(`${origin}/await/${PROBE_N}`, timeoutMs))
    msPerMillion = Math.min(...times)
  }
  const n = givenN ?? Math.min(LIMITS.maxAwaitN, Math.max(1, Math.round((targetMs / msPerMillion!) * PROBE_N)))
  let serverMs: number | null = null
  try {
    serverMs = await timeGet(origin + awaitPath(route, n), timeoutMs)
  } catch {
    serverMs = null
  }
  return { n, targetMs, source: givenN === null ? 'sized' : 'given', msPerMillion, serverMs }
}

/** `timeRequest` (one GET on its own connection, in ms), saying what a 404 means here. */
function timeGet(url: string, timeoutMs: number): Promise<number> {
  return timeRequest(url, timeoutMs).catch((error: Error) => {
    if (!error.message.endsWith('status 404')) throw error
    throw new Error(`GET ${new URL(url).pathname} answered 404: step 3 serves the microtask trap, not this server`)
  })
}

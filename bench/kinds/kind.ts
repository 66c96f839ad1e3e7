// The kind of a scenario, decided here and nowhere else. A scenario (scenarios.ts) and the run
// options made from it (options.ts) carry their kind's settings as optional fields (`cpuMix`,
// `open`, `awaitChain`, `churn`); `kindOf` reads them once, in one order, and names the kind.
// Everything else — the options check, the load generator, the reports, the deck's cards — asks
// for the kind and then its module (index.ts), never the fields again.
//
//   closed       a closed loop (autocannon): each connection sends when its last answer arrives
//   open         requests on a fixed schedule (`paced`, or `--rate` on a closed-loop scenario)
//   cpu-mix      `/cpu` tasks sized on this machine, closed loop, and a paced `/0` probe beside them
//   overload     sized `/cpu` tasks offered open loop (overload, a leg of the load curve)
//   await-chain  the microtask trap: a chain of awaits sized on the idle server, and the probe
//   churn        a new connection for every request
//   busy-worker  churn while one worker hashes back to back
//
// Browser-safe: types only, so the deck's components may import it.

export type KindName = 'closed' | 'open' | 'cpu-mix' | 'overload' | 'await-chain' | 'churn' | 'busy-worker'

/** The fields a kind is read from: a `Scenario`'s and a `ResolvedRunOptions`'s alike. */
export interface KindFields {
  cpuMix?: object | null
  open?: object | null
  awaitChain?: object | null
  churn?: { hold: object | null } | null
}

/** The one place the kind is decided. Options never combine two kinds' fields (options.ts refuses). */
export function kindOf(x: KindFields): KindName {
  if (x.awaitChain) return 'await-chain'
  if (x.cpuMix) return x.open ? 'overload' : 'cpu-mix'
  if (x.churn) return x.churn.hold ? 'busy-worker' : 'churn'
  if (x.open) return 'open'
  return 'closed'
}

/** Whether the kind sizes a `/cpu/<n>` task on the running machine (cpu-mix, overload). */
export function sizesCpuTask(kind: KindName): boolean {
  return kind === 'cpu-mix' || kind === 'overload'
}

/** Whether the main load is an open loop (a fixed schedule): open, overload. */
export function isOpenLoop(kind: KindName): boolean {
  return kind === 'open' || kind === 'overload'
}

/** Whether a paced `/0` probe may run beside the main load: cpu-mix, overload, await-chain. */
export function hasProbe(kind: KindName): boolean {
  return kind === 'cpu-mix' || kind === 'overload' || kind === 'await-chain'
}

// The registry of servers the bench and the tests know: the talk's steps, in order. A step added
// here joins `npm test`'s protocol suite and `npm run bench:all` without further changes, and the
// deck's components take its title from here.
//
// Plain data, importable anywhere: the deck's components load it in the browser, so it imports
// nothing (paths are relative to the repository root, which repo-root.ts finds under Node). What a
// server needs from the running Node is data too (`needs`); server/runnable-steps.ts asks Node.

export interface StepEntry {
  /** What `--step` takes: '1'..'6' (and names of variants and peers). */
  id: string
  title: string
  /** The server's entry file, relative to the repository root. */
  entry: string
  /**
   * Flags the server always starts with (before any the caller adds), e.g. `--pool 8`. The value
   * `CPUS_MINUS_ONE` stands for the CPU count of the machine that starts the server, minus one (at
   * least 1): this registry is read in the browser too, where that count is not the server's.
   */
  args?: readonly string[]
  /**
   * What the server calls itself in `GET /` and in `/__stats`'s `step`, when that is not `id`: an
   * entry that runs a step with other flags (`2-pool`) is still that step's server.
   */
  reportsAs?: string
  /**
   * A capability the server refuses to start without (one line, exit 2): 'socket-transfer' is
   * handing an accepted socket to a worker thread (Node 26.6+ / 24.20+, Unix).
   */
  needs?: 'socket-transfer'
}

/** In `args`: the server machine's CPU count minus one, at least 1 (server-process.ts fills it in). */
export const CPUS_MINUS_ONE = '<cpus-1>'

export const STEPS: readonly StepEntry[] = [
  { id: '1', title: 'blocking', entry: 'examples/01-blocking/server.ts' },
  { id: '2', title: 'thread per request', entry: 'examples/02-thread-per-request/server.ts' },
  // Step 2 with a fixed pool of 8 threads instead of a thread per request: the slide "Per request,
  // or a fixed pool?" compares the two on `drill`.
  {
    id: '2-pool',
    title: 'thread pool of 8',
    entry: 'examples/02-thread-per-request/server.ts',
    args: ['--pool', '8'],
    reportsAs: '2',
  },
  // Step 2 with a thread per connection that owns its socket, as a C or Rust server does.
  {
    id: '2-own',
    title: 'thread per connection, owning its socket',
    entry: 'examples/02-thread-per-request/server.ts',
    args: ['--own-socket'],
    reportsAs: '2',
    needs: 'socket-transfer',
  },
  { id: '3', title: 'event loop', entry: 'examples/03-event-loop/server.ts' },
  { id: '4', title: 'readiness poller + futures', entry: 'examples/04-poller/server.ts' },
  { id: '5', title: 'async CPU-bounded pool', entry: 'examples/05-cpu-pool/server.ts' },
  // Step 5 with one core kept for the event loop: at most CPUs − 1 tasks hash at once, where the
  // default cap lets every core hash and the loop shares them (examples/05-cpu-pool/cpu-limit.ts).
  {
    id: '5-spare-core',
    title: 'CPU pool, a core kept for the loop',
    entry: 'examples/05-cpu-pool/server.ts',
    args: ['--cpu-limit', CPUS_MINUS_ONE],
    reportsAs: '5',
  },
  // Step 6 dispatches connections from one acceptor thread where the Node can hand a socket to a
  // thread (26.6+ / 24.20+), and through the kernel (reusePort) elsewhere; '6-kernel' always does
  // the latter, so the two dispatchers are measured side by side.
  { id: '6', title: 'every core', entry: 'examples/06-every-core/server.ts' },
  {
    id: '6-kernel',
    title: 'every core, kernel dispatch',
    entry: 'examples/06-every-core/server.ts',
    args: ['--dispatch', 'kernel'],
    reportsAs: '6',
  },
  // Step 6's acceptor handing each connection to the worker with the fewest, instead of the next in
  // turn: the busy-worker scenario puts the three dispatchers side by side.
  {
    id: '6-least',
    title: 'every core, fewest connections first',
    entry: 'examples/06-every-core/server.ts',
    args: ['--pick', 'least'],
    reportsAs: '6',
    needs: 'socket-transfer',
  },
  // Peers: the same protocol served another way, measured beside the steps (not part of the talk).
  { id: 'piscina', title: 'piscina peer of step 5', entry: 'bench/peers/piscina-server.ts' },
  // Step 6's peer: node:cluster's worker processes, in both of its scheduling policies: the primary
  // accepting and handing out in turn (SCHED_RR), or every worker accepting on one socket (SCHED_NONE).
  {
    id: 'cluster-rr',
    title: 'node:cluster peer of step 6, primary hands out',
    entry: 'bench/peers/cluster-server.ts',
    args: ['--policy', 'rr'],
  },
  {
    id: 'cluster-none',
    title: 'node:cluster peer of step 6, workers accept',
    entry: 'bench/peers/cluster-server.ts',
    args: ['--policy', 'none'],
  },
]

export function findStep(id: string): StepEntry | undefined {
  return STEPS.find((s) => s.id === id)
}

// Step 6 — every core: one event loop per core, the shape of a classic multi-threaded Rust server.
//
// The Rust server this talk started from has one listener, a channel handing each accepted
// connection to one of N threads, a Tokio runtime on each thread, and one global atomic cap on CPU
// tasks with a notify when a slot frees. It has two weaknesses by construction: the single thread
// that accepts and forwards every connection, and CPU tasks that hold up the I/O tasks of their
// thread. Here is the same server in Node, weaknesses included, one concept per file:
//
//   workers.ts          N worker threads (default: the CPU count), started once
//   worker.ts           one worker: an event loop serving the whole protocol with the shared
//                       connection code; `/cpu` hashes right there, on the worker's loop
//   cpu-cap.ts          at most --cpu-limit hashes at once across all workers: one counter in a
//                       SharedArrayBuffer, Atomics.waitAsync / Atomics.notify across threads
//   acceptor.ts         --dispatch acceptor: the main thread accepts and hands each socket over
//   pick.ts             ...to the next worker in turn, or (--pick least) the one with fewest connections
//   kernel-dispatch.ts  --dispatch kernel: every worker listens on the port (reusePort), the kernel picks
//   worker-stats.ts     /__stats for the whole server, per worker, from shared memory
//
// The default dispatch is the Rust server's, `acceptor`, where the running Node can hand a socket to a
// thread (26.6+ / 24.20+, Unix); elsewhere `kernel`. A mode the running Node or OS lacks is refused
// with one line saying what it needs (exit 2).
//
// Try: npm run step:6, then
//   curl 127.0.0.1:6969/__stats                      workers, imbalance, the worker that answered
//   curl 127.0.0.1:6969/cpu/1000000000 & curl 127.0.0.1:6969/0
//        the /0 answers at once if it lands on another worker, after the hash if on the same one

import { availableParallelism } from 'node:os'
import { parseFlagsOrExit } from '../shared/cli.ts'
import { handleTransferMissing } from '../shared/handle-transfer.ts'
import type { StepInfo } from '../shared/server.ts'
import { startAcceptor } from './acceptor.ts'
import { requireFeatures } from '../shared/node-features.ts'
import { listenInEveryWorker, ReusePortUnsupported } from './kernel-dispatch.ts'
import { leastConnections, roundRobin } from './pick.ts'
import { startWorkers } from './workers.ts'

// The workers' TypeScript is stripped once, in a child, and loaded through a module hook
// (thread-modules.ts): on a Node without either, one line now rather than a stack trace later.
requireFeatures('step:6', ['strip-types-api', 'module-hooks'])

const CPUS = availableParallelism()
const transferMissing = handleTransferMissing()

const { server: options, flags } = parseFlagsOrExit('step:6', {
  workers: { kind: 'int', default: CPUS, min: 1, max: 256, help: 'worker threads, each an event loop' },
  dispatch: {
    kind: 'text',
    choices: ['acceptor', 'kernel'],
    default: transferMissing === undefined ? 'acceptor' : 'kernel',
    help: 'who hands connections to the workers: the main thread, or the kernel (reusePort)',
  },
  pick: {
    kind: 'text',
    choices: ['round-robin', 'least'],
    default: 'round-robin',
    help: 'with --dispatch acceptor: the next worker in turn, or the one with fewest connections',
  },
  'cpu-limit': { kind: 'int', default: CPUS, min: 1, max: 256, help: 'CPU tasks that may hash at once, in all' },
  'max-queue': {
    kind: 'int',
    default: 256,
    min: 0,
    max: 100_000,
    help: 'CPU tasks that may wait for a slot on each worker; beyond that, 503',
  },
})

function refuse(why: string): never {
  console.error(`step:6: ${why}`)
  process.exit(2)
}

if (flags.dispatch === 'acceptor' && transferMissing !== undefined) refuse(`--dispatch acceptor ${transferMissing}`)
if (flags.dispatch === 'kernel' && flags.pick !== 'round-robin')
  refuse('--pick applies to --dispatch acceptor only (with --dispatch kernel, the kernel picks)')

const setup = {
  workers: flags.workers,
  dispatch: flags.dispatch,
  pick: flags.pick,
  cpuLimit: flags['cpu-limit'],
  maxQueue: flags['max-queue'],
}
const step: StepInfo = {
  number: 6,
  name: 'every core',
  summary:
    `${setup.workers} worker threads, each an event loop serving whole connections (dispatch: ${setup.dispatch}); ` +
    `/cpu runs on the worker that got it, at most ${setup.cpuLimit} at once in all.`,
}

const workers = await startWorkers(setup, step, options.headerTimeoutMs)
if (setup.dispatch === 'acceptor') {
  const pick = setup.pick === 'least' ? leastConnections(setup.workers, workers.table) : roundRobin(setup.workers)
  startAcceptor(workers, options, pick)
} else {
  await listenInEveryWorker(workers, options).catch((error: unknown) => {
    if (!(error instanceof ReusePortUnsupported)) throw error
    const kernel =
      '--dispatch kernel needs an OS whose kernel spreads connections over SO_REUSEPORT listeners ' +
      `(Linux, FreeBSD 12+); this is ${process.platform}`
    refuse(transferMissing === undefined ? kernel : `${kernel}, and --dispatch acceptor ${transferMissing}`)
  })
}

// A peer of step 6 for the bench: what a Node user reaches for instead of worker threads, the
// `node:cluster` module: N worker *processes* (default: the CPU count), each an event loop serving
// the whole protocol with the steps' shared connection code, so step 6 can be measured beside it
// (`--step cluster-rr`, `--step cluster-none`). Not part of the talk's steps.
//
// Node's two scheduling policies, chosen by `--policy` (set before the first fork: Node freezes
// `cluster.schedulingPolicy` then; the environment variable NODE_CLUSTER_SCHED_POLICY=rr|none sets
// the same default, and `--policy` overrides it):
// - `rr` (SCHED_RR, Node's default except on Windows; lib/internal/cluster/round_robin_handle.js):
//   the primary process alone listens and accepts, and hands each accepted socket to a worker over
//   IPC. Not a blind rotation: a worker gets its next socket only once it has acknowledged the last
//   one (`handoff` waits for the worker's reply before putting it back on its free list), so a worker
//   whose loop is blocked by a hash stops receiving connections after the one in flight.
// - `none` (SCHED_NONE; lib/internal/cluster/shared_handle.js): the primary binds the socket once and
//   sends the listening handle to every worker; every worker accepts on that one socket, and the
//   kernel decides which waiting process wakes up for each connection. Not `reusePort` (step 6's
//   `--dispatch kernel`): one shared accept queue, not one per listener.
// With `--port 0`, every worker asks the primary for the same address, so all share the one port
// the primary's listen picked; the primary prints `listening on` once every worker listens.
//
// `/cpu` hashes on the worker that got the request, as step 6's seed design does. No separate cap:
// a worker runs one hash at a time and there are --workers of them, so at most --workers hash at
// once (step 6's default cap, the CPU count, with the default worker count).
//
// `/__stats` for the whole server, from any worker. Each worker is a process, so it cannot read the
// others' counters, and the shared connection code answers `/__stats` synchronously, so a worker
// cannot ask anyone at that moment either: it answers from what it already holds. So every 100 ms
// each worker sends its row (connections, in flight, requests, loop figures, memory) to the primary,
// and every 100 ms the primary sends the table (with its own row) back to every worker. The worker
// answering uses its own live counters and the others' rows as last heard: at most about 200 ms old,
// or older for a worker whose loop is blocked (its row's `ageMs` says how old). The cost: per worker,
// ten small JSON messages a second each way over the IPC pipe, whoever reads the stats (a request
// costs nothing extra). The top-level figures mean what step 6's do: connections, inFlight, answered,
// requests, heapUsed and context switches summed over the processes; rss summed over every process,
// the primary included; loop delay the worst loop (the primary's counts under `rr`, since it accepts
// every connection); loop utilization the mean over the workers.
//
// Stopping: SIGTERM or SIGINT to the primary stops every worker, then the primary exits. Workers
// ignore SIGINT (Ctrl-C in a terminal reaches the whole process group; the primary decides). If the
// primary dies, however, its IPC channel closes and Node's cluster code exits each worker at once
// (lib/internal/cluster/child.js, on 'disconnect'). A worker that dies while serving is replaced.

import cluster, { type Worker } from 'node:cluster'
import { createServer } from 'node:net'
import { availableParallelism } from 'node:os'
import { parseFlagsOrExit } from '../../examples/shared/cli.ts'
import { type Handler, serveConnection } from '../../examples/shared/connection.ts'
import { ok } from '../../examples/shared/http-response.ts'
import { announce, exitWithParent, indexPage } from '../../examples/shared/server.ts'
import { type LoopWindow, round, StatsProbe } from '../../examples/shared/stats.ts'
import { cpuHash, workBody } from '../../examples/shared/work.mjs'

const { server: options, flags } = parseFlagsOrExit('cluster peer', {
  workers: { kind: 'int', default: availableParallelism(), min: 1, max: 256, help: 'worker processes' },
  policy: {
    kind: 'text',
    choices: ['rr', 'none'],
    default: process.env.NODE_CLUSTER_SCHED_POLICY === 'none' ? 'none' : 'rr',
    help: 'rr: the primary accepts and hands out; none: every worker accepts on the shared socket',
  },
})

const STEP = {
  number: `cluster-${flags.policy}`,
  name: `node:cluster peer of step 6, ${flags.policy === 'rr' ? 'SCHED_RR' : 'SCHED_NONE'}`,
  summary:
    `${flags.workers} worker processes, each an event loop serving the whole protocol; ` +
    (flags.policy === 'rr'
      ? 'the primary accepts every connection and hands it to the next free worker.'
      : 'every worker accepts on the one shared socket, and the kernel picks which.'),
}
const PUBLISH_MS = 100
const INDEX_ENV = 'CLUSTER_PEER_WORKER'

/** What one process tells the others about itself (a worker's row, or the primary's). */
interface Row {
  pid: number
  sentAt: number
  rss: number
  heapUsed: number
  connections: number
  inFlight: number
  answered: number
  accepted: number
  requests: number
  tasksDone: number
  voluntaryContextSwitches: number
  involuntaryContextSwitches: number
  sinceStart: LoopWindow
  recent: LoopWindow
}

type FromWorker = { kind: 'row'; index: number; row: Row }
type ToWorker = { kind: 'table'; rows: (Row | null)[]; primary: Row }

function ownRow(probe: StatsProbe, counts: { accepted: number; requests: number; tasksDone: number }): Row {
  const memory = process.memoryUsage()
  const usage = process.resourceUsage()
  return {
    pid: process.pid,
    sentAt: Date.now(),
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    ...probe.counters,
    ...counts,
    voluntaryContextSwitches: usage.voluntaryContextSwitches,
    involuntaryContextSwitches: usage.involuntaryContextSwitches,
    ...probe.loop(),
  }
}

if (cluster.isPrimary) runPrimary()
else runWorker(Number(process.env[INDEX_ENV]))

// ---------------------------------------------------------------------------------------- primary

function runPrimary(): void {
  cluster.schedulingPolicy = flags.policy === 'rr' ? cluster.SCHED_RR : cluster.SCHED_NONE
  const probe = new StatsProbe(STEP) // the primary's own loop and memory, for its row
  const rows: (Row | null)[] = Array.from({ length: flags.workers }, () => null)
  const listening = new Set<number>()
  let up = false
  let stopping = false

  const fork = (index: number): Worker => {
    const worker = cluster.fork({ [INDEX_ENV]: String(index) })
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'row') rows[message.index] = message.row
    })
    worker.on('listening', (address) => {
      listening.add(index)
      if (up || listening.size < flags.workers) return
      up = true
      const family = address.addressType === 6 ? 'IPv6' : 'IPv4'
      announce({ address: address.address ?? options.host, family, port: address.port })
    })
    worker.on('exit', (code, signal) => {
      if (stopping) return
      if (!up) {
        // It could not listen (it said why on stderr): the server cannot start.
        stop(1)
        return
      }
      console.error(`cluster peer: worker ${index} exited (${signal ?? code}); starting another`)
      rows[index] = null
      fork(index)
    })
    return worker
  }
  for (let i = 0; i < flags.workers; i++) fork(i)

  setInterval(() => {
    const table: ToWorker = { kind: 'table', rows, primary: ownRow(probe, { accepted: 0, requests: 0, tasksDone: 0 }) }
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(table)
  }, PUBLISH_MS).unref()

  function stop(code: number): void {
    if (stopping) return
    stopping = true
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined)
    if (alive.length === 0) process.exit(code)
    let left = alive.length
    for (const worker of alive) {
      worker.process.once('exit', () => {
        left--
        if (left === 0) process.exit(code)
      })
      worker.process.kill('SIGTERM')
    }
    setTimeout(() => process.exit(code), 2000).unref() // the 'exit' hook below sends SIGKILL
  }
  process.on('SIGTERM', () => stop(0))
  process.on('SIGINT', () => stop(0))
  // Whatever ends the primary normally (process.exit included), no worker outlives it.
  process.on('exit', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL')
  })
  exitWithParent() // started by the bench or a test with IPC: their death ends us, and so the workers
}

// ---------------------------------------------------------------------------------------- worker

function runWorker(me: number): void {
  const counts = { accepted: 0, requests: 0, tasksDone: 0 }
  let table: ToWorker | null = null
  const stats: StatsProbe = new StatsProbe(STEP, () => clusterStats(me, ownRow(stats, counts), table))

  const handle: Handler = (work, reply) => {
    counts.requests++
    if (work.kind === 'sleep') {
      // I/O-bound: exactly step 3, on this worker's loop.
      if (work.ms === 0) reply(ok(workBody(work)))
      else setTimeout(() => reply(ok(workBody(work))), work.ms)
    } else {
      // Right here, on this worker's loop: its other connections wait meanwhile (as step 6's seed mode).
      const checksum = cpuHash(work.n)
      counts.tasksDone++
      reply(ok(workBody(work, checksum)))
    }
  }

  const ctx = { handle, stats, headerTimeoutMs: options.headerTimeoutMs, indexPage: indexPage(STEP) }
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    counts.accepted++
    serveConnection(socket, ctx)
  })
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`)
    process.exit(1)
  })
  // In a worker, listen() asks the primary for the handle (the same one for every worker).
  server.listen({ host: options.host, port: options.port, backlog: 4096 })

  process.on('SIGINT', () => {}) // the primary stops us
  process.on('message', (message: ToWorker) => {
    if (message.kind === 'table') table = message
  })
  const publish = () => {
    if (process.connected) process.send?.({ kind: 'row', index: me, row: ownRow(stats, counts) } satisfies FromWorker)
  }
  server.once('listening', publish)
  setInterval(publish, PUBLISH_MS).unref()
}

/** The step-specific part of `/__stats`, as worker `me` sees the server: its own row live, the others as last heard. */
function clusterStats(me: number, own: Row, table: ToWorker | null): Record<string, unknown> {
  const now = Date.now()
  const rows = Array.from({ length: flags.workers }, (_, i) => (i === me ? own : (table?.rows[i] ?? null)))
  const heard = rows.filter((row) => row !== null)
  const primary = table?.primary ?? null
  const everyone = primary === null ? heard : [...heard, primary]
  const delayLoops = flags.policy === 'rr' ? everyone : heard
  const sum = (pick: (row: Row) => number, of = heard) => of.reduce((total, row) => total + pick(row), 0)
  const worst = (pick: (row: Row) => number) => round(Math.max(...delayLoops.map(pick)))
  const mean = (pick: (row: Row) => number) => round(sum(pick) / heard.length, 3)
  const requests = rows.map((row) => row?.requests ?? 0)
  const meanRequests = requests.reduce((a, b) => a + b, 0) / flags.workers
  return {
    policy: flags.policy,
    workerCount: flags.workers,
    worker: me,
    primaryPid: primary?.pid ?? null,
    rss: sum((row) => row.rss, everyone),
    heapUsed: sum((row) => row.heapUsed, everyone),
    voluntaryContextSwitches: sum((row) => row.voluntaryContextSwitches, everyone),
    involuntaryContextSwitches: sum((row) => row.involuntaryContextSwitches, everyone),
    connections: sum((row) => row.connections),
    inFlight: sum((row) => row.inFlight),
    answered: sum((row) => row.answered),
    requests: sum((row) => row.requests),
    tasksDone: sum((row) => row.tasksDone),
    cpuLimit: flags.workers,
    eventLoopDelayP99Ms: worst((row) => row.sinceStart.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: worst((row) => row.sinceStart.eventLoopDelayMaxMs),
    eventLoopUtilization: mean((row) => row.sinceStart.eventLoopUtilization),
    recent: {
      eventLoopDelayP99Ms: worst((row) => row.recent.eventLoopDelayP99Ms),
      eventLoopDelayMaxMs: worst((row) => row.recent.eventLoopDelayMaxMs),
      eventLoopUtilization: mean((row) => row.recent.eventLoopUtilization),
    },
    /** How old the oldest worker row is: a worker busy hashing cannot send its own. */
    statsAgeMsMax: Math.max(...heard.map((row) => now - row.sentAt)),
    imbalance: meanRequests > 0 ? round(Math.max(...requests) / meanRequests) : 1, // max ÷ mean
    workers: rows.map((row, i) => ({
      worker: i,
      pid: row?.pid ?? null,
      ageMs: row === null ? null : now - row.sentAt,
      connections: (row?.connections ?? 0) - (i === me ? 1 : 0), // not the connection asking
      accepted: row?.accepted ?? 0,
      requests: requests[i],
      inFlight: row?.inFlight ?? 0,
      tasksDone: row?.tasksDone ?? 0,
      eventLoopDelayP99Ms: row?.sinceStart.eventLoopDelayP99Ms ?? 0,
      recentDelayP99Ms: row?.recent.eventLoopDelayP99Ms ?? 0,
      eventLoopUtilization: row?.sinceStart.eventLoopUtilization ?? 0,
      recentUtilization: row?.recent.eventLoopUtilization ?? 0,
    })),
    ...(primary === null
      ? {}
      : {
          primary: {
            pid: primary.pid,
            rss: primary.rss,
            eventLoopDelayP99Ms: primary.sinceStart.eventLoopDelayP99Ms,
            recentDelayP99Ms: primary.recent.eventLoopDelayP99Ms,
            eventLoopUtilization: primary.sinceStart.eventLoopUtilization,
          },
        }),
  }
}

// A soak: one step, for a bounded time, under steady keep-alive load while hostile clients send
// garbage, half heads, oversized heads and resets (soak-clients.ts). Not a benchmark — nothing here
// is a speed — but the question whether a server stays whole: did any well-behaved request fail,
// did any hostile connection hang, how much did its memory grow from idle before to idle after,
// and is every connection gone at the end.
//
// `npm run soak` runs it from the command line (cli/soak.ts); test/load/soak.test.ts runs it briefly.
// The server runs with a short header timeout (2 s by default) so that the half heads get their
// 408 within the soak, not after it.

import {
  ATTACKS,
  type AttackKind,
  type AttackOutcome,
  attack,
  KeepAliveClient,
  type LoadCounters,
} from './soak-clients.ts'
import { type ServerProcess, startServer } from '../server/server-process.ts'
import { fetchStats, numberField, type StatsBody, StatsPoller } from '../server/server-stats.ts'
import { findStep } from '../steps.ts'

export interface SoakOptions {
  step: string
  connections: number
  durationS: number
  /** Hostile connections at any moment. */
  attackers: number
  /** What the keep-alive clients ask for. */
  path: string
  headerTimeoutMs: number
}

export interface SoakReport {
  options: SoakOptions
  title: string
  elapsedMs: number
  load: LoadCounters
  attacks: Record<AttackKind, AttackTally>
  server: {
    idleRssBeforeBytes: number | null
    peakRssBytes: number | null
    idleRssAfterBytes: number | null
    /** `/__stats` connections once every client has closed (it does not count the one asking). */
    connectionsAfter: number | null
    /** Whether it still answered `/__stats` at the end. */
    serving: boolean
    /** Lines it wrote to stderr during the soak. */
    stderrLines: string[]
  }
}

/** What became of one kind of hostile connection: answers by status, closes by the server, resets by us, hangs. */
export interface AttackTally {
  sent: number
  answers: Record<string, number>
  closed: number
  reset: number
  hung: number
}

/** How long everything may take to wind down after the soak before it counts as left behind. */
const SETTLE_MS = 10_000

export async function runSoak(options: SoakOptions, signal?: AbortSignal): Promise<SoakReport> {
  const step = findStep(options.step)
  if (step === undefined) throw new Error(`unknown step '${options.step}'`)
  const server = await startServer(step, ['--header-timeout', String(options.headerTimeoutMs)])
  try {
    const before = await settledStats(server, () => true)
    const poller = new StatsPoller(server.url, 500, 2000)
    poller.start()
    const t0 = performance.now()
    const { load, attacks } = await soak(server, options, signal)
    const elapsedMs = Math.round(performance.now() - t0)
    await poller.stop()
    const afterStats = await settledStats(server, (s) => s?.connections === 0)
    return {
      options,
      title: step.title,
      elapsedMs,
      load,
      attacks,
      server: {
        idleRssBeforeBytes: numberField(before, 'rss'),
        peakRssBytes: poller.peakRss,
        idleRssAfterBytes: numberField(afterStats, 'rss'),
        connectionsAfter: numberField(afterStats, 'connections'),
        serving: afterStats !== null,
        stderrLines: server.stderr().split('\n').filter(Boolean),
      },
    }
  } finally {
    await server.stop()
  }
}

/** The load and the attacks, side by side, until the duration is over (or the signal aborts). */
async function soak(server: ServerProcess, options: SoakOptions, signal: AbortSignal | undefined) {
  const load: LoadCounters = { answered: 0, unexpected: 0, errors: 0, closedEarly: 0, timeouts: 0 }
  const clients = Array.from(
    { length: options.connections },
    () => new KeepAliveClient(server.port, options.path, load),
  )
  const attacks = Object.fromEntries(
    ATTACKS.map((kind) => [kind, { sent: 0, answers: {}, closed: 0, reset: 0, hung: 0 }]),
  ) as SoakReport['attacks']
  const deadline = performance.now() + options.durationS * 1000
  const over = () => performance.now() >= deadline || signal?.aborted === true
  // Each attacker goes through the kinds in turn, starting at its own, so every kind runs.
  const attackers = Array.from({ length: options.attackers }, async (_, i) => {
    for (let n = i; !over(); n++) {
      const kind = ATTACKS[n % ATTACKS.length]!
      attacks[kind].sent++
      count(attacks[kind], await attack(server.port, kind, options.headerTimeoutMs + SETTLE_MS))
    }
  })
  while (!over()) await new Promise((resolve) => setTimeout(resolve, Math.min(200, deadline - performance.now())))
  for (const client of clients) client.stop()
  await Promise.all([...attackers, ...clients.map((c) => c.closed)])
  return { load, attacks }
}

function count(tally: AttackTally, outcome: AttackOutcome): void {
  if (outcome.ending === 'answered') tally.answers[outcome.status] = (tally.answers[outcome.status] ?? 0) + 1
  else tally[outcome.ending]++
}

/** `/__stats` once `ready` holds for it (the server has let go of what it held), or after SETTLE_MS. */
async function settledStats(server: ServerProcess, ready: (stats: StatsBody | null) => boolean) {
  const end = performance.now() + SETTLE_MS
  let stats = await fetchStats(server.url, 2000)
  while (!ready(stats) && performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    stats = await fetchStats(server.url, 2000)
  }
  return stats
}

/** What went wrong, one line each; empty when the server came through whole. */
export function soakProblems(report: SoakReport): string[] {
  const problems: string[] = []
  const { load, server } = report
  const failed = load.errors + load.unexpected + load.closedEarly + load.timeouts
  if (failed > 0) problems.push(`${failed} well-behaved requests or connections failed`)
  if (load.answered === 0) problems.push('the keep-alive load got no answer at all')
  const hung = Object.values(report.attacks).reduce((n, a) => n + a.hung, 0)
  if (hung > 0) problems.push(`${hung} hostile connections were neither answered nor closed`)
  if (!server.serving) problems.push('the server stopped answering /__stats')
  if (server.connectionsAfter !== 0)
    problems.push(`${server.connectionsAfter ?? 'unknown'} connections still open after`)
  return problems
}

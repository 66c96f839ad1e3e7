// One benchmark run, start to finish, in four phases and a result:
//
//   1. target    start the step's server (server-process.ts), or check that `--url` answers
//   2. polling   `/__stats` once on the idle server, then every 250 ms (server-stats.ts)
//   3. load      fork the load generator and follow it to its end (generator-session.ts):
//                calibrating (cpu-mix), running, stopped by the cap or an abort, or failed
//   4. stop      stop the generator, poll `/__stats` a last time, stop the server
//   → result     `buildResult` (run-result.ts), a pure function of what the phases saw
//
// Progress goes to the caller's `onProgress` at each phase change and every 200 ms of load.
//
// This is the heavy half of the library (child processes, the load generator). Front ends
// import it lazily through `runScenario` in index.ts.
//
// Abort: the promise resolves with what was measured so far (`partial: true`,
// `endedBy: 'aborted'`), never rejects for an abort. It rejects only for real failures — a bad
// option, an unreachable `--url`, a server or generator that dies — after stopping everything.

import { hasExited, stopChild } from './server/child-processes.ts'
import { GeneratorSession } from './generator-session.ts'
import { machineInfo, openFileLimit, processCpuMs, processStatus } from './server/machine.ts'
import { buildResult, type LoadOutcome, progressSnapshot, serverSummary, timelinePoint } from './report/run-result.ts'
import { BenchOptionError, type RunInput, resolveRunOptions } from './options.ts'
import { type ServerProcess, startServer } from './server/server-process.ts'
import { fetchText } from './load/one-get.ts'
import { StatsPoller } from './server/server-stats.ts'
import { findStep, type StepEntry } from './steps.ts'
import type {
  AwaitChainSizing,
  BenchProgress,
  BenchResult,
  CpuCalibration,
  ResolvedRunOptions,
  RunHooks,
  ServerSummary,
  TimelinePoint,
} from './types.ts'

const PROGRESS_INTERVAL_MS = 200

export async function runScenario(input: RunInput, hooks: RunHooks = {}): Promise<BenchResult> {
  const options = resolveRunOptions(input)
  checkFileLimit(options.connections)
  return new BenchRun(options, hooks).execute()
}

/** The state of one run, filled in phase by phase. */
class BenchRun {
  private readonly startedAt = new Date().toISOString()
  private readonly machine = machineInfo()
  private readonly step: StepEntry | null
  private readonly signal: AbortSignal | undefined
  private origin: string
  private server: ServerProcess | null = null
  private poller: StatsPoller | null = null
  private session: GeneratorSession | null = null
  private started: { path: string; warmupMs: number; setupMs: number; ratePerSec: number | null } | null = null
  private cpu: CpuCalibration | null = null
  private awaitChain: AwaitChainSizing | null = null
  /** The server's CPU time when the load started, and what it used during the load (Linux). */
  private serverCpu: { atStart: number | null; used: number | null } = { atStart: null, used: null }
  private readonly timeline: TimelinePoint[] = []
  /** An exception from the caller's `onProgress`: rethrown once the run has cleaned up. */
  private progressError: { error: unknown } | null = null

  constructor(
    private readonly options: ResolvedRunOptions,
    private readonly hooks: RunHooks,
  ) {
    this.step = options.step === null ? null : (findStep(options.step) ?? null)
    this.signal = hooks.signal
    this.origin = options.url ?? ''
  }

  async execute(): Promise<BenchResult> {
    let outcome: LoadOutcome | null = null
    try {
      this.report(this.snapshot('starting'))
      this.signal?.throwIfAborted() // a signal already aborted starts nothing
      await this.startTarget()
      await this.startPolling()
      outcome = await this.load()
    } catch (error) {
      if (!this.signal?.aborted) {
        await this.stopAll(false)
        throw error
      }
      // Aborted while starting: an empty, partial result below.
    }
    const server = await this.stopAll(outcome !== null && outcome.endedBy !== 'aborted')
    if (this.progressError !== null) throw this.progressError.error
    return buildResult({
      options: this.options,
      step: this.step,
      startedAt: this.startedAt,
      machine: this.machine,
      origin: this.origin,
      outcome,
      cpu: this.cpu,
      awaitChain: this.awaitChain,
      started: this.started,
      server,
      timeline: this.timeline,
      pids: { server: this.server?.pid ?? null, generator: this.session?.child.pid ?? null },
    })
  }

  /** Phase 1: the step's server, started here; or the server at `--url`, checked. */
  private async startTarget(): Promise<void> {
    if (this.options.url !== null) return checkReachable(this.options.url)
    if (this.step === null) throw new Error('no step and no url') // resolveRunOptions gives one of them
    this.server = await startServer(this.step, [], { signal: this.signal })
    this.origin = this.server.url
    this.signal?.throwIfAborted()
  }

  /** Phase 2: the idle figures, before any load, then a poll every 250 ms. */
  private async startPolling(): Promise<void> {
    this.poller = new StatsPoller(this.origin)
    const pid = this.server?.pid
    if (pid !== undefined) this.poller.fromOutside = () => processStatus(pid)
    this.poller.onStats = this.hooks.onStats ?? null
    this.hooks.onTarget?.(this.origin)
    await this.poller.poll()
    this.poller.start()
  }

  /** Phase 3: the load generator, from calibration (cpu-mix) to the end of the load. */
  private async load(): Promise<LoadOutcome> {
    const o = this.options
    this.session = new GeneratorSession(
      { server: this.server, capS: o.capS, signal: this.signal },
      {
        onCalibrating: () => this.report(this.snapshot('calibrating')),
        onCalibrated: (cpu) => {
          this.cpu = cpu
        },
        onSized: (chain) => {
          this.awaitChain = chain
        },
        onStarted: (path, warmupMs, setupMs, ratePerSec) => {
          this.started = { path, warmupMs, setupMs, ratePerSec }
          if (this.server) this.serverCpu.atStart = processCpuMs(this.server.pid)
        },
        onProgress: (report) => {
          this.timeline.push(timelinePoint(report, this.stats()))
          this.report(this.snapshot('running', report.elapsedMs, report, report.ratePerSec))
        },
        onStopping: (elapsedMs, last) => this.report(this.snapshot('stopping', elapsedMs, last)),
      },
    )
    const { connections, requests, durationS, maxRequests, timeoutS, cpuMix, open, awaitChain, churn } = o
    const config = {
      origin: this.origin,
      path: o.path,
      connections,
      requests,
      durationS,
      maxRequests,
      timeoutS,
      cpuMix,
      open: open && {
        ratePerSec: open.ratePerSec,
        capacityFactor: open.capacityFactor ?? null,
        connections: open.preopened,
        maxConnections: connections,
      },
      awaitChain,
      churn,
      warmUpRequests: o.warmUpRequests ?? 0,
    }
    const outcome = await this.session.run({ ...config, progressIntervalMs: PROGRESS_INTERVAL_MS })
    const atEnd = this.server ? processCpuMs(this.server.pid) : null
    if (this.serverCpu.atStart !== null && atEnd !== null)
      this.serverCpu.used = Math.round(atEnd - this.serverCpu.atStart)
    return outcome
  }

  /**
   * Phase 4: stop everything this run started — the generator first (the load stops), then one
   * last look at `/__stats` (skipped on abort and failure: stop at once), then the server.
   */
  private async stopAll(finalPoll: boolean): Promise<ServerSummary | null> {
    let finalAnswered = false
    if (this.session) await stopChild(this.session.child, finalPoll ? 'SIGTERM' : 'SIGKILL', 500)
    if (this.poller) {
      await this.poller.stop()
      if (finalPoll && (this.server === null || !hasExited(this.server.child))) {
        const answered = this.poller.polls
        await this.poller.poll(1500)
        finalAnswered = this.poller.polls > answered
      }
    }
    await this.server?.stop(finalPoll ? 2000 : 0)
    return this.poller ? serverSummary(this.poller, this.serverCpu.used, finalAnswered) : null
  }

  private stats() {
    return this.poller?.latest ?? null
  }

  private snapshot(
    phase: BenchProgress['phase'],
    elapsedMs = 0,
    last: Pick<LoadOutcome, 'main' | 'probe'> | null = null,
    ratePerSec = 0,
  ): BenchProgress {
    return progressSnapshot(phase, { elapsedMs, asked: this.options.requests, stats: this.stats() }, last, ratePerSec)
  }

  /** To the caller; an exception there does not break the run (it is rethrown at the end). */
  private report(progress: BenchProgress): void {
    if (!this.hooks.onProgress || this.progressError !== null) return
    try {
      this.hooks.onProgress(progress)
    } catch (error) {
      this.progressError = { error }
    }
  }
}

async function checkReachable(origin: string): Promise<void> {
  try {
    await fetchText(`${origin}/__stats`, 3000)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused: is the server running?'
        : code === 'ETIMEDOUT'
          ? 'no answer within 3 s'
          : ((error as Error).message ?? String(error))
    throw new Error(`cannot reach ${origin}: ${why}`)
  }
}

/** Each connection is a file descriptor in the generator and another in the server. */
function checkFileLimit(connections: number): void {
  const limit = openFileLimit()
  const needed = connections + 200 // sockets, plus what Node itself keeps open
  if (limit !== null && limit < needed) {
    throw new BenchOptionError(
      `${connections} connections need ${needed} open files in the server and in the load generator, ` +
        `but ulimit -n is ${limit}: raise it (ulimit -n ${needed}) or use fewer --connections`,
    )
  }
}

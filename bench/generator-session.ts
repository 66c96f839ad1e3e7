// The load generator as a run sees it: a forked child (generator.ts) that is told to start, reports
// every 200 ms, and ends in one of five ways — it finishes on its own, the cap stops it, an abort
// stops it, it dies, or the server under load dies. `run(config)` settles once, with the load's
// outcome or an error, whichever comes first; every timer and listener is gone by then.
//
// One object per run: its state is in fields, each event has a named handler, and nothing depends
// on the order the handlers were written in.

import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { adopt, hasExited } from './server/child-processes.ts'
import type { FromGenerator, GeneratorConfig, ToGenerator } from './load/generator-messages.ts'
import { REPO_ROOT } from './repo-root.ts'
import { type LoadOutcome, noMetrics } from './report/run-result.ts'
import type { ServerProcess } from './server/server-process.ts'
import type { AwaitChainSizing, CpuCalibration } from './types.ts'

const GENERATOR_ENTRY = join(REPO_ROOT, 'bench/load/generator.ts')
/** How long a stopped generator may take to send its last figures before it is killed. */
const STOP_GRACE_MS = { cap: 1000, aborted: 250 } as const
/** Starting the generator and calibrating cpu-mix must not take longer than this. */
const START_TIMEOUT_MS = 30_000

type StopReason = keyof typeof STOP_GRACE_MS
type Progress = Extract<FromGenerator, { type: 'progress' }>

/** What the run hears from the session as the load goes. */
export interface SessionEvents {
  onCalibrating(): void
  onCalibrated(cpu: CpuCalibration): void
  /** await-trap, await-yield: the chain of awaits, sized on the server. */
  onSized(chain: AwaitChainSizing): void
  /**
   * The load has started (cpu-mix: on `/cpu/<n>` once calibrated); `setupMs` creating the clients;
   * an open loop's rate as used (a calibrated one's is known only now).
   */
  onStarted(path: string, warmupMs: number, setupMs: number, ratePerSec: number | null): void
  onProgress(report: Progress): void
  /** The cap or an abort is stopping the load; `last` is its last report, if any. */
  onStopping(elapsedMs: number, last: LoadOutcome | null): void
}

export interface SessionWatch {
  /** The server under load: its death fails the run. Null with `--url`. */
  server: ServerProcess | null
  capS: number
  signal: AbortSignal | undefined
}

export class GeneratorSession {
  readonly child: ChildProcess
  private stderr = ''
  private last: LoadOutcome | null = null
  private loadStartedAt: number | null = null
  private stopReason: StopReason | null = null
  private settle: { resolve(outcome: LoadOutcome): void; reject(error: Error): void } | null = null
  private readonly timers: { start?: NodeJS.Timeout; cap?: NodeJS.Timeout; grace?: NodeJS.Timeout } = {}

  constructor(
    private readonly watch: SessionWatch,
    private readonly events: SessionEvents,
  ) {
    // Its own process group (detached), so a Ctrl-C at the terminal reaches only the front end.
    this.child = fork(GENERATOR_ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    })
    adopt(this.child, 'generator')
    this.child.stderr?.setEncoding('utf8')
    this.child.stderr?.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-8000)
    })
  }

  /** Start the load and wait for its end. */
  run(config: GeneratorConfig): Promise<LoadOutcome> {
    return new Promise<LoadOutcome>((resolve, reject) => {
      this.settle = { resolve, reject }
      const { server, signal } = this.watch
      this.timers.start = setTimeout(
        () => this.fail(new Error(`the load generator did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      )
      this.child.on('message', this.onMessage)
      this.child.once('exit', this.onExit)
      server?.child.once('exit', this.onServerExit)
      if (server && hasExited(server.child)) return this.onServerExit(server.child.exitCode, server.child.signalCode)
      if (signal?.aborted) return this.stop('aborted')
      signal?.addEventListener('abort', this.onAbort, { once: true })
      this.send({ type: 'start', config })
    })
  }

  private readonly onMessage = (message: FromGenerator): void => {
    switch (message.type) {
      case 'calibrating':
        return this.events.onCalibrating()
      case 'calibrated':
        return this.events.onCalibrated(message.cpu)
      case 'sized':
        return this.events.onSized(message.chain)
      case 'started':
        clearTimeout(this.timers.start)
        this.loadStartedAt = performance.now()
        this.events.onStarted(message.path, message.warmupMs, message.setupMs, message.ratePerSec)
        this.timers.cap = setTimeout(() => this.stop('cap'), this.watch.capS * 1000)
        return
      case 'progress':
        this.last = {
          ...this.fallback('duration'),
          elapsedMs: message.elapsedMs,
          main: message.main,
          probe: message.probe,
        }
        if (this.stopReason === null) this.events.onProgress(message)
        return
      case 'done':
        return this.finish({
          endedBy: message.endedBy === 'stopped' ? (this.stopReason ?? 'aborted') : message.endedBy,
          elapsedMs: message.elapsedMs,
          main: message.main,
          probe: message.probe,
          autocannon: message.autocannon,
          cpuMs: message.cpuMs,
          open: message.open,
          probeStats: message.probeStats,
          hold: message.hold,
        })
      case 'failed':
        return this.fail(new Error(`load generator: ${message.message}`))
    }
  }

  private readonly onExit = (code: number | null, signal: string | null): void => {
    if (this.stopReason !== null) return this.finish(this.fallback(this.stopReason))
    const stderr = this.stderr.trim()
    this.fail(
      new Error(`the load generator exited (${signal ?? code}) before reporting${stderr ? `:\n${stderr}` : ''}`),
    )
  }

  private readonly onServerExit = (code: number | null, signal: string | null): void => {
    const why = `the server exited (${signal ?? code}) during the run`
    const stderr = this.watch.server?.stderr().trim()
    this.fail(new Error(stderr ? `${why}:\n${stderr}` : why))
  }

  private readonly onAbort = (): void => this.stop('aborted')

  /**
   * Stop the load now. The generator answers with its final figures at once; if it does not, it is
   * killed and its last progress report stands for the outcome.
   */
  private stop(reason: StopReason): void {
    if (this.stopReason !== null || this.settle === null) return
    this.stopReason = reason
    this.events.onStopping(this.elapsed(), this.last)
    this.send({ type: 'stop' })
    this.timers.grace = setTimeout(() => {
      this.child.kill('SIGKILL')
      this.finish(this.fallback(reason))
    }, STOP_GRACE_MS[reason])
  }

  /** The last progress report as an outcome ending `endedBy` (nothing yet: an empty one). */
  private fallback(endedBy: LoadOutcome['endedBy']): LoadOutcome {
    return {
      endedBy,
      elapsedMs: this.last?.elapsedMs ?? this.elapsed(),
      main: this.last?.main ?? noMetrics(),
      probe: this.last?.probe ?? null,
      autocannon: null,
      cpuMs: null,
      open: null,
      probeStats: null,
      hold: null,
    }
  }

  private finish(outcome: LoadOutcome): void {
    const settle = this.detach()
    settle?.resolve(outcome)
  }

  private fail(error: Error): void {
    const settle = this.detach()
    settle?.reject(error)
  }

  /** Clears every timer and listener; returns the promise's settle functions the first time only. */
  private detach(): GeneratorSession['settle'] {
    const settle = this.settle
    this.settle = null
    clearTimeout(this.timers.start)
    clearTimeout(this.timers.cap)
    clearTimeout(this.timers.grace)
    this.watch.signal?.removeEventListener('abort', this.onAbort)
    this.watch.server?.child.off('exit', this.onServerExit)
    this.child.off('exit', this.onExit)
    this.child.off('message', this.onMessage)
    return settle
  }

  private elapsed(): number {
    return this.loadStartedAt === null ? 0 : Math.round(performance.now() - this.loadStartedAt)
  }

  private send(message: ToGenerator): void {
    if (this.child.connected) this.child.send(message)
  }
}

// The load generator: a child process the run forks, so that generating load never shares an event
// loop with the caller (the CLI's progress line, or the deck's dev server) — and so that killing it
// stops the load at once.
//
// The main load is either closed loop (closed-loop.ts: autocannon, each connection sending its next
// request when the previous answer arrives), open loop (open-loop.ts: a fixed schedule, whatever
// the server does) or a connection per request (churn.ts); cpu-mix and the await chain add a paced
// probe (an open-loop sender too), overload beside an open loop of `/cpu` tasks whose rate is worked
// out here once the task is sized. Every answer goes into our own Recorder (metrics.ts), and
// aggregated figures go over IPC every 200 ms, each counting the requests still unanswered at their
// wait so far. Not autocannon's `workers` option: it drops the live events we record and was slower
// on 2 cores.
//
// One `LoadSession` per process, in named phases: prepare (size the task or the chain), warm up
// (warm-up.ts: the server, when asked, and the generator's own client code), start (the main load,
// the probe and the hold at the same instant), report (every 200 ms), finish. Its invariant, the
// other side of the run's `GeneratorSession`: the child sends exactly one `done` (or `failed`) and
// exits; `done` carries the figures as they stood when the load ended, every request still
// unanswered counted at its wait so far; the main load, the probe and the hold are stopped before
// `done` goes out, so nothing of this run outlives it.

import { performance } from 'node:perf_hooks'
import { isOpenLoop, type KindName, kindOf, kindReport, sizesCpuTask } from '../kinds/index.ts'
import { awaitPath } from '../options.ts'
import type { AutocannonSummary, ProbeOptions } from '../types.ts'
import { sizeAwaitChain } from './await-chain.ts'
import { BusyWorker } from './busy-worker.ts'
import { calibrateCpuN, calibratedRate, sizeCpuTask } from './calibrate.ts'
import { ChurnLoop } from './churn.ts'
import { ClosedLoop } from './closed-loop.ts'
import type { FromGenerator, GeneratorConfig, ToGenerator } from './generator-messages.ts'
import { Recorder, type Unanswered } from './metrics.ts'
import { OpenLoopSender } from './open-loop.ts'
import { warmUpFor, warmUpServer } from './warm-up.ts'

if (process.send === undefined) {
  console.error('bench/load/generator.ts is started by the bench (bench/run.ts), not by hand')
  process.exit(2)
}
// Our parent is gone (even killed with SIGKILL): stop generating load at once.
process.on('disconnect', () => process.exit(0))

function send(message: FromGenerator): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve()
    process.send!(message, undefined, undefined, () => resolve())
  })
}

async function fail(error: unknown): Promise<void> {
  await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}

let session: LoadSession | null = null

process.on('message', (message: ToGenerator) => {
  if (message.type === 'start') {
    session = new LoadSession(message.config)
    session.run().catch(fail)
  } else if (message.type === 'stop') {
    if (session?.started) session.stop()
    else process.exit(0) // not started yet: nothing to report
  }
})

/** The main load, closed or open loop or churn, as the session drives it. */
interface MainLoad {
  unanswered(now: number): Unanswered[]
  stop(): void
}

type MainEnd = { endedBy: 'completed' | 'duration'; summary: AutocannonSummary | null }

class LoadSession {
  private readonly config: GeneratorConfig
  private readonly kind: KindName
  /** The main load's path and an open loop's rate, as `prepare` leaves them. */
  private path: string
  private ratePerSec: number | null
  private readonly main: Recorder
  private readonly probeOptions: ProbeOptions | null
  private readonly probeRecorder: Recorder | null
  private load: MainLoad | null = null
  private sender: OpenLoopSender | null = null
  private probe: OpenLoopSender | null = null
  private hold: BusyWorker | null = null
  private t0 = 0
  private cpuAtStart: NodeJS.CpuUsage | null = null
  private progress: NodeJS.Timeout | undefined
  /** The load is over when the main load has ended and the probe has its answers in (or the cap). */
  private mainEnd: MainEnd | null = null
  private probeDrained = true
  private finished = false

  constructor(config: GeneratorConfig) {
    this.config = config
    this.kind = kindOf(config)
    this.path = config.path
    this.ratePerSec = config.open?.ratePerSec ?? null
    this.main = new Recorder({ serviceTime: isOpenLoop(this.kind), byStatus: isOpenLoop(this.kind) })
    // The paced /0 probe, beside CPU work (cpu-mix, overload) or a chain of awaits.
    this.probeOptions = kindReport(this.kind).probeOf(config)
    this.probeRecorder = this.probeOptions ? new Recorder({ serviceTime: true }) : null
  }

  /** Whether the load has started: before, a stop has nothing to report. */
  get started(): boolean {
    return this.load !== null
  }

  async run(): Promise<void> {
    await this.prepare()
    await warmUpServer(this.config.origin + this.path, this.config.warmUpRequests, this.config.timeoutS * 1000)
    const warmupMs = await warmUpFor(this.kind, this.config.connections)
    const setupMs = await this.start()
    await send({
      type: 'started',
      path: this.path,
      warmupMs,
      setupMs,
      ratePerSec: this.sender ? this.ratePerSec : null,
    })
    this.progress = setInterval(() => void this.report(), this.config.progressIntervalMs)
  }

  /** The cap or an abort: the figures as they are now, requests still waiting counted at their wait. */
  stop(): void {
    void this.finish('stopped', null)
  }

  /** Size what the kind sizes on the idle server: the `/cpu` task (and an overload's rate), the chain. */
  private async prepare(): Promise<void> {
    const { config } = this
    if (sizesCpuTask(this.kind)) {
      await send({ type: 'calibrating' })
      const { targetMs, n } = config.cpuMix!
      const cpu = await sizeCpuTask(config.origin, targetMs, n, config.timeoutS)
      await send({ type: 'calibrated', cpu })
      this.path = `/cpu/${cpu.n}`
      if (this.kind === 'overload' && this.ratePerSec === null)
        this.ratePerSec = calibratedRate(config.open!.capacityFactor ?? 1, cpu)
    } else if (this.kind === 'await-chain') {
      await send({ type: 'calibrating' })
      const { targetMs, n } = config.awaitChain!
      const chain = await sizeAwaitChain(config.origin, config.path, targetMs, n, config.timeoutS * 1000)
      await send({ type: 'sized', chain })
      this.path = awaitPath(config.path, chain.n)
    }
    if (isOpenLoop(this.kind) && this.ratePerSec === null)
      throw new Error('an open loop without a rate (a capacity factor needs cpuMix)')
  }

  /** Open the connections, then start the main load, the probe and the hold at one instant; setup ms. */
  private async start(): Promise<number> {
    const { config } = this
    const origin = new URL(config.origin)
    const host = origin.hostname
    const port = Number(origin.port)
    if (this.probeOptions) {
      this.probe = new OpenLoopSender(host, port, this.probeOptions)
      await this.probe.open()
    }
    if (isOpenLoop(this.kind)) {
      this.sender = new OpenLoopSender(host, port, { path: this.path, ...config.open!, ratePerSec: this.ratePerSec! })
      await this.sender.open()
    }
    // busy-worker: one worker kept hashing before the first new connection (busy-worker.ts).
    if (this.kind === 'busy-worker') {
      const task = calibrateCpuN(config.churn!.hold!.taskMs)
      this.hold = await BusyWorker.start(host, port, task.n, task.msPerTask, 5000)
    }

    this.t0 = performance.now()
    this.cpuAtStart = process.cpuUsage()
    const ended = (endedBy: MainEnd['endedBy'], summary: AutocannonSummary | null) => {
      this.mainEnd = { endedBy, summary }
      this.maybeFinish()
    }
    let setupMs = 0
    if (this.sender) {
      this.sender.start(this.t0, this.main, config.durationS, () => ended('duration', null))
      this.load = this.sender
    } else if (this.kind === 'churn' || this.kind === 'busy-worker') {
      // A connection per request: our own closed loop (churn.ts), not autocannon.
      const { connections: slots, requests, durationS, maxRequests, timeoutS } = config
      const churn = new ChurnLoop(
        { host, port, path: this.path, slots, requests, durationS, maxRequests, timeoutS },
        this.main,
      )
      churn.start(this.t0, (endedBy) => ended(endedBy, null))
      // The hold ends with the duration: the connections waiting on the busy worker then get their
      // answers (and their real latency) instead of being cut by the cap.
      const hold = this.hold
      if (hold && durationS !== null) setTimeout(() => hold.stop(), durationS * 1000).unref()
      this.load = churn
    } else {
      const closed = new ClosedLoop({ ...config, url: config.origin + this.path }, this.main)
      setupMs = closed.start(ended, (error) => void fail(error))
      this.load = closed
    }
    if (this.probe) {
      this.probeDrained = false
      this.probe.start(this.t0, this.probeRecorder!, config.durationS, () => {
        this.probeDrained = true
        this.maybeFinish()
      })
    }
    return setupMs
  }

  /** The figures so far, every 200 ms. */
  private report(): Promise<void> {
    const now = performance.now()
    return send({
      type: 'progress',
      elapsedMs: Math.round(now - this.t0),
      ratePerSec: this.main.rateSinceLastCall(now),
      main: this.main.metrics(this.load!.unanswered(now)),
      probe: this.probeRecorder?.metrics(this.probe!.unanswered(now)) ?? null,
    })
  }

  private maybeFinish(): void {
    if (this.mainEnd !== null && this.probeDrained) void this.finish(this.mainEnd.endedBy, this.mainEnd.summary)
  }

  /** Once: the last figures, everything stopped, `done` sent, the process gone. */
  private async finish(
    endedBy: 'completed' | 'duration' | 'stopped',
    autocannonSummary: AutocannonSummary | null,
  ): Promise<void> {
    if (this.finished) return
    this.finished = true
    clearInterval(this.progress)
    const now = performance.now()
    const main = this.main.metrics(this.load!.unanswered(now))
    const probe = this.probeRecorder?.metrics(this.probe!.unanswered(now)) ?? null
    this.load!.stop()
    this.probe?.stop()
    this.hold?.stop()
    const cpu = process.cpuUsage(this.cpuAtStart ?? undefined)
    await send({
      type: 'done',
      endedBy,
      elapsedMs: Math.round(now - this.t0),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      main,
      probe,
      autocannon: autocannonSummary,
      open: this.sender?.stats() ?? null,
      probeStats: this.probe?.stats() ?? null,
      hold: this.hold?.report() ?? null,
    })
    process.exit(0)
  }
}

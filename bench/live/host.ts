// The live bench's engine room, without Vite: one benchmark at a time, started on request, told
// to every window as it happens, stopped on request or when the dev server goes away.
//
// plugin.ts wires it to Vite's HMR WebSocket; the tests drive it directly. It knows nothing of
// sockets or origins (the plugin checks those before a request gets here) and starts processes
// only through the bench library's comparison runner (compare.ts) and `runScenario`, and, for a
// live demo (demos.ts: a run too, one at a time with the benchmarks), through demo-process.ts; each
// has stopped every process it started by the time it settles. So "no child outlives the dev
// server" comes down to: abort the run, and wait for it (`close`).
//
// State: the run in progress (`current`) and, for each target (kind + scenario + steps), the last
// finished run. Both are `RunView`s changed only through `applyUpdate`, the reducer every window
// runs on the same updates (messages.ts).

import { type Runner, runComparison } from '../compare.ts'
import { liveSweepLoads, runSweep, SWEEP_WARM_UP_REQUESTS } from '../sweep.ts'
import {
  applyUpdate,
  EVENTS,
  newRunView,
  runTarget,
  type BenchMode,
  type BenchSnapshot,
  type BenchUpdate,
  type RunReply,
  type RunView,
} from './messages.ts'
import {
  checkMode,
  type CheckedRunRequest,
  checkRunRequest,
  checkStopRequest,
  LIVE_CAP_S,
  LIVE_MAX_RATE,
  LIVE_MAX_STEPS,
  LIVE_SWEEP,
  requestIdOf,
} from './requests.ts'
import { type DemoName, newDemoState } from './demos.ts'
import { DemoStopped, type DemoRunner, runDemoProcess } from './demo-process.ts'
import { findWatch } from '../watch/watch.ts'
import { watchedRunner } from '../watch/watch-run.ts'

export interface HostDeps {
  /** The bench's `runScenario` (tests pass a stand-in). */
  runScenario: Runner
  /** Tell every window. */
  broadcast(event: string, data: unknown): void
  /** Processes the bench has running (bench/server/child-processes.ts), for the snapshot. */
  liveChildren(): number
  /** A step that has not settled this long after it started is stopped (default: the cap + 40 s). */
  watchdogMs?: number
  /** How often a watch samples the server's `/__stats` (default watch.ts's SAMPLE_INTERVAL_MS). */
  sampleIntervalMs?: number
  /** Runs a demo (default: its process, demo-process.ts; tests pass a stand-in). */
  runDemo?: DemoRunner
  /** The most a live run may last, per step, in seconds (default LIVE_CAP_S; tests pass less). */
  capS?: number
}

/** What a run is of, as the host keeps it: a demo by its name, or a benchmark. */
type RunTarget = { kind: 'demo'; demo: DemoName } | { kind: 'bench' }

/** Finished runs kept for windows that join late (one per target). */
const MAX_FINISHED = 32

export class LiveBenchHost {
  private mode: BenchMode = 'live'
  private current: { view: RunView; controller: AbortController; done: Promise<void> } | null = null
  private finished: RunView[] = []
  private closing = false
  private runs = 0
  private readonly bootId = Date.now().toString(36)

  constructor(private readonly deps: HostDeps) {}

  private get capS(): number {
    return this.deps.capS ?? LIVE_CAP_S
  }

  snapshot(): BenchSnapshot {
    return {
      mode: this.mode,
      current: this.current?.view ?? null,
      finished: this.finished,
      children: this.deps.liveChildren(),
      capS: this.capS,
    }
  }

  /** Whether a run is in progress (or still stopping). */
  get busy(): boolean {
    return this.current !== null
  }

  /** A window asks for a run: refused (bad request), busy (one at a time), or started. */
  run(data: unknown): RunReply {
    const requestId = requestIdOf(data)
    if (this.closing) return refuse(requestId, 'the dev server is stopping')
    const checked = checkRunRequest(data)
    if (!checked.ok) return refuse(requestId, checked.message)
    if (this.current !== null) {
      const { view } = this.current
      return {
        requestId,
        ok: false,
        runId: view.id,
        reason: 'busy',
        message: `busy: ${describe(view)} is running; one benchmark at a time`,
      }
    }
    const view = this.start(checked.value)
    return { requestId, ok: true, runId: view.id, reason: null, message: `started ${describe(view)}` }
  }

  stop(data: unknown): RunReply {
    const checked = checkStopRequest(data)
    if (!checked.ok) return refuse(requestIdOf(data), checked.message)
    const { requestId, runId } = checked.value
    if (this.current === null || this.current.view.id !== runId) return refuse(requestId, `run ${runId} is not running`)
    this.current.controller.abort(new Error('stopped from the deck'))
    return { requestId, ok: true, runId, reason: null, message: 'stopping' }
  }

  setMode(data: unknown): boolean {
    const checked = checkMode(data)
    if (!checked.ok) return false
    this.mode = checked.value
    this.deps.broadcast(EVENTS.mode, { mode: this.mode })
    return true
  }

  /** Refuse new runs, stop the current one, and resolve once every process it started has exited. */
  async close(): Promise<void> {
    this.closing = true
    const current = this.current
    if (current === null) return
    current.controller.abort(new Error('the dev server is stopping'))
    await current.done
  }

  /** Abort at once without waiting (a signal is killing the process). */
  abort(): void {
    this.closing = true
    this.current?.controller.abort(new Error('the dev server is stopping'))
  }

  private start(request: CheckedRunRequest): RunView {
    const id = `${this.bootId}-${++this.runs}`
    let view: RunView
    const target: RunTarget = request.kind === 'demo' ? { kind: 'demo', demo: request.demo } : { kind: 'bench' }
    if (request.kind === 'demo') {
      // A demo has no steps: the windows see its name where a scenario would be, its output in `demo`.
      view = newRunView(id, 'demo', request.demo, [], Date.now())
      view.demo = newDemoState(request.demo)
    } else {
      const steps = request.kind === 'compare' ? request.steps : [request.step]
      // A sweep's loads are the plugin's own (a fixed ladder for this machine), never the browser's.
      const loads = request.kind === 'sweep' ? liveSweepLoads(LIVE_MAX_STEPS) : undefined
      view = newRunView(id, request.kind, request.scenario, steps, Date.now(), loads)
    }
    const controller = new AbortController()
    const current = { view, controller, done: Promise.resolve() }
    this.current = current
    this.deps.broadcast(EVENTS.update, { type: 'started', run: view } satisfies BenchUpdate)
    const execute =
      target.kind === 'demo'
        ? this.executeDemo(view, target.demo, controller.signal)
        : this.execute(view, controller.signal)
    current.done = execute.finally(() => {
      this.current = null
      this.finished = [view, ...this.finished.filter((run) => runTarget(run) !== runTarget(view))].slice(
        0,
        MAX_FINISHED,
      )
    })
    return view
  }

  /** An update: applied to the run's view here, and sent to every window. */
  private emitter(view: RunView): (update: BenchUpdate) => void {
    return (update) => {
      applyUpdate(view, update)
      this.deps.broadcast(EVENTS.update, update)
    }
  }

  /** How long one leg may take before the watchdog stops it. */
  private get legTimeoutMs(): number {
    return this.deps.watchdogMs ?? (this.capS + 40) * 1000
  }

  /**
   * The steps one after another (compare.ts): a step that fails does not stop the others, an abort
   * or the watchdog does; cpu-mix calibrates once for all of them. A watch samples the server beside
   * its one step; a sweep runs its legs (sweepLegs).
   */
  private async execute(view: RunView, signal: AbortSignal): Promise<void> {
    const emit = this.emitter(view)
    const runId = view.id
    if (view.kind === 'sweep') return sweepLegs(view, signal, emit, this.deps.runScenario, this.legTimeoutMs)
    // A watch: the same run, with the server's counters sampled beside it (watch-run.ts).
    const watch = view.kind === 'watch' ? findWatch(view.steps[0]!, view.scenario) : undefined
    const runner =
      watch === undefined
        ? this.deps.runScenario
        : watchedRunner(this.deps.runScenario, watch, {
            onSample: (sample) => emit({ type: 'sample', runId, leg: 0, sample }),
            intervalMs: this.deps.sampleIntervalMs,
          })
    const outcome = await runComparison(
      {
        scenario: view.scenario,
        steps: view.steps,
        overrides: { capS: this.capS, ...(watch?.connections ? { connections: watch.connections } : {}) },
      },
      {
        signal,
        keepGoing: true,
        legTimeoutMs: this.legTimeoutMs,
        onLegStart: (leg) => emit({ type: 'leg-started', runId, leg }),
        onProgress: (leg, progress) => emit({ type: 'progress', runId, leg, progress }),
        onLegDone: (leg, result) => emit({ type: 'leg-done', runId, leg, result }),
        onLegFailed: (leg, error) =>
          emit({ type: 'leg-failed', runId, leg, error: error instanceof Error ? error.message : String(error) }),
      },
      runner,
    )
    const { failures, stoppedBy } = outcome
    const status = stoppedBy !== null ? 'stopped' : failures > 0 ? 'failed' : 'done'
    const steps = view.steps.length
    const message = stoppedBy ?? (failures > 0 ? `${failures} of ${steps} step${steps > 1 ? 's' : ''} failed` : null)
    emit({ type: 'finished', runId, status, message, at: Date.now() })
  }

  /** A demo run: the demo's process, each event it prints applied here and sent to every window. */
  private async executeDemo(view: RunView, demo: DemoName, signal: AbortSignal): Promise<void> {
    const runId = view.id
    const emit = this.emitter(view)
    let error: unknown = null
    try {
      await (this.deps.runDemo ?? runDemoProcess)(demo, {
        signal,
        onEvent: (event) => emit({ type: 'demo', runId, event }),
      })
    } catch (caught) {
      error = caught
    }
    const { status, message } = demoOutcome(error)
    emit({ type: 'finished', runId, status, message, at: Date.now() })
  }
}

/** How a demo ended: done, stopped (a stop, or its time limit), or failed. */
function demoOutcome(error: unknown): { status: 'done' | 'stopped' | 'failed'; message: string | null } {
  if (error === null) return { status: 'done', message: null }
  if (error instanceof DemoStopped) return { status: 'stopped', message: error.message }
  return { status: 'failed', message: error instanceof Error ? error.message : String(error) }
}

/**
 * A sweep: one step at rising loads, one short leg each (bench/sweep.ts), within the live caps; it
 * stops at the first leg cut by its cap or leaving requests unanswered, at a failure or an abort.
 */
async function sweepLegs(
  view: RunView,
  signal: AbortSignal,
  emit: (update: BenchUpdate) => void,
  runScenario: Runner,
  watchdogMs: number,
): Promise<void> {
  const runId = view.id
  let failed = false
  const outcome = await runSweep(
    {
      step: view.steps[0]!,
      scenario: view.scenario,
      loads: view.loads ?? [],
      overrides: { durationS: LIVE_SWEEP.durationS, capS: LIVE_SWEEP.capS },
      maxRate: LIVE_MAX_RATE,
      warmUpRequests: SWEEP_WARM_UP_REQUESTS,
    },
    {
      signal,
      legTimeoutMs: watchdogMs,
      onLegStart: (leg) => emit({ type: 'leg-started', runId, leg }),
      onProgress: (leg, progress) => emit({ type: 'progress', runId, leg, progress }),
      onLegDone: (leg, result) => emit({ type: 'leg-done', runId, leg, result }),
      onLegFailed: (leg, error) => {
        failed = true
        emit({ type: 'leg-failed', runId, leg, error: error instanceof Error ? error.message : String(error) })
      },
    },
    runScenario,
  )
  // A curve that ends at its first lower bound is done: that is how a sweep ends past capacity.
  const stopped = signal.aborted || outcome.results.some((r) => r?.endedBy === 'aborted')
  const status = failed ? 'failed' : stopped ? 'stopped' : 'done'
  emit({ type: 'finished', runId, status, message: outcome.stoppedBy, at: Date.now() })
}

function refuse(requestId: string, message: string): RunReply {
  return { requestId, ok: false, runId: null, reason: 'refused', message }
}

function describe(view: RunView): string {
  if (view.kind === 'demo') return `the ${view.scenario} demo`
  if (view.kind === 'watch') return `a watch of step ${view.steps[0]} on ${view.scenario}`
  if (view.kind === 'sweep') return `the load curve of step ${view.steps[0]} (${view.scenario})`
  return view.kind === 'single'
    ? `step ${view.steps[0]} on ${view.scenario}`
    : `${view.scenario} on steps ${view.steps.join(', ')}`
}

// One benchmark run, start to finish: start the step's server (or check `--url`), fork the load
// generator, poll `/__stats`, report progress, enforce the cap, honour an abort, stop every
// process it started, and return one plain-JSON result.
//
// This is the heavy half of the library (child processes, autocannon in the child). Front ends
// import it lazily through `runScenario` in index.ts.
//
// Abort: the promise resolves with what was measured so far (`partial: true`,
// `endedBy: 'aborted'`), never rejects for an abort. It rejects only for real failures — a bad
// option, an unreachable `--url`, a server or generator that dies — after stopping everything.

import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { adopt, hasExited, stopChild } from './child-processes.ts'
import type { FromGenerator, GeneratorConfig, ToGenerator } from './generator-protocol.ts'
import { machineInfo, openFileLimit, processCpuMs } from './machine.ts'
import { Recorder } from './metrics.ts'
import { BenchOptionError, resolveRunOptions, throughputLimit, type RunInput } from './scenarios.ts'
import { summaryLine } from './report.ts'
import { startServer, type ServerProcess } from './server-process.ts'
import { fetchText, numberField, objectField, StatsPoller } from './server-stats.ts'
import { findStep, REPO_ROOT } from './steps.ts'
import {
  SCHEMA_VERSION,
  type AutocannonSummary,
  type BenchProgress,
  type BenchResult,
  type CpuCalibration,
  type EndedBy,
  type Metrics,
  type ResolvedRunOptions,
  type RunHooks,
  type ServerSummary,
  type TimelinePoint,
} from './types.ts'

const GENERATOR_ENTRY = join(REPO_ROOT, 'bench/generator.ts')
const PROGRESS_INTERVAL_MS = 200
/** How long a stopped generator may take to send its last figures before it is killed. */
const STOP_GRACE_MS = { cap: 1000, aborted: 250 } as const
/** Starting the generator and calibrating cpu-mix must not take longer than this. */
const GENERATOR_START_TIMEOUT_MS = 30_000

/** What the load phase ended with: the generator's own last word, or its last progress report. */
interface LoadOutcome {
  endedBy: EndedBy
  elapsedMs: number
  main: Metrics
  probe: Metrics | null
  autocannon: AutocannonSummary | null
  cpuMs: number | null
  probeStats: { reconnects: number; unanswered: number } | null
}

export async function runScenario(input: RunInput, hooks: RunHooks = {}): Promise<BenchResult> {
  const options = resolveRunOptions(input)
  checkFileLimit(options.connections)
  const { signal } = hooks
  const startedAt = new Date().toISOString()
  const machine = machineInfo()
  const step = options.step === null ? null : findStep(options.step)!

  let server: ServerProcess | null = null
  let generator: ChildProcess | null = null
  let poller: StatsPoller | null = null
  let origin = options.url ?? ''
  // Filled in by the generator's messages (an object, so TypeScript sees the callbacks write it).
  const fromGenerator: { cpu: CpuCalibration | null; info: BenchResult['generator'] } = { cpu: null, info: null }
  // The server's CPU time over the load phase (Linux): read when the load starts and ends.
  const serverCpu: { atStart: number | null; used: number | null } = { atStart: null, used: null }
  let mainPath = options.path
  const timeline: TimelinePoint[] = []
  let progressError: unknown = null

  const report = (progress: BenchProgress) => {
    if (!hooks.onProgress || progressError !== null) return
    try {
      hooks.onProgress(progress)
    } catch (error) {
      progressError = error // rethrown once the run has cleaned up
    }
  }
  const serverView = (): BenchProgress['server'] => {
    const stats = poller?.latest ?? null
    const rss = numberField(stats, 'rss')
    if (stats === null || rss === null) return null
    return {
      rssBytes: rss,
      loopDelayP99Ms: numberField(objectField(stats, 'recent'), 'eventLoopDelayP99Ms') ?? 0,
      connections: numberField(stats, 'connections') ?? 0,
      inFlight: numberField(stats, 'inFlight') ?? 0,
    }
  }
  const idle = (
    phase: BenchProgress['phase'],
    elapsedMs = 0,
    last?: Pick<LoadOutcome, 'main' | 'probe'> | null,
  ): BenchProgress => ({
    phase,
    elapsedMs,
    completed: last?.main.completed ?? 0,
    asked: options.requests,
    ratePerSec: 0,
    p50Ms: last?.main.latency?.p50 ?? null,
    p99Ms: last?.main.latency?.p99 ?? null,
    errors: last?.main.errors ?? 0,
    timeouts: last?.main.timeouts ?? 0,
    non2xx: last?.main.non2xx ?? 0,
    probe: last?.probe ? probeView(last.probe) : null,
    server: serverView(),
  })

  let outcome: LoadOutcome | null = null
  try {
    report(idle('starting'))
    if (signal?.aborted) throw signal.reason
    if (options.url !== null) {
      await checkReachable(options.url)
    } else {
      server = await startServer(step!, [], { signal })
      origin = server.url
    }
    signal?.throwIfAborted()
    poller = new StatsPoller(origin)
    await poller.poll() // the idle figures, before any load
    poller.start()

    generator = fork(GENERATOR_ENTRY, [], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    })
    adopt(generator, 'generator')
    const config: GeneratorConfig = {
      origin,
      path: options.path,
      connections: options.connections,
      requests: options.requests,
      durationS: options.durationS,
      maxRequests: options.maxRequests,
      timeoutS: options.timeoutS,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      cpuMix: options.cpuMix,
    }
    outcome = await driveGenerator(generator, config, server, options.capS, signal, {
      onCalibrating: () => report(idle('calibrating')),
      onCalibrated: (cpu) => (fromGenerator.cpu = cpu),
      onStarted: (path, warmupMs, setupMs) => {
        mainPath = path
        if (server) serverCpu.atStart = processCpuMs(server.pid)
        fromGenerator.info = { warmupMs, setupMs, cpuMs: null, probe: null }
      },
      onProgress: (message) => {
        const point = {
          t: message.elapsedMs,
          completed: message.main.completed,
          ratePerSec: message.ratePerSec,
          p99Ms: message.main.latency?.p99 ?? null,
          rssBytes: serverView()?.rssBytes ?? null,
          loopDelayP99Ms: serverView()?.loopDelayP99Ms ?? null,
        }
        timeline.push(point)
        report({
          ...idle('running', message.elapsedMs, message),
          ratePerSec: message.ratePerSec,
        })
      },
      onStopping: (elapsedMs, last) => report(idle('stopping', elapsedMs, last)),
    })
    const atEnd = server ? processCpuMs(server.pid) : null
    if (serverCpu.atStart !== null && atEnd !== null) serverCpu.used = Math.round(atEnd - serverCpu.atStart)
  } catch (error) {
    if (!signal?.aborted) {
      await cleanUp(generator, poller, server, false, null)
      throw error
    }
    // Aborted while starting: resolve with an empty, partial result below.
  }

  const aborted = outcome?.endedBy === 'aborted' || (outcome === null && signal?.aborted === true)
  const serverSummary = await cleanUp(generator, poller, server, !aborted, serverCpu.used)
  if (progressError !== null) throw progressError

  if (outcome?.endedBy === 'cap') {
    // The cap and the natural end can race (autocannon notices its end at its next one-second
    // sample): a run that got everything it asked for, or ran its full duration, was not cut.
    if (options.requests !== null && outcome.main.completed >= options.requests) outcome.endedBy = 'completed'
    else if (options.durationS !== null && outcome.elapsedMs >= options.durationS * 1000) outcome.endedBy = 'duration'
  }
  const final: LoadOutcome = outcome ?? {
    endedBy: 'aborted',
    elapsedMs: 0,
    main: new Recorder().metrics(),
    probe: null,
    autocannon: null,
    cpuMs: null,
    probeStats: null,
  }
  const resolved: ResolvedRunOptions = {
    ...options,
    path: mainPath,
    cpuMix: options.cpuMix && fromGenerator.cpu ? { ...options.cpuMix, n: fromGenerator.cpu.n } : options.cpuMix,
  }
  const limit = throughputLimit(resolved)
  const partial = final.endedBy === 'cap' || final.endedBy === 'aborted'
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'bench-result',
    startedAt,
    machine,
    step: step ? { id: step.id, title: step.title } : null,
    url: origin,
    scenario: options.scenario,
    options: resolved,
    endedBy: final.endedBy,
    partial,
    done: final.main.completed,
    asked: options.requests,
    loadMs: final.elapsedMs,
    summary: summaryLine(final, options, partial),
    metrics: final.main,
    limit:
      limit === null
        ? null
        : {
            throughput: limit,
            ratio: final.main.throughput === null ? null : round3(final.main.throughput / limit),
            steadyRatio: final.main.steadyThroughput === null ? null : round3(final.main.steadyThroughput / limit),
          },
    probe: final.probe,
    cpu: fromGenerator.cpu,
    server: serverSummary,
    autocannon: final.autocannon,
    generator: fromGenerator.info && { ...fromGenerator.info, cpuMs: final.cpuMs, probe: final.probeStats },
    timeline,
    pids: { server: server?.pid ?? null, generator: generator?.pid ?? null },
  }
}

interface DriveEvents {
  onCalibrating(): void
  onCalibrated(cpu: CpuCalibration): void
  onStarted(path: string, warmupMs: number, setupMs: number): void
  onProgress(message: Extract<FromGenerator, { type: 'progress' }>): void
  onStopping(elapsedMs: number, last: LoadOutcome | null): void
}

/**
 * Start the load and wait for its end: the generator finishing on its own, the cap, an abort, or
 * a failure (the generator or the server dying).
 */
function driveGenerator(
  generator: ChildProcess,
  config: GeneratorConfig,
  server: ServerProcess | null,
  capS: number,
  signal: AbortSignal | undefined,
  events: DriveEvents,
): Promise<LoadOutcome> {
  return new Promise<LoadOutcome>((resolve, reject) => {
    let last: LoadOutcome | null = null
    let loadStartedAt: number | null = null
    let stopReason: 'cap' | 'aborted' | null = null
    let settled = false
    let stderr = ''
    let capTimer: NodeJS.Timeout | undefined
    let graceTimer: NodeJS.Timeout | undefined

    generator.stderr!.setEncoding('utf8')
    generator.stderr!.on('data', (text: string) => (stderr = (stderr + text).slice(-8000)))

    const finish = (outcome: LoadOutcome) => {
      if (settled) return
      settled = true
      cleanup()
      resolve(outcome)
    }
    function fail(error: Error) {
      if (settled) return
      settled = true
      cleanup()
      reject(error)
    }
    const elapsed = () => (loadStartedAt === null ? 0 : Math.round(performance.now() - loadStartedAt))
    const stop = (reason: 'cap' | 'aborted') => {
      if (stopReason !== null || settled) return
      stopReason = reason
      events.onStopping(elapsed(), last)
      send({ type: 'stop' })
      // The generator answers with its final figures at once; if it does not, kill it and report
      // its last progress report. Either way the load stops now.
      graceTimer = setTimeout(() => {
        generator.kill('SIGKILL')
        finish(fallback(reason))
      }, STOP_GRACE_MS[reason])
    }
    const fallback = (reason: 'cap' | 'aborted'): LoadOutcome => ({
      endedBy: reason,
      elapsedMs: last?.elapsedMs ?? elapsed(),
      main: last?.main ?? new Recorder().metrics(),
      probe: last?.probe ?? null,
      autocannon: null,
      cpuMs: null,
      probeStats: null,
    })
    const send = (message: ToGenerator) => {
      if (generator.connected) generator.send(message)
    }
    const onAbort = () => stop('aborted')
    const onServerExit = (code: number | null, sig: string | null) => {
      const why = `the server exited (${sig ?? code}) during the run`
      fail(new Error(server?.stderr().trim() ? `${why}:\n${server.stderr().trim()}` : why))
    }
    const onExit = (code: number | null, sig: string | null) => {
      if (stopReason !== null) return finish(fallback(stopReason))
      fail(
        new Error(
          `the load generator exited (${sig ?? code}) before reporting${stderr.trim() ? `:\n${stderr.trim()}` : ''}`,
        ),
      )
    }
    const onMessage = (message: FromGenerator) => {
      switch (message.type) {
        case 'calibrating':
          return events.onCalibrating()
        case 'calibrated':
          return events.onCalibrated(message.cpu)
        case 'started':
          clearTimeout(startTimer)
          loadStartedAt = performance.now()
          events.onStarted(message.path, message.warmupMs, message.setupMs)
          capTimer = setTimeout(() => stop('cap'), capS * 1000)
          return
        case 'progress':
          last = {
            endedBy: 'duration',
            elapsedMs: message.elapsedMs,
            main: message.main,
            probe: message.probe,
            autocannon: null,
            cpuMs: null,
            probeStats: null,
          }
          if (stopReason === null) events.onProgress(message)
          return
        case 'done':
          return finish({
            endedBy: message.endedBy === 'stopped' ? (stopReason ?? 'aborted') : message.endedBy,
            elapsedMs: message.elapsedMs,
            main: message.main,
            probe: message.probe,
            autocannon: message.autocannon,
            cpuMs: message.cpuMs,
            probeStats: message.probeStats,
          })
        case 'failed':
          return fail(new Error(`load generator: ${message.message}`))
      }
    }
    function cleanup() {
      clearTimeout(startTimer)
      clearTimeout(capTimer)
      clearTimeout(graceTimer)
      signal?.removeEventListener('abort', onAbort)
      server?.child.off('exit', onServerExit)
      generator.off('exit', onExit)
      generator.off('message', onMessage)
    }

    // Armed only now that every handler it may reach (fail → cleanup) is defined.
    const startTimer = setTimeout(
      () => fail(new Error(`the load generator did not start within ${GENERATOR_START_TIMEOUT_MS / 1000} s`)),
      GENERATOR_START_TIMEOUT_MS,
    )
    generator.on('message', onMessage)
    generator.once('exit', onExit)
    server?.child.once('exit', onServerExit)
    if (server && hasExited(server.child)) return onServerExit(server.child.exitCode, server.child.signalCode)
    if (signal?.aborted) return stop('aborted')
    signal?.addEventListener('abort', onAbort, { once: true })
    send({ type: 'start', config })
  })
}

/**
 * Stop everything this run started: the generator first (the load stops), then one last look at
 * `/__stats` (skipped on abort: stop at once), then the server. Returns the server's summary.
 */
async function cleanUp(
  generator: ChildProcess | null,
  poller: StatsPoller | null,
  server: ServerProcess | null,
  finalPoll: boolean,
  serverCpuMs: number | null,
): Promise<ServerSummary | null> {
  if (generator) await stopChild(generator, finalPoll ? 'SIGTERM' : 'SIGKILL', 500)
  if (poller) {
    await poller.stop()
    if (finalPoll && (server === null || !hasExited(server.child))) await poller.poll(1500)
  }
  if (server) await server.stop(finalPoll ? 2000 : 0)
  return poller ? serverSummary(poller, serverCpuMs) : null
}

function serverSummary(poller: StatsPoller, cpuMs: number | null): ServerSummary | null {
  const final = poller.latest
  if (final === null) return null
  return {
    peakRssBytes: poller.peakRss,
    eventLoopDelayP99Ms: numberField(final, 'eventLoopDelayP99Ms'),
    recentLoopDelayP99MaxMs: poller.recentLoopDelayP99Max,
    eventLoopUtilization: numberField(final, 'eventLoopUtilization'),
    threadsSpawned: numberField(final, 'threadsSpawned'),
    cpuCap: numberField(final, 'cpuCap'),
    cpuMs,
    polls: poller.polls,
    missedPolls: poller.missed,
    final,
  }
}

function probeView(probe: Metrics): NonNullable<BenchProgress['probe']> {
  return { completed: probe.completed, p50Ms: probe.latency?.p50 ?? null, p99Ms: probe.latency?.p99 ?? null }
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
      `${connections} connections need ${needed} open files in the server and in the load generator, but ulimit -n is ${limit}: raise it (ulimit -n ${needed}) or use fewer --connections`,
    )
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

// The load generator: a child process the run forks, so that generating load never shares an event
// loop with the caller (the CLI's progress line, or the deck's dev server) — and so that killing it
// stops the load at once.
//
// The main load is either closed loop (closed-loop.ts: autocannon, each connection sending its next
// request when the previous answer arrives) or open loop (open-loop.ts: a fixed schedule, whatever
// the server does); cpu-mix adds its paced probe (an open-loop sender too) beside a closed loop,
// overload beside an open loop of `/cpu` tasks whose rate is worked out here once the task is sized.
// Every answer goes into our own Recorder (metrics.ts), and aggregated figures go over IPC every
// 200 ms, each counting the requests still unanswered at their wait so far.
// Not autocannon's `workers` option: it drops the live events we record and was slower on 2 cores.

import autocannon from 'autocannon'
import { createServer, type AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { formatReply, ok } from '../../examples/shared/http-response.ts'
import { sizeAwaitChain } from './await-chain.ts'
import { calibrateCpuN, timeCpuTask } from './calibrate.ts'
import { ClosedLoop } from './closed-loop.ts'
import type { FromGenerator, GeneratorConfig, ToGenerator } from './generator-messages.ts'
import { BusyWorker } from './busy-worker.ts'
import { ChurnLoop } from './churn.ts'
import { Recorder, type Unanswered } from './metrics.ts'
import { OpenLoopSender } from './open-loop.ts'
import { hasProbe, isOpenLoop, kindOf, sizesCpuTask } from '../kinds/kind.ts'
import { awaitPath, LIMITS } from '../options.ts'
import { timeRequest } from '../server/server-stats.ts'
import type { AutocannonSummary, CpuCalibration } from '../types.ts'

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

let stopRequested: (() => void) | undefined

async function fail(error: unknown): Promise<void> {
  await send({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}

process.on('message', (message: ToGenerator) => {
  if (message.type === 'start') {
    run(message.config).catch(fail)
  } else if (message.type === 'stop') {
    if (stopRequested) stopRequested()
    else process.exit(0) // not started yet: nothing to report
  }
})

/** The main load, closed or open loop, as the rest of this file drives it. */
interface MainLoad {
  unanswered(now: number): Unanswered[]
  stop(): void
}

async function run(config: GeneratorConfig): Promise<void> {
  const kind = kindOf(config)
  let path = config.path
  let ratePerSec = config.open?.ratePerSec ?? null
  if (sizesCpuTask(kind)) {
    await send({ type: 'calibrating' })
    const { targetMs, n } = config.cpuMix!
    const cpu = await calibrate(config.origin, targetMs, n, config.timeoutS)
    await send({ type: 'calibrated', cpu })
    path = `/cpu/${cpu.n}`
    if (kind === 'overload' && ratePerSec === null) ratePerSec = calibratedRate(config.open!.capacityFactor ?? 1, cpu)
  }
  if (kind === 'await-chain') {
    await send({ type: 'calibrating' })
    const { targetMs, n } = config.awaitChain!
    const chain = await sizeAwaitChain(config.origin, config.path, targetMs, n, config.timeoutS * 1000)
    await send({ type: 'sized', chain })
    path = awaitPath(config.path, chain.n)
  }
  const open = isOpenLoop(kind) && ratePerSec !== null ? { ...config.open!, ratePerSec } : null
  if (isOpenLoop(kind) && open === null) throw new Error('an open loop without a rate (a capacity factor needs cpuMix)')
  // The paced /0 probe, beside CPU work (cpu-mix, overload) or a chain of awaits.
  const probeOptions = hasProbe(kind) ? (config.cpuMix?.probe ?? config.awaitChain?.probe ?? null) : null
  const main = new Recorder({ serviceTime: open !== null, byStatus: open !== null })
  const probeRecorder = probeOptions ? new Recorder({ serviceTime: true }) : null

  // Warm the generator's own code (client setup, response parsing) on a throwaway local server,
  // so a cold JIT in the client is not charged to the server under test.
  const warmupMs =
    kind === 'churn' || kind === 'busy-worker'
      ? await warmUpChurn(config.connections)
      : open
        ? await warmUpOpenLoop()
        : await warmUp(Math.min(config.connections, 500))
  const { hostname } = new URL(config.origin)
  const port = Number(new URL(config.origin).port)
  const probe = probeOptions ? new OpenLoopSender(hostname, port, probeOptions) : null
  await probe?.open()
  const sender = open ? new OpenLoopSender(hostname, port, { path, ...open }) : null
  await sender?.open()

  // busy-worker: one worker kept hashing before the first new connection (busy-worker.ts).
  const holdTask = kind === 'busy-worker' ? calibrateCpuN(config.churn!.hold!.taskMs) : null
  const hold = holdTask ? await BusyWorker.start(hostname, Number(port), holdTask.n, holdTask.msPerTask, 5000) : null

  const t0 = performance.now()
  const cpuAtStart = process.cpuUsage()
  let finished = false
  // The load is over when the main load has ended and the probe has its answers in (or the cap).
  let mainEnd: { endedBy: 'completed' | 'duration'; summary: AutocannonSummary | null } | null = null
  let probeDrained = probe === null
  const maybeFinish = () => {
    if (mainEnd !== null && probeDrained) void finish(mainEnd.endedBy, mainEnd.summary)
  }
  const endMain = (endedBy: 'completed' | 'duration', summary: AutocannonSummary | null) => {
    mainEnd = { endedBy, summary }
    maybeFinish()
  }

  let load: MainLoad
  let setupMs = 0
  if (sender) {
    sender.start(t0, main, config.durationS, () => endMain('duration', null))
    load = sender
  } else if (kind === 'churn' || kind === 'busy-worker') {
    // A connection per request: our own closed loop (churn.ts), not autocannon.
    const { connections: slots, requests, durationS, maxRequests, timeoutS } = config
    const churn = new ChurnLoop({ host: hostname, port, path, slots, requests, durationS, maxRequests, timeoutS }, main)
    churn.start(t0, (endedBy) => endMain(endedBy, null))
    // The hold ends with the duration: the connections waiting on the busy worker then get their
    // answers (and their real latency) instead of being cut by the cap.
    if (hold && durationS !== null) setTimeout(() => hold.stop(), durationS * 1000).unref()
    load = churn
  } else {
    const closed = new ClosedLoop({ ...config, url: config.origin + path }, main)
    setupMs = closed.start(endMain, (error) => void fail(error))
    load = closed
  }
  probe?.start(t0, probeRecorder!, config.durationS, () => {
    probeDrained = true
    maybeFinish()
  })
  await send({ type: 'started', path, warmupMs, setupMs, ratePerSec: open?.ratePerSec ?? null })

  const progress = setInterval(() => {
    const now = performance.now()
    void send({
      type: 'progress',
      elapsedMs: Math.round(now - t0),
      ratePerSec: main.rateSinceLastCall(now),
      main: main.metrics(load.unanswered(now)),
      probe: probeRecorder?.metrics(probe!.unanswered(now)) ?? null,
    })
  }, config.progressIntervalMs)

  // The cap or an abort: the figures as they are now, requests still waiting counted at their wait.
  stopRequested = () => void finish('stopped', null)

  async function finish(
    endedBy: 'completed' | 'duration' | 'stopped',
    autocannonSummary: AutocannonSummary | null,
  ): Promise<void> {
    if (finished) return
    finished = true
    clearInterval(progress)
    const now = performance.now()
    const mainFigures = main.metrics(load.unanswered(now))
    const probeFigures = probeRecorder?.metrics(probe!.unanswered(now)) ?? null
    load.stop()
    probe?.stop()
    hold?.stop()
    const cpu = process.cpuUsage(cpuAtStart)
    await send({
      type: 'done',
      endedBy,
      elapsedMs: Math.round(now - t0),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      main: mainFigures,
      probe: probeFigures,
      autocannon: autocannonSummary,
      open: sender?.stats() ?? null,
      probeStats: probe?.stats() ?? null,
      hold: hold?.report() ?? null,
    })
    process.exit(0)
  }
}

/** A throwaway server in this process: one short answer to every chunk it reads. */
async function localServer(): Promise<{ port: number; close(): void }> {
  const server = createServer((socket) => {
    socket.on('data', () => socket.write(formatReply(ok('slept 1000 ms\n'), false)))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, close: () => server.close() }
}

/** A short open-loop run against a server inside this process; returns how long it took (ms). */
async function warmUpOpenLoop(): Promise<number> {
  const t0 = performance.now()
  const server = await localServer()
  const sender = new OpenLoopSender('127.0.0.1', server.port, {
    path: '/',
    ratePerSec: 2000,
    connections: 8,
    maxConnections: 64,
  })
  await sender.open()
  await new Promise<void>((resolve) => sender.start(performance.now(), new Recorder(), 0.3, resolve))
  sender.stop()
  server.close()
  return Math.round(performance.now() - t0)
}

/** A short autocannon run against a server inside this process; returns how long it took (ms). */
async function warmUp(connections: number): Promise<number> {
  const t0 = performance.now()
  const server = await localServer()
  const wanted = connections * 3
  await new Promise<void>((resolve) => {
    let answered = 0
    const url = `http://127.0.0.1:${server.port}/`
    const warm = autocannon({ url, connections, amount: wanted, sampleInt: 10 }, () => resolve())
    // Stop at the last answer instead of waiting for autocannon's next sample.
    warm.on('response', () => ++answered === wanted && warm.stop())
  })
  server.close()
  return Math.round(performance.now() - t0)
}

/**
 * A calibrated open loop's rate: `factor` times what the cores can hash, cores × 1000 / the task's
 * CPU time as measured here (the server runs the same hash on the same machine). Bounded like any
 * rate a caller may ask for.
 */
function calibratedRate(factor: number, cpu: CpuCalibration): number {
  const rate = Math.round(((factor * availableParallelism() * 1000) / cpu.localMs) * 100) / 100
  if (!(rate > 0) || rate > LIMITS.maxRate)
    throw new Error(`${factor}× the cores at ${cpu.localMs} ms a task is ${rate} req/s: outside 0-${LIMITS.maxRate}`)
  return rate
}

/** A short churn (churn.ts) against a server inside this process that closes after each answer. */
async function warmUpChurn(slots: number): Promise<number> {
  const t0 = performance.now()
  const server = createServer((socket) => {
    socket.once('data', () => socket.end(formatReply(ok('slept 0 ms\n'), true)))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const config = { host: '127.0.0.1', port, path: '/', slots, requests: slots * 10, durationS: null, maxRequests: 0 }
  await new Promise<void>((resolve) =>
    new ChurnLoop({ ...config, timeoutS: 5 }, new Recorder()).start(t0, () => resolve()),
  )
  server.close()
  return Math.round(performance.now() - t0)
}

async function calibrate(
  origin: string,
  targetMs: number,
  givenN: number | null,
  timeoutS: number,
): Promise<CpuCalibration> {
  const local = givenN === null ? calibrateCpuN(targetMs) : { n: givenN, msPerTask: timeCpuTask(givenN) }
  // One task on the idle server, to show it costs there what it costs here (wall time, request to
  // answer). Two small tasks first, so the server's hash loop is compiled as it will be in the run.
  let serverMs: number | null = null
  try {
    for (let i = 0; i < 2; i++) await timeRequest(`${origin}/cpu/1000000`, timeoutS * 1000)
    serverMs = await timeRequest(`${origin}/cpu/${local.n}`, timeoutS * 1000)
  } catch {
    serverMs = null
  }
  return { n: local.n, targetMs, source: givenN === null ? 'calibrated' : 'given', localMs: local.msPerTask, serverMs }
}

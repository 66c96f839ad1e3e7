// The load generator: a child process the run forks, so that generating load never shares an event
// loop with the caller (the CLI's progress line, or the deck's dev server) — and so that killing it
// stops the load at once.
//
// It drives autocannon for the main load (closed loop: each connection sends its next request when
// the previous answer arrives), feeds every `response` event into our own Recorder (metrics.ts),
// runs cpu-mix's paced probe beside it, and reports aggregated figures over IPC every 200 ms.
// Not autocannon's `workers` option: it drops the live events we record and was slower on 2 cores.

import autocannon from 'autocannon'
import { get } from 'node:http'
import net, { createServer, type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { formatReply, ok } from '../examples/shared/http-response.ts'
import { calibrateCpuN, timeCpuTask } from './calibrate.ts'
import type { FromGenerator, GeneratorConfig, ToGenerator } from './generator-protocol.ts'
import { Recorder } from './metrics.ts'
import { BusyWorker } from './busy-worker.ts'
import { ChurnLoop } from './churn.ts'
import { PacedProbe } from './probe.ts'
import type { AutocannonSummary, CpuCalibration } from './types.ts'

if (process.send === undefined) {
  console.error('bench/generator.ts is started by the bench (bench/run.ts), not by hand')
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

// When does a connection's first request leave? autocannon writes it when it creates the client,
// before the socket has connected, and starts its clock then; Node holds the bytes until the socket
// connects, which takes a turn of this process's loop after all the clients exist (5-15 ms for 150
// of them). So we note when each socket connects, and a first request counts from there. autocannon
// has no hook for it: we wrap net.connect, in this process only, which exists to generate load.
const connectedAt = new WeakMap<net.Socket, number>()
{
  const connect = net.connect
  const noted = (...args: Parameters<typeof connect>): net.Socket => {
    const socket = connect(...args)
    socket.once('connect', () => connectedAt.set(socket, performance.now()))
    return socket
  }
  ;(net as { connect: typeof connect }).connect = noted as typeof connect
}

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

async function run(config: GeneratorConfig): Promise<void> {
  let path = config.path
  if (config.cpuMix) {
    await send({ type: 'calibrating' })
    const cpu = await calibrate(config.origin, config.cpuMix.targetMs, config.cpuMix.n, config.timeoutS)
    await send({ type: 'calibrated', cpu })
    path = `/cpu/${cpu.n}`
  }

  const main = new Recorder()
  const probeRecorder = config.cpuMix ? new Recorder() : null
  // autocannon passes the client object with each response; number the connections for the
  // steady-state rate (metrics.ts).
  const connectionIds = new WeakMap<object, number>()
  let nextConnectionId = 0
  let stopping = false
  let finished = false

  // Warm the generator's own code (client setup, response parsing) on a throwaway local server,
  // so a cold JIT in the client is not charged to the server under test.
  const warmupMs = config.churn
    ? await warmUpChurn(config.connections)
    : await warmUp(Math.min(config.connections, 500))
  const { hostname, port } = new URL(config.origin)
  const probe = config.cpuMix ? new PacedProbe(hostname, Number(port), config.cpuMix.probe) : null
  await probe?.open()

  // busy-worker: one worker kept hashing before the first new connection (busy-worker.ts).
  const holdTask = config.churn?.hold ? calibrateCpuN(config.churn.hold.taskMs) : null
  const hold = holdTask ? await BusyWorker.start(hostname, Number(port), holdTask.n, holdTask.msPerTask, 5000) : null

  const t0 = performance.now()
  const cpuAtStart = process.cpuUsage()
  let instance: autocannon.Instance | null = null
  let churn: ChurnLoop | null = null
  let setupMs = 0
  if (config.churn) {
    // A connection per request: our own closed loop (churn.ts), not autocannon.
    const { connections: slots, requests, durationS, maxRequests, timeoutS } = config
    const target = { host: hostname, port: Number(port), path }
    churn = new ChurnLoop({ ...target, slots, requests, durationS, maxRequests, timeoutS }, main)
    churn.start(t0, (endedBy) => void finish(endedBy, null))
    // The hold ends with the duration: the connections waiting on the busy worker then get their
    // answers (and their real latency) instead of being cut by the cap.
    if (hold && durationS !== null) setTimeout(() => hold.stop(), durationS * 1000).unref()
  } else {
    instance = autocannon(
      {
        url: config.origin + path,
        connections: config.connections,
        ...(config.requests !== null
          ? { amount: config.requests }
          : { duration: config.durationS!, maxOverallRequests: config.maxRequests }),
        timeout: config.timeoutS,
      },
      (error, result) => {
        if (error) return void fail(error)
        void finish(stopping ? 'stopped' : config.requests !== null ? 'completed' : 'duration', summarize(result))
      },
    )
    // autocannon creates every client (and queues its first request) before it returns; nothing is
    // on the wire until our loop turns. With 10,000 connections that takes a while: we report it,
    // and the recorder counts sends from here (see Recorder.start).
    const clientsReady = performance.now()
    main.start(clientsReady)
    setupMs = Math.round((clientsReady - t0) * 10) / 10
    instance.on('response', (client, statusCode, _bytes, latencyMs) => {
      if (stopping) return
      let id = connectionIds.get(client)
      if (id === undefined) {
        id = nextConnectionId++
        connectionIds.set(client, id)
      }
      const now = performance.now()
      // `conn` is autocannon's socket for this client (not in its type declarations).
      const connected = connectedAt.get((client as unknown as { conn: net.Socket }).conn)
      const sentAt = connected === undefined ? now - latencyMs : Math.max(now - latencyMs, connected)
      main.record(id, now, now - sentAt, statusCode)
    })
    instance.on('reqError', (error: unknown) => {
      if (stopping) return
      main.recordError(error instanceof Error && error.message === 'request timed out' ? 'timeout' : 'error')
    })
  }
  probe?.start(t0, probeRecorder!)
  await send({ type: 'started', path, warmupMs, setupMs })

  const progress = setInterval(() => {
    const now = performance.now()
    void send({
      type: 'progress',
      elapsedMs: Math.round(now - t0),
      ratePerSec: main.rateSinceLastCall(now),
      main: main.metrics(),
      probe: probeRecorder?.metrics() ?? null,
    })
  }, config.progressIntervalMs)

  stopRequested = () => {
    if (stopping) return
    stopping = true
    probe?.stop()
    hold?.stop()
    churn?.stop()
    instance?.stop()
    // autocannon reports at its next one-second sample; we do not wait for it.
    setTimeout(() => void finish('stopped', null), 300).unref()
  }

  async function finish(
    endedBy: 'completed' | 'duration' | 'stopped',
    autocannonSummary: AutocannonSummary | null,
  ): Promise<void> {
    if (finished) return
    finished = true
    stopping = true
    clearInterval(progress)
    const probeFigures = probe ? { reconnects: probe.reconnects, unanswered: probe.unanswered } : null
    probe?.stop()
    hold?.stop()
    churn?.stop()
    const elapsedMs = Math.round(performance.now() - t0)
    const cpu = process.cpuUsage(cpuAtStart)
    const cpuMs = Math.round((cpu.user + cpu.system) / 1000)
    await send({
      type: 'done',
      endedBy,
      elapsedMs,
      cpuMs,
      main: main.metrics(),
      probe: probeRecorder?.metrics() ?? null,
      autocannon: autocannonSummary,
      probeStats: probeFigures,
      hold: hold?.report() ?? null,
    })
    process.exit(0)
  }
}

/** A short autocannon run against a server inside this process; returns how long it took (ms). */
async function warmUp(connections: number): Promise<number> {
  const t0 = performance.now()
  const server = createServer((socket) => {
    socket.on('data', () => socket.write(formatReply(ok('slept 1000 ms\n'), false)))
    socket.on('error', () => socket.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const wanted = connections * 3
  await new Promise<void>((resolve) => {
    let answered = 0
    const warm = autocannon({ url: `http://127.0.0.1:${port}/`, connections, amount: wanted, sampleInt: 10 }, () =>
      resolve(),
    )
    // Stop at the last answer instead of waiting for autocannon's next sample.
    warm.on('response', () => ++answered === wanted && warm.stop())
  })
  server.close()
  return Math.round(performance.now() - t0)
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

function summarize(result: autocannon.Result): AutocannonSummary {
  return {
    requestsAverage: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    durationS: result.duration,
  }
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

function timeRequest(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume()
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Math.round((performance.now() - t0) * 100) / 100)
          : reject(new Error(`status ${res.statusCode}`)),
      )
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
  })
}

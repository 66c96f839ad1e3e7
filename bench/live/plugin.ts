// The live bench's Vite plugin: the deck's windows ask over Vite's HMR WebSocket, the bench runs
// here, in the dev server's Node process, and every window sees the same run.
//
//   vite.config.ts:  plugins: [liveBench()]
//
// It lives in bench/live/ rather than in setup/ because it is a front end of the bench library,
// like bench/cli.ts: typechecked and tested with it (`npm test`), and setup/ holds only the files
// Slidev itself looks for. Its parts:
//
//   messages.ts   the messages and the reducer both sides follow a run with (browser-safe)
//   requests.ts   what a window may ask for, and the caps on a live run
//   origin.ts     who may start or stop one
//   host.ts       one run at a time: start, progress, stop, clean up
//   plugin.ts     this file: Vite's hooks, the WebSocket wiring, signals
//
// `apply: 'serve'`: the plugin exists in `slidev` (dev) only. `slidev build` has no server (the
// components show bench/results/ there), and `slidev export` runs a dev server whose windows are
// in print mode, where the components never ask for a run. The bench library is imported inside
// `configureServer`, so loading vite.config.ts loads none of it, and `run.ts` (child processes,
// the load generator) only with the first run.

import type { IncomingMessage } from 'node:http'
import { constants } from 'node:os'
import type { Plugin, ViteDevServer, WebSocketClient } from 'vite'
import { EVENTS, type RunReply } from './messages.ts'
import { refusePeer, type Peer } from './origin.ts'
import type { LiveBenchHost } from './host.ts'

/** The part of Vite's dev server the plugin uses (the tests pass a stand-in). */
export interface DevServerLike {
  ws: {
    on(event: 'connection', listener: (socket: object, request: IncomingMessage) => void): void
    on(event: string, listener: (data: unknown, client: WebSocketClient) => void): void
    send(event: string, data: unknown): void
  }
  httpServer: { address(): unknown } | null
  config: { logger: { info(message: string): void; warn(message: string): void }; server: { port?: number } }
}

export interface LiveBenchPlugin extends Plugin {
  /** For the tests: the host of the server the plugin was configured for (null before). */
  api: { host(): LiveBenchHost | null }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** `capS`: the most a live run may last per step (default LIVE_CAP_S, 10 s; the tests use less). */
export function liveBench(options: { capS?: number } = {}): LiveBenchPlugin {
  let host: LiveBenchHost | null = null
  let unhookSignals = () => {}
  return {
    name: 'live-bench',
    apply: 'serve',
    api: { host: () => host },
    async configureServer(server: ViteDevServer) {
      host = await attach(server, options.capS)
      unhookSignals = hookSignals(host)
    },
    // Vite calls this once the server is closed (reason 'close') or before it restarts
    // ('restart'): stop the run and wait until every process it started has exited.
    async closeServer() {
      unhookSignals()
      await host?.close()
    },
  }
}

/** Wire a host to the server's WebSocket; exported for the tests. */
export async function attach(server: DevServerLike, capS?: number): Promise<LiveBenchHost> {
  const [{ LiveBenchHost }, bench, { liveChildren }] = await Promise.all([
    import('./host.ts'),
    import('../index.ts'),
    import('../server/child-processes.ts'),
  ])
  const log = server.config.logger
  const host = new LiveBenchHost({
    runScenario: bench.runScenario,
    broadcast: (event, data) => server.ws.send(event, data),
    liveChildren,
    ...(capS === undefined ? {} : { capS }),
  })

  // The opening request of each WebSocket: its Origin and peer address (see origin.ts).
  const peers = new WeakMap<object, Peer>()
  server.ws.on('connection', (socket: object, request: IncomingMessage) => {
    peers.set(socket, { origin: request.headers.origin, address: request.socket.remoteAddress })
  })
  const refusal = (client: WebSocketClient) => refusePeer(peers.get(client.socket), devPort(server))
  const answer = (client: WebSocketClient, reply: RunReply, what: string) => {
    client.send(EVENTS.reply, reply)
    if (reply.ok) log.info(`live bench: ${reply.message}`)
    else log.warn(`live bench: ${what} ${reply.reason === 'busy' ? 'answered busy' : 'refused'}: ${reply.message}`)
  }

  // Anyone the dev server lets in may watch: the state goes to the window that asks. The first
  // window's hello also loads the heavy half of the bench (run.ts; it starts nothing), so the
  // first click does not wait for it: the first live point must be on screen within 1.5 s.
  let warmed = false
  server.ws.on(EVENTS.hello, (_data: unknown, client: WebSocketClient) => {
    client.send(EVENTS.state, host.snapshot())
    if (!warmed) {
      warmed = true
      import('../run.ts').catch((error: unknown) => log.warn(`live bench: could not load the bench: ${String(error)}`))
    }
  })
  server.ws.on(EVENTS.run, (data: unknown, client: WebSocketClient) => {
    const why = refusal(client)
    const reply = why === null ? host.run(data) : refused(data, why)
    answer(client, reply, 'run request')
  })
  server.ws.on(EVENTS.stop, (data: unknown, client: WebSocketClient) => {
    const why = refusal(client)
    answer(client, why === null ? host.stop(data) : refused(data, why), 'stop request')
  })
  server.ws.on(EVENTS.mode, (data: unknown, client: WebSocketClient) => {
    if (refusal(client) === null) host.setMode(data)
  })
  return host
}

/**
 * A signal that would end the dev server stops the run first. When nobody else handles the signal
 * (Vite handles SIGTERM itself, closing the server, which calls `closeServer`), exit as the signal
 * would have: bench/server/child-processes.ts kills every child still running on exit.
 *
 * SIGKILL cannot be handled. Then the children's last resort is their IPC channel closing: the
 * load generator exits within a couple of seconds, but a step-1 server under load notices only
 * once its backlog of blocking requests is done (its one thread sleeps in each of them; up to
 * 150 s on drill). That is the lesson of step 1, and a reason to stop the deck with Ctrl-C or q.
 */
function hookSignals(host: LiveBenchHost): () => void {
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      host.abort()
      if (process.listenerCount(signal) === 0) process.exit(128 + constants.signals[signal])
    }
    process.once(signal, handler)
    return () => process.off(signal, handler)
  })
  return () => {
    for (const off of handlers) off()
  }
}

function devPort(server: DevServerLike): number | null {
  const address = server.httpServer?.address()
  if (typeof address === 'object' && address !== null && 'port' in address && typeof address.port === 'number')
    return address.port
  return server.config.server.port ?? null
}

function refused(data: unknown, message: string): RunReply {
  const requestId =
    typeof data === 'object' && data !== null && 'requestId' in data && typeof data.requestId === 'string'
      ? data.requestId.slice(0, 64)
      : ''
  return { requestId, ok: false, runId: null, reason: 'refused', message }
}

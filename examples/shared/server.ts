// Starting a step's server: listen, print the one line tools look for, hand each connection over.
//
// `listening on http://HOST:PORT` is always the first line on stdout: the tests and the bench
// start a step with `--port 0` and read the port the kernel picked from that line.

import { type AddressInfo, createServer, type Server, type Socket } from 'node:net'
import type { ServerOptions } from './cli.ts'
import { serveConnection, type Handler } from './connection.ts'
import type { AwaitWork } from './work-types.ts'
import { StatsProbe } from './stats.ts'

export interface StepInfo {
  /** The step's number; a peer server in bench/peers/ gives its registry id instead (e.g. 'piscina'). */
  number: number | string
  name: string
  /** One or two sentences for `GET /`: what this step shows. */
  summary: string
  /** Step-specific `/__stats` counters. */
  extraStats?: () => Record<string, unknown>
}

export function indexPage(step: StepInfo, servesAwait = false): string {
  type Line = [path: string, what: string]
  const awaitRoutes: Line[] = [
    ['GET /await/<n>', 'await n settled promises (1-100000000), then answer'],
    ['GET /await-yield/<n>', 'the same, yielding to the event loop every 128 awaits'],
  ]
  const routes: Line[] = [
    ['GET /<ms>', 'wait ms milliseconds (0-10000), then answer'],
    ['GET /cpu/<n>', 'hash n rounds (1-1000000000), then answer with the checksum'],
    ...(servesAwait ? awaitRoutes : []),
    ['GET /__stats', "this server's own view of itself, as JSON"],
  ]
  const width = Math.max(...routes.map(([path]) => path.length)) + 2
  return [
    `Step ${step.number}: ${step.name}`,
    step.summary,
    '',
    ...routes.map(([path, what]) => path.padEnd(width) + what),
    '',
  ].join('\n')
}

/** `handleAwait`: only the step that serves `/await/<n>` and `/await-yield/<n>` passes it (step 3). */
export function startServer(
  step: StepInfo,
  options: ServerOptions,
  handle: Handler,
  handleAwait?: Handler<AwaitWork>,
): Server {
  const stats = new StatsProbe(step, step.extraStats)
  const ctx = {
    handle,
    handleAwait,
    stats,
    headerTimeoutMs: options.headerTimeoutMs,
    indexPage: indexPage(step, handleAwait !== undefined),
  }
  // allowHalfOpen: a client that sends its request and then shuts its sending side (as
  // `printf ... | nc` does) still gets its answer. (Except from step 5 when its /cpu had to wait in
  // line: there a FIN reads as "gone", and the request is dropped; see Client in connection.ts.)
  const server = createServer({ allowHalfOpen: true }, (socket: Socket) => serveConnection(socket, ctx))
  listen(server, options)
  return server
}

/** Listens, prints the `listening on` line, and turns a failed listen into a one-line error. */
export function listen(server: Server, options: ServerOptions): void {
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`)
    process.exit(1)
  })
  server.listen({ host: options.host, port: options.port, backlog: 4096 }, () => announce(server.address()))
  exitWithParent()
}

/** Prints `listening on http://HOST:PORT`, the first line on stdout. */
export function announce(address: AddressInfo | string | null): void {
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  console.log(`listening on http://${host}:${address.port}`)
}

/**
 * When a test or the bench starts us with an IPC channel, the channel closes if that parent dies,
 * even by SIGKILL. Exiting then means no server is ever left behind, whatever happened upstream.
 */
export function exitWithParent(): void {
  if (process.send === undefined) return
  process.on('disconnect', () => process.exit(0))
}

// Starting a step's server: listen, print the one line tools look for, hand each connection over.
//
// `listening on http://HOST:PORT` is always the first line on stdout: the tests and the bench
// start a step with `--port 0` and read the port the kernel picked from that line.

import { type AddressInfo, createServer, type Server, type Socket } from 'node:net'
import type { ServerOptions } from './cli.ts'
import { serveConnection, type Handler } from './connection.ts'
import { routeLines, routeTable } from './routes.ts'
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
  return [`Step ${step.number}: ${step.name}`, step.summary, '', ...routeLines(routeTable(servesAwait)), ''].join('\n')
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
  server.on('error', (error: NodeJS.ErrnoException) => exitListenFailed(options, error.code ?? error.message))
  server.listen({ host: options.host, port: options.port, backlog: 4096 }, () => announce(server.address()))
  exitWithParent()
}

/** What a failed listen most likely means, and what to do about it: one line, no errno alone. */
export function listenFailure(options: Pick<ServerOptions, 'host' | 'port'>, code: string): string {
  const { host, port } = options
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} is taken — another step still running? stop it, or use --port 0`
    case 'EACCES':
      return port < 1024
        ? `port ${port} needs privileges (only root may listen below 1024): use a port from 1024 up, or --port 0`
        : `not allowed to listen on ${host}:${port} (EACCES): try another port, or --port 0`
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: use --host 127.0.0.1`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve --host ${host}: give an address, e.g. --host 127.0.0.1`
    default:
      return `cannot listen on ${host}:${port}: ${code}`
  }
}

/** `listenFailure` on stderr, prefixed by the command, and exit 1. */
export function exitListenFailed(options: ServerOptions, code: string): never {
  console.error(`${options.script ?? 'server'}: ${listenFailure(options, code)}`)
  process.exit(1)
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

// `--dispatch kernel`: no acceptor thread at all. Every worker opens its own listening socket on
// the same port with `reusePort` (SO_REUSEPORT), and the kernel picks, for each new connection, one
// of the listeners by a hash of the connection's addresses and ports. Accepting is then spread over
// every core, which removes the acceptor's bottleneck. The price: the kernel knows nothing of load.
// A worker blocked by a long `/cpu` still gets its share of new connections, and they wait in its
// accept queue until it is free.
//
// Node has the option since 22.12; libuv offers it only where the kernel balances connections over
// the listeners (uv__sock_reuseport in libuv's src/unix/core.c): Linux 3.9+, FreeBSD 12+ (there
// SO_REUSEPORT_LB), DragonFly BSD, AIX 7.2.5, Solaris 11.4. Elsewhere libuv refuses with ENOTSUP
// (Windows has no SO_REUSEPORT; on macOS it would let a second socket bind the port without sharing
// the load), and so do we, with one line (server.ts).
//
// With `--port 0` the kernel picks the port, so the first worker binds first and the others bind
// the port it got. With a given port, a plain listen first makes sure nothing else holds it.

import { createServer } from 'node:net'
import type { Worker } from 'node:worker_threads'
import type { ServerOptions } from '../shared/cli.ts'
import { announce, exitListenFailed, exitWithParent } from '../shared/server.ts'
import type { FromWorker, ToWorker } from './worker.ts'
import type { Workers } from './workers.ts'

/** Thrown when this OS does not spread connections over `reusePort` listeners. */
export class ReusePortUnsupported extends Error {}

// #region kernel
export async function listenInEveryWorker(workers: Workers, options: ServerOptions): Promise<void> {
  exitWithParent()
  await refuseIfTaken(options)
  const [first, ...others] = workers.threads
  const address = await listenIn(first!, options.host, options.port, options)
  await Promise.all(others.map((thread) => listenIn(thread, options.host, address.port, options)))
  announce(address) // every worker listens: now say so
}
// #endregion kernel

type Address = Extract<FromWorker, { kind: 'listening' }>['address']

/**
 * SO_REUSEPORT lets a second server bind a port already held by reusePort listeners: a second
 * `step:6 --dispatch kernel` on the same port would start without a word and the kernel would
 * split the connections between the two. So first a plain listen, without the option, which fails
 * (EADDRINUSE) if anything holds the port, and is closed again at once.
 */
function refuseIfTaken(options: ServerOptions): Promise<void> {
  if (options.port === 0) return Promise.resolve() // the kernel picks a free port
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => exitListenFailed(options, error.code ?? error.message))
    probe.listen({ host: options.host, port: options.port, exclusive: true }, () => probe.close(() => resolve()))
  })
}

function listenIn(thread: Worker, host: string, port: number, options: ServerOptions): Promise<Address> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker) => {
      if (message.kind === 'ready') return
      thread.off('message', onMessage)
      if (message.kind === 'listening') resolve(message.address)
      else if (message.code === 'ENOTSUP') reject(new ReusePortUnsupported(process.platform))
      else exitListenFailed(options, message.code)
    }
    thread.on('message', onMessage)
    thread.postMessage({ kind: 'listen', host, port } satisfies ToWorker)
  })
}

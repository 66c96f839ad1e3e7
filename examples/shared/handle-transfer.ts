// Can the running Node hand a socket to a worker thread?
//
// `worker.postMessage(socket, [socket])` moves an accepted TCP connection to another thread's
// event loop from Node 26.6 and 24.20, on Unix (Windows from 26.7); before that, a socket in a
// transfer list is "an invalid value" (DataCloneError) and only child processes could receive
// handles, which is how `node:cluster` works. Steps 2 (`--own-socket`) and 6 (`--dispatch
// acceptor`) need it, and refuse to start without it.
//
// Rather than a table of versions, we ask the running Node: we offer it a socket that is not
// connected. A Node that can transfer sockets refuses this one for its state
// (ERR_WORKER_HANDLE_NOT_TRANSFERABLE: "it must be a freshly created or accepted handle"); a Node
// that cannot refuses any socket (DataCloneError), and one whose platform lacks it says so
// (ERR_WORKER_HANDLE_TRANSFER_UNSUPPORTED). Nothing is sent either way.

import { Socket } from 'node:net'
import { MessageChannel, type TransferListItem } from 'node:worker_threads'

/** `undefined` if sockets can be transferred; otherwise what is needed, as the end of a sentence. */
export function handleTransferMissing(): string | undefined {
  const { port1, port2 } = new MessageChannel()
  const probe = new Socket()
  let code: unknown
  try {
    // @types/node 22 types the list without sockets (it predates their transfer).
    port1.postMessage(probe, [probe as unknown as TransferListItem])
  } catch (error) {
    code = (error as NodeJS.ErrnoException).code
  } finally {
    probe.destroy()
    port1.close()
    port2.close()
  }
  if (code === 'ERR_WORKER_HANDLE_NOT_TRANSFERABLE') return undefined
  return (
    'needs a Node that can hand a socket to a worker thread (26.6+ or 24.20+; on Windows 26.7+); ' +
    `this is Node ${process.version} on ${process.platform}`
  )
}

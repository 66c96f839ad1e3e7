// Starting a worker thread whose code is TypeScript, without paying for TypeScript in the thread.
//
// Steps 2 (`--own-socket`) and 6 run the shared connection code (connection.ts, the parser, the
// routes, /__stats) on worker threads, and that code is TypeScript. A thread is a fresh V8 isolate
// with its own module loader, so by default each thread would load a type stripper of its own:
// the tsx loader when the main thread runs under it (the tests do), or Node's built-in stripper.
// Measured on Node 26 with `npm run workers:measure` (docs/decisions.md), a thread that imports
// connection.ts costs about 20 ms and 8 MiB when its TypeScript arrives already stripped (as much as a plain JavaScript
// thread), 55–75 ms and 14–16 MiB when the thread strips it itself (tsx or Node's stripper alike):
// start-up and memory would measure the loader, not the thread. Stripping in the main thread
// instead, with `module.stripTypeScriptTypes`, would cost the server about 17 MiB of RSS for good
// (the stripper is a WebAssembly build of swc).
//
// So the types are stripped once, before the first thread starts, by a short-lived child process
// (strip-types.mjs, about 0.1–0.2 s), and each thread gets the JavaScript in its
// `workerData`. The thread's entry, thread-entry.mjs, installs a module hook that hands those
// sources to its loader, then imports the real module. Same code, same files, same line numbers;
// only the stripping moved.

import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type TransferListItem, Worker, workerData } from 'node:worker_threads'

const ENTRY = new URL('./thread-entry.mjs', import.meta.url)
const STRIP = new URL('./strip-types.mjs', import.meta.url)

/** What thread-entry.mjs receives as `workerData`. */
export interface ThreadStart {
  /** File URL of the thread's TypeScript module. */
  module: string
  /** Its JavaScript and that of every TypeScript module it imports, by file URL. */
  sources: Record<string, string>
  /** The thread's own input: read it with `threadData()` in the thread. */
  data: unknown
}

const stripped = new Map<string, Record<string, string>>()

/** The type-stripped sources of `module` and its imports, computed once per process. */
export function strippedSources(module: URL): Record<string, string> {
  let sources = stripped.get(module.href)
  if (sources === undefined) {
    // execArgv is not passed on: the child needs no TypeScript loader, only Node's stripper.
    const child = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(STRIP), module.href], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    if (child.status !== 0) throw new Error(`cannot strip the types for a thread: ${child.stderr.trim()}`)
    sources = JSON.parse(child.stdout) as Record<string, string>
    stripped.set(module.href, sources)
  }
  return sources
}

/**
 * Starts a worker thread running the TypeScript `module`, with `data` as its input. `transferList`
 * moves objects to the thread instead of copying them: a `net.Socket`, from Node 26.6 / 24.20.
 */
export function startThread(module: URL, data: unknown, transferList: readonly object[] = []): Worker {
  const workerData: ThreadStart = { module: module.href, sources: strippedSources(module), data }
  return new Worker(ENTRY, {
    execArgv: [], // no TypeScript loader in the thread: its TypeScript arrives stripped
    workerData,
    // @types/node 22 types the list without sockets (it predates their transfer).
    transferList: [...transferList] as TransferListItem[],
  })
}

/** In a thread started by `startThread`: the `data` it was given. */
export function threadData<T>(): T {
  return (workerData as ThreadStart).data as T
}

// The first module every TypeScript worker thread runs (see thread-modules.ts for why).
//
// It teaches this thread's module loader one thing: a file whose JavaScript came along in
// `workerData.sources` is loaded from there, as an ES module, instead of from disk. Then it imports
// the thread's real module. A module missing from the map (none, if strip-types.mjs found them all)
// goes to Node's own loader, which strips it here: slower, never wrong.
//
// `registerHooks` (Node 22.15+) runs the hook on this thread, synchronously, for this thread's
// loader only; the main thread's loader (tsx, when the tests or the bench start a step) is not
// involved.
//
// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.

import { registerHooks } from 'node:module'
import { workerData } from 'node:worker_threads'

/** @type {import('./thread-modules.ts').ThreadStart} */
const start = workerData

registerHooks({
  load(url, context, nextLoad) {
    const source = start.sources[url]
    return source === undefined ? nextLoad(url, context) : { format: 'module', source, shortCircuit: true }
  },
})

await import(start.module)

// The five ways to say "later" in Node, queued all at once, and the order in which they run.
//
// Two kinds of queue, drained at different times:
// - microtasks: `process.nextTick` (Node's next-tick queue), then `Promise.then` and
//   `queueMicrotask` (V8's microtask queue, first in first out). Node drains them completely
//   after the current callback returns, before libuv gets the thread back: no I/O, no timer runs
//   in between, however many there are;
// - macrotasks: `setImmediate` runs in libuv's check phase, right after the poll phase;
//   `setTimeout(fn, 0)` is a 1 ms timer (Node stretches 0 to 1), run in the timers phase.
//
// Where the five are queued decides the order, and the demo queues them in two places:
// - the top level of the main module. This demo is an ES module, which Node evaluates inside the
//   microtask queue: the promise callbacks run before the next-tick queue gets its turn (Node's
//   process docs, "When to use queueMicrotask() vs. process.nextTick()"; in CommonJS nextTick
//   runs first). setTimeout 0 vs setImmediate is a race there: the loop runs due timers once
//   before its first poll, and whether 1 ms has passed by then depends on how fast the process
//   started (Node's guide "The Node.js Event Loop": "non-deterministic");
// - an I/O callback (fs.readFile's), which runs in the poll phase: nextTick first, then the
//   promise callbacks, then setImmediate (the check phase comes next), then the timer (timers run
//   after check, and then only once 1 ms has passed). Always this order.

export type Kind = 'process.nextTick' | 'Promise.then' | 'queueMicrotask' | 'setImmediate' | 'setTimeout 0'
export type Context = 'main module' | 'I/O callback'

export const KINDS: readonly Kind[] = [
  'process.nextTick',
  'Promise.then',
  'queueMicrotask',
  'setImmediate',
  'setTimeout 0',
]

/** Where each kind waits: the queue (and libuv phase) that runs it. */
export const QUEUE: Record<Kind, string> = {
  'process.nextTick': "microtask: Node's next-tick queue",
  'Promise.then': "microtask: V8's queue",
  queueMicrotask: "microtask: V8's queue",
  setImmediate: "macrotask: libuv's check phase",
  'setTimeout 0': "macrotask: libuv's timers phase (1 ms)",
}

/** One callback that ran: in which context it was queued, and its place in the order. */
export interface Ran {
  context: Context
  order: number
  kind: Kind
  queue: string
}

/** The order in which `queueAll` queues them (not the order in which they run). */
export const QUEUED_ORDER: readonly Kind[] = [
  'setTimeout 0',
  'setImmediate',
  'Promise.then',
  'queueMicrotask',
  'process.nextTick',
]

// #region queue-all
/** One callback of each kind, queued in this order; each calls `ran`. */
export function queueAll(ran: (kind: Kind) => void): void {
  setTimeout(() => ran('setTimeout 0'), 0)
  setImmediate(() => ran('setImmediate'))
  Promise.resolve().then(() => ran('Promise.then'))
  queueMicrotask(() => ran('queueMicrotask'))
  process.nextTick(() => ran('process.nextTick'))
}
// #endregion queue-all

/**
 * Queues the five in `context` and calls `done` with the order they ran in, once all five have
 * run. (A callback, not a Promise: the demo must not add microtasks of its own to the queues it
 * is watching.)
 */
export function observe(context: Context, done: (order: Ran[]) => void): void {
  const order: Ran[] = []
  queueAll((kind) => {
    order.push({ context, order: order.length + 1, kind, queue: QUEUE[kind] })
    if (order.length === KINDS.length) done(order)
  })
}

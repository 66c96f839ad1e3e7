// The shape of the work a request asks for. Kept in a TypeScript file of its own so that the plain
// JavaScript in `work.mjs` (which worker threads load directly) can name it in its JSDoc types.

/** `GET /<ms>`: wait `ms` milliseconds (I/O-bound). `GET /cpu/<n>`: hash n rounds (CPU-bound). */
export type Work = { kind: 'sleep'; ms: number } | { kind: 'cpu'; n: number }

/**
 * `GET /await/<n>`: await n promises that are already resolved; `GET /await-yield/<n>`: the same,
 * yielding to the event loop every so often. Only step 3 serves them (the microtask trap), so they
 * are not part of `Work`, which every step must handle.
 */
export type AwaitWork = { kind: 'await'; n: number; yielding: boolean }

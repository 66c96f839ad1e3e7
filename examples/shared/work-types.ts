// The shape of the work a request asks for. Kept in a TypeScript file of its own so that the plain
// JavaScript in `work.mjs` (which worker threads load directly) can name it in its JSDoc types.

/** `GET /<ms>`: wait `ms` milliseconds (I/O-bound). `GET /cpu/<n>`: hash n rounds (CPU-bound). */
export type Work = { kind: 'sleep'; ms: number } | { kind: 'cpu'; n: number }

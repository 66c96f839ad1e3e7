// The task piscina runs on its threads for the peer server (piscina-server.ts): the same hash as
// every step, nothing else. Piscina calls the default export with the task and posts back what it
// returns. Plain JavaScript, loaded without the TypeScript loader, like step 5's pool-worker.mjs.

import { cpuHash } from '../../examples/shared/work.mjs'

/**
 * @param {number} n
 * @returns {string}
 */
export default function hash(n) {
  return cpuHash(n)
}

// The workload protocol: which request means what. Every step answers the same table:
//
//   GET /            200 a page naming the step and its routes
//   GET /<ms>        wait ms milliseconds (0..10000), the way the step waits, then `slept <ms> ms`
//   GET /cpu/<n>     hash n rounds (1..10^9), then `cpu <n> <checksum>`
//   GET /await/<n>   await n settled promises (1..10^8), then `awaited <n>`; GET /await-yield/<n>
//                    the same, yielding to the loop every 128 awaits. Step 3 only; elsewhere 404
//   GET /__stats     200 JSON, the server's own view of itself
//   other method     405 with `Allow: GET`
//   unknown path     404
//   bad number       400
//
// Routing is pure: it turns a parsed request into a decision and does no work, so the steps differ
// only in how they carry out the work.

import type { HttpRequest } from './http-parser.ts'
import { MAX_AWAIT_ROUNDS, MAX_CPU_ITERATIONS, MAX_SLEEP_MS } from './limits.ts'
import type { AwaitWork, Work } from './work-types.ts'

export type { AwaitWork, Work } from './work-types.ts'

export type Route =
  | { kind: 'index' }
  | { kind: 'stats' }
  | { kind: 'work'; work: Work }
  | { kind: 'error'; status: 400 | 404 | 405; detail: string; headers?: Record<string, string> }

/**
 * The routes, one `[path, what]` pair each, for `GET /` and every step's `--help`: the ranges come
 * from limits.ts, as `route` checks them. `servesAwait`: step 3's `/await` routes too.
 */
export function routeTable(servesAwait = false): [path: string, what: string][] {
  return [
    ['GET /<ms>', `wait ms milliseconds (0-${MAX_SLEEP_MS}), then answer`],
    ['GET /cpu/<n>', `hash n rounds (1-${MAX_CPU_ITERATIONS}), then answer with the checksum`],
    ...(servesAwait
      ? ([
          ['GET /await/<n>', `await n settled promises (1-${MAX_AWAIT_ROUNDS}), then answer`],
          ['GET /await-yield/<n>', 'the same, yielding to the event loop every 128 awaits'],
        ] as [string, string][])
      : []),
    ['GET /__stats', "this server's own view of itself, as JSON"],
  ]
}

/** A route table as aligned lines, each starting with `indent`. */
export function routeLines(routes: [path: string, what: string][], indent = ''): string[] {
  const width = Math.max(...routes.map(([path]) => path.length)) + 2
  return routes.map(([path, what]) => indent + path.padEnd(width) + what)
}

/** The microtask trap's routes, for the step that serves them. */
export type AwaitRoute = { kind: 'await'; work: AwaitWork }

const DIGITS = /^\d+$/
const AWAIT = /^\/await(-yield)?\/(.*)$/

/** `servesAwait`: the step serves `/await/<n>` and `/await-yield/<n>` (step 3); for the others, 404. */
export function route(request: HttpRequest): Route
export function route(request: HttpRequest, servesAwait: boolean): Route | AwaitRoute
export function route(request: HttpRequest, servesAwait = false): Route | AwaitRoute {
  if (request.method !== 'GET') {
    return {
      kind: 'error',
      status: 405,
      detail: `${request.method} is not served here, only GET`,
      headers: { Allow: 'GET' },
    }
  }
  const query = request.target.indexOf('?')
  const path = query === -1 ? request.target : request.target.slice(0, query)

  if (path === '/') return { kind: 'index' }
  if (path === '/__stats') return { kind: 'stats' }

  if (path.startsWith('/cpu/')) {
    const text = path.slice(5)
    const n = DIGITS.test(text) ? Number(text) : NaN
    if (!(n >= 1 && n <= MAX_CPU_ITERATIONS)) {
      return { kind: 'error', status: 400, detail: `/cpu/<n> takes an integer n from 1 to ${MAX_CPU_ITERATIONS}` }
    }
    return { kind: 'work', work: { kind: 'cpu', n } }
  }

  // Anything that starts like a number is meant as `/<ms>`: a bad one is a 400, not a 404.
  if (/^\/[-+.\d]/.test(path)) {
    const text = path.slice(1)
    const ms = DIGITS.test(text) ? Number(text) : NaN
    if (!(ms >= 0 && ms <= MAX_SLEEP_MS)) {
      return { kind: 'error', status: 400, detail: `/<ms> takes an integer from 0 to ${MAX_SLEEP_MS}` }
    }
    return { kind: 'work', work: { kind: 'sleep', ms } }
  }

  const awaits = AWAIT.exec(path)
  if (awaits !== null && servesAwait) {
    const n = DIGITS.test(awaits[2]!) ? Number(awaits[2]) : NaN
    if (!(n >= 1 && n <= MAX_AWAIT_ROUNDS)) {
      return { kind: 'error', status: 400, detail: `/await/<n> takes an integer n from 1 to ${MAX_AWAIT_ROUNDS}` }
    }
    return { kind: 'await', work: { kind: 'await', n, yielding: awaits[1] !== undefined } }
  }
  if (awaits !== null) {
    return { kind: 'error', status: 404, detail: `no route for ${path}: step 3 serves /await/<n>, not this step` }
  }

  return { kind: 'error', status: 404, detail: `no route for ${path}; try GET /` }
}

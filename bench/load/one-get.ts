// The plain requests the bench sends beside its load: one GET on a fresh connection, its status
// and body, or how long it took. The load generator times a `/cpu` task and sizes a chain of
// awaits with them; the run side polls `/__stats` with them (server/server-stats.ts). They live
// here, with the generator, so that the forked child imports nothing of the run's side.

import { get } from 'node:http'
import { performance } from 'node:perf_hooks'

/** One GET on a fresh connection. Resolves with the status and body, rejects on network errors. */
export function fetchText(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    )
    req.on('error', reject)
  })
}

/** One GET on its own connection; how long until its answer, in ms (an answer other than 200 fails). */
export async function timeRequest(url: string, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now()
  const { status } = await fetchText(url, timeoutMs)
  if (status !== 200) throw new Error(`${url}: status ${status}`)
  return Math.round((performance.now() - t0) * 100) / 100
}

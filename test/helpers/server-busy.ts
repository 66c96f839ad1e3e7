// Evidence a test can wait for, instead of a fixed sleep or a "within X ms": a server that is
// hashing has used CPU time (Linux: /proc/<pid>/stat), and a server that overlaps requests has
// several in flight at once (its own /__stats). Both are read until they show, with a long
// deadline, so a busy machine makes a test slower, never red.

import { connect } from 'node:net'
import { readFileSync } from 'node:fs'
import { get, request, sleep } from './raw-http.ts'

/** /proc/<pid>/stat counts in clock ticks, which Linux fixes at 100 a second for user space. */
const TICK_MS = 10

/** The CPU time (user + system) process `pid` has used so far, in ms, to the 10 ms tick. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name, in parentheses, may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

/** Resolves once process `pid` has used `ms` of CPU beyond `sinceMs` (a `cpuMs` reading). */
export async function cpuGrown(pid: number, sinceMs: number, ms: number, patienceMs = 20_000): Promise<void> {
  const deadline = performance.now() + patienceMs
  while (cpuMs(pid) < sinceMs + ms) {
    if (performance.now() > deadline) throw new Error(`process ${pid} did not use ${ms} ms of CPU in ${patienceMs} ms`)
    await sleep(5)
  }
}

/**
 * Opens `count` connections, each asking GET /<sleepMs>, and reads /__stats until the server has
 * all of them in flight at once (the proof that it overlaps them), or until the answers could have
 * come one after another anyway. Returns the most it saw in flight; closes the connections.
 */
export async function mostInFlight(port: number, count: number, sleepMs = 5000): Promise<number> {
  const sockets = Array.from({ length: count }, () => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(request(`/${sleepMs}`)))
    socket.on('error', () => {})
    return socket
  })
  let most = 0
  try {
    const deadline = performance.now() + sleepMs
    while (most < count && performance.now() < deadline) {
      const stats = JSON.parse((await get(port, '/__stats')).body) as { inFlight: number }
      most = Math.max(most, stats.inFlight)
      if (most < count) await sleep(20)
    }
  } finally {
    for (const socket of sockets) socket.destroy()
  }
  return most
}

/** Reads /__stats until `ok` holds, or `patienceMs` passes; returns the last reading (to assert on). */
export async function statsUntil<S = Record<string, number>>(
  port: number,
  ok: (stats: S) => boolean,
  patienceMs = 20_000,
): Promise<S> {
  const deadline = performance.now() + patienceMs
  for (;;) {
    const stats = JSON.parse((await get(port, '/__stats')).body) as S
    if (ok(stats) || performance.now() > deadline) return stats
    await sleep(20)
  }
}

/** Waits until `text()` matches `pattern`, or `patienceMs` passes (for a server's output). */
export async function outputUntil(text: () => string, pattern: RegExp, patienceMs = 20_000): Promise<void> {
  const deadline = performance.now() + patienceMs
  while (!pattern.test(text()) && performance.now() < deadline) await sleep(20)
}

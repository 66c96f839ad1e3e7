// The live progress line of the command-line front ends (bench, bench:all, bench:record,
// bench:crosscheck): rewritten in place on a terminal, one plain line a second when piped.
// Progress goes to stderr so stdout holds only results.

import { AT_LEAST, count, doneOfAsked, megabytes, ms, perSecond } from '../format.ts'
import type { BenchProgress } from '../types.ts'

const tty = process.stderr.isTTY === true
let lineShown = false
let lastPlainLine = 0

export function progressPrinter(prefix: string): (p: BenchProgress) => void {
  return (p) => {
    const text = progressText(prefix, p)
    if (tty) {
      process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 120) - 1)}`)
      lineShown = true
    } else if (p.phase !== 'running' || p.elapsedMs - lastPlainLine >= 1000) {
      // Piped: one plain line a second is enough.
      lastPlainLine = p.elapsedMs
      process.stderr.write(`${text}\n`)
    }
  }
}

export function clearProgressLine(): void {
  if (tty && lineShown) process.stderr.write('\r\x1b[K')
  lineShown = false
  lastPlainLine = 0
}

function progressText(prefix: string, p: BenchProgress): string {
  if (p.phase !== 'running') return `${prefix}: ${p.phase}…`
  const done = `${doneOfAsked(p.completed, p.asked)} done`
  const parts = [
    `${prefix} ${(p.elapsedMs / 1000).toFixed(1)} s`,
    done,
    `${perSecond(p.ratePerSec)} req/s`,
    `p50 ${bound(p, 'p50')}${ms(p.p50Ms)} p99 ${bound(p, 'p99')}${ms(p.p99Ms)} ms`,
  ]
  if (p.unanswered > 0) parts.push(`${count(p.unanswered)} waiting`)
  if (p.errors + p.timeouts + p.non2xx > 0) parts.push(`err ${p.errors}/${p.timeouts}/${p.non2xx}`)
  if (p.probe) parts.push(`I/O p99 ${ms(p.probe.p99Ms)} ms`)
  if (p.server) parts.push(`rss ${megabytes(p.server.rssBytes)}`, `loop p99 ${ms(p.server.loopDelayP99Ms)} ms`)
  return parts.join(' · ')
}

/** "≥ " before a running figure that counts requests still waiting: it can only rise. */
function bound(p: BenchProgress, field: 'p50' | 'p99'): string {
  return p.lowerBound.includes(field) ? AT_LEAST : ''
}

// Numbers as people read them, the same everywhere: the bench's terminal output and Markdown tables,
// the recorders, the demos, and the deck's components (which run in the browser: this file imports
// nothing). One rule per quantity, so a peak RSS reads "78.3 MB" in a table and on a slide alike.
//
// Never rounded into a lie: 0.99 req/s stays 0.99, a p99 of 1025.8 ms reads "1.03 s", not "1 s".
// A missing value (null, undefined, NaN) is a dash.

export const DASH = '–'

type Maybe = number | null | undefined

const known = (x: Maybe): x is number => x !== null && x !== undefined && Number.isFinite(x)

/** A whole count: "150", "81,327". */
export function count(n: Maybe): string {
  return known(n) ? n.toLocaleString('en-US') : DASH
}

/** "9/150", or "407,484" when the run was bounded by time (nothing asked). */
export function doneOfAsked(done: number, asked: number | null): string {
  return asked === null ? count(done) : `${count(done)}/${count(asked)}`
}

/** Per second: "0.99", "31.4", "144.6", "81,327". */
export function perSecond(x: Maybe): string {
  if (!known(x)) return DASH
  if (x < 10) return x.toFixed(2)
  if (x < 1000) return x.toFixed(1)
  return Math.round(x).toLocaleString('en-US')
}

/**
 * Milliseconds without the unit, for a column or a sentence that says "ms", with the digits that
 * mean something: "0.083", "12.35", "1027.2" (the bench's tables compare runs to the 0.1 ms).
 */
export function ms(x: Maybe): string {
  if (!known(x)) return DASH
  if (x < 1) return x.toFixed(3)
  if (x < 100) return x.toFixed(2)
  return x.toFixed(1)
}

/**
 * Whether `field` of a latency summary (bench/types.ts `LatencySummary`) is a lower bound: it counts
 * requests that had no answer when the run ended at their wait so far, and waiting longer for them
 * could only have raised it.
 */
export function isLowerBound(summary: object | null | undefined, field: string): boolean {
  const bounds = summary ? (summary as { lowerBound?: unknown }).lowerBound : undefined
  return Array.isArray(bounds) && bounds.includes(field)
}

/** The sign before a lower bound: "≥ 10.0 s" reads "at least 10 s". */
export const AT_LEAST = '≥ '

function figure(summary: object | null | undefined, field: string): number | null {
  const value = summary ? (summary as Record<string, unknown>)[field] : undefined
  return typeof value === 'number' ? value : null
}

/** A latency figure in ms for a column that says "ms": "1027.2", or "≥ 10000.4" for a lower bound. */
export function latencyMs(summary: object | null | undefined, field: string): string {
  const text = ms(figure(summary, field))
  return text !== DASH && isLowerBound(summary, field) ? AT_LEAST + text : text
}

/** A latency figure with its unit, short enough for a slide: "412 ms", or "≥ 10.0 s" for a lower bound. */
export function latencyDuration(summary: object | null | undefined, field: string): string {
  const text = duration(figure(summary, field))
  return text !== DASH && isLowerBound(summary, field) ? AT_LEAST + text : text
}

/** Seconds from milliseconds: "1.03 s", "9.05 s", "10.0 s". */
export function seconds(x: Maybe): string {
  if (!known(x)) return DASH
  return `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`
}

/** A duration in milliseconds, with its unit and short enough for a slide: "0.41 ms", "12.4 ms", "412 ms", "1.03 s". */
export function duration(x: Maybe): string {
  if (!known(x)) return DASH
  if (x < 1) return `${x.toFixed(2)} ms`
  if (x < 100) return `${x.toFixed(1)} ms`
  if (x < 1000) return `${x.toFixed(0)} ms`
  return seconds(x)
}

/** Microseconds: "45 µs". */
export function microseconds(x: Maybe): string {
  return known(x) ? `${Math.round(x).toLocaleString('en-US')} µs` : DASH
}

/** Decimal megabytes, as memory is reported by the bench: "78.3 MB", "1,077 MB". */
export function megabytes(bytes: Maybe): string {
  if (!known(bytes)) return DASH
  const mb = bytes / 1e6
  return mb < 1000 ? `${mb.toFixed(1)} MB` : `${Math.round(mb).toLocaleString('en-US')} MB`
}

const KiB = 1024
const MiB = 1024 * 1024

/** Binary sizes, as memory per connection or per thread is recorded: "312.5 MiB", "64.0 KiB". */
export function mebibytes(bytes: Maybe): string {
  return known(bytes) ? `${(bytes / MiB).toFixed(1)} MiB` : DASH
}
export function kibibytes(bytes: Maybe): string {
  return known(bytes) ? `${(bytes / KiB).toFixed(1)} KiB` : DASH
}
/** MiB from 1 MiB up, KiB below. */
export function binarySize(bytes: Maybe): string {
  return known(bytes) && bytes >= MiB ? mebibytes(bytes) : kibibytes(bytes)
}

/** Decimal sizes for totals: "87.3 GB" from 1 GB up, megabytes below. */
export function decimalSize(bytes: Maybe): string {
  return known(bytes) && bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : megabytes(bytes)
}

/** How many times bigger: "1,234×". */
export function times(ratio: Maybe): string {
  return known(ratio) ? `${Math.round(ratio).toLocaleString('en-US')}×` : DASH
}

/** A share of a whole as a percentage: "93%". */
export function percent(fraction: Maybe): string {
  return known(fraction) ? `${(fraction * 100).toFixed(0)}%` : DASH
}

/** "14:03:07": the time of day of a moment (ms since the epoch), on the machine showing it. */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB')
}

/** "2026-11-23" from an ISO time. */
export function day(iso: string): string {
  return iso.slice(0, 10)
}

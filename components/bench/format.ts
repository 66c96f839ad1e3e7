// Numbers as the deck shows them: short enough for a slide, never rounded into a lie (a p99 of
// 1025.8 ms reads "1.03 s", not "1 s"; 0.99 req/s stays 0.99). Pure functions, shared by the
// components and by the browser tests, which check the page against the plugin's result with them.

export const DASH = '–'

/** Milliseconds: "0.41 ms", "12.4 ms", "412 ms", "1.03 s", "9.05 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

/** Per second: "0.99", "31.4", "145", "81,327". */
export function perSecond(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH
  if (x < 10) return x.toFixed(2)
  if (x < 100) return x.toFixed(1)
  return Math.round(x).toLocaleString('en-US')
}

/** Bytes as "78 MB", "1,077 MB" (decimal megabytes, as the bench's tables). */
export function megabytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return DASH
  return `${Math.round(bytes / 1e6).toLocaleString('en-US')} MB`
}

const KiB = 1024
const MiB = 1024 * 1024

/** Binary sizes, as the recordings of memory per connection or per thread: "312.5 MiB", "64.0 KiB". */
export function mebibytes(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`
}
export function kibibytes(bytes: number): string {
  return `${(bytes / KiB).toFixed(1)} KiB`
}
/** MiB from 1 MiB up, KiB below. */
export function binarySize(bytes: number): string {
  return bytes >= MiB ? mebibytes(bytes) : kibibytes(bytes)
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined) return DASH
  return n.toLocaleString('en-US')
}

/** "9/150", or "407,484" when the run was bounded by time (nothing asked). */
export function doneOfAsked(done: number, asked: number | null): string {
  return asked === null ? count(done) : `${count(done)}/${count(asked)}`
}

/** "2026-11-23" from an ISO time. */
export function day(iso: string): string {
  return iso.slice(0, 10)
}

// The comparison table of several runs (one per step) and the notes under it. The columns and
// the notes that belong to one kind of scenario come from its module (kinds/); the server's
// columns and the notes every table carries are here.

import { kindOfResults, kindReport } from '../kinds/index.ts'
import { serverColumns, stale } from '../kinds/parts.ts'
import type { BenchResult } from '../types.ts'
import { hasLowerBound, LOWER_BOUND_NOTE } from './run-text.ts'

/** A Markdown table, padded so it also reads well in a terminal. */
export function comparisonTable(results: BenchResult[]): string {
  const columns = kindReport(kindOfResults(results)).columns(results, serverColumns(results))
  const rows = [columns.map((c) => c.title), ...results.map((r) => columns.map((c) => c.value(r)))]
  const widths = columns.map((_, i) => Math.max(3, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n')
}

/** The notes under every table: what the columns mean. */
export function tableNotes(results: BenchResult[]): string[] {
  const notes = kindReport(kindOfResults(results)).notes(results)
  if (results.some(hasLowerBound)) notes.push(LOWER_BOUND_NOTE)
  notes.push(
    'errors: connection errors / timeouts / non-2xx answers. peak RSS: the highest /__stats rss seen ' +
      "(polled every 250 ms). loop delay p99: the server's event-loop delay over its life (perf_hooks).",
    'done/asked: a run cut by its cap is partial; its numbers cover what was done, nothing is extrapolated.',
  )
  if (results.some((r) => r.server?.peakThreads != null))
    notes.push(
      "threads (peak): the server process's threads, the most seen at a poll tick (/proc: every Worker, " +
        "libuv's pool and V8's helpers counted); peak RSS also counts the process's VmRSS read from /proc at " +
        'each tick, so a server too busy to answer /__stats is measured too.',
    )
  if (results.some(stale))
    notes.push(
      "†: from the server's last answer to /__stats, during the run: it answered no poll after the load " +
        '(peak RSS and threads are read from /proc, answer or not).',
    )
  if (results.some((r) => r.server?.contextSwitches != null))
    notes.push(
      "context switches: the server process's, every thread counted (getrusage), from the first /__stats " +
        'poll before the load to the last one after it; voluntary: a thread gave up its core to wait, ' +
        'involuntary: the scheduler took it away.',
    )
  return notes
}

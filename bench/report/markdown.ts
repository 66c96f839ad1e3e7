// A recorded comparison: the document `bench:record` writes as bench/results/<scenario>.json, and
// the Markdown beside it (and `--markdown FILE`).

import { ms } from '../format.ts'
import { stepLabel } from '../kinds/parts.ts'
import { recordedLine } from '../recording.ts'
import { findScenario } from '../scenarios.ts'
import { BENCH_COMPARISON, type BenchComparison, type BenchResult } from '../types.ts'
import { comparisonTable, tableNotes } from './table.ts'
import { targetLines } from './targets.ts'

/** A recorded comparison of `results` (one scenario, one step after another), made by `command`. */
export function comparison(scenario: string, results: BenchResult[], command: string, note?: string): BenchComparison {
  const first = results[0]
  if (first === undefined) throw new Error('a comparison needs at least one result')
  const { startedAt: recordedAt, machine } = first
  return { schema: BENCH_COMPARISON, recordedAt, command, machine, ...(note ? { note } : {}), scenario, results }
}

/** bench/results/<scenario>.md, and `--markdown FILE`. */
export function markdownReport(doc: BenchComparison): string {
  const scenario = findScenario(doc.scenario)
  const lines = [
    `# \`${doc.scenario}\`${scenario ? `: ${scenario.title}` : ''}`,
    '',
    recordedLine(doc),
    '',
    comparisonTable(doc.results),
    '',
    ...doc.results.map((r) => {
      const setup = r.generator
        ? ` (load generator: ${ms(r.generator.setupMs)} ms creating its clients, before the first send)`
        : ''
      return `- ${stepLabel(r)}: ${r.summary}${setup}`
    }),
    '',
    ...tableNotes(doc.results).map((n) => `- ${n}`),
  ]
  const targets = targetLines(doc.results)
  if (scenario?.target && targets.length) {
    lines.push(
      '',
      `Step ${scenario.target.step}'s target: ${scenario.target.text}.`,
      '',
      ...targets.map((t) => `- ${t}`),
    )
    lines.push(
      '',
      "The server and the load generator share the machine's cores, and the load average above includes the " +
        'runs before this one; the target is checked by the bench, not promised by it.',
    )
  }
  return `${lines.join('\n')}\n`
}

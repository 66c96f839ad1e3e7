// Every recorded file the deck shows carries the one envelope (bench/recording.ts): schema, time,
// command, machine. And each bench/results/<scenario>.md is exactly what the bench writes from
// its JSON, so the table a reader opens and the numbers the slides render cannot disagree.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { isRecording } from '../../bench/recording.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { CROSSCHECK, type CrossCheck, crosscheckMarkdown } from '../../bench/tools/crosscheck.ts'
import { markdownReport } from '../../bench/report/markdown.ts'
import { BENCH_SWEEP, type BenchSweep, sweepMarkdown } from '../../bench/report/sweep-result.ts'
import type { StallRecord } from '../../recordings/stall.ts'
import { BENCH_COMPARISON, type BenchComparison } from '../../bench/types.ts'

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8')

describe('recorded files', () => {
  const results = readdirSync(join(REPO_ROOT, 'bench/results'))
  const comparisons = results.filter((f) => f.endsWith('.json') && f !== 'crosscheck.json' && !f.startsWith('sweep-'))
  const sweeps = results.filter((f) => f.startsWith('sweep-') && f.endsWith('.json'))

  test('bench/results/<scenario>.json: a comparison of that scenario, in the envelope', () => {
    assert.ok(comparisons.length >= 4, comparisons.join(', '))
    for (const file of comparisons) {
      const doc: unknown = JSON.parse(read(`bench/results/${file}`))
      assert.ok(isRecording(doc, BENCH_COMPARISON), `${file} is a ${BENCH_COMPARISON}`)
      const comparison = doc as BenchComparison
      assert.equal(`${comparison.scenario}.json`, file)
      assert.ok(comparison.results.length > 0)
      assert.equal(comparison.recordedAt, comparison.results[0]!.startedAt)
      assert.ok(comparison.machine.cpuModel && comparison.machine.cores > 0 && /^v\d+/.test(comparison.machine.node))
    }
  })

  test('bench/results/<scenario>.md is the Markdown the bench writes from the JSON beside it', () => {
    for (const file of comparisons) {
      const doc = JSON.parse(read(`bench/results/${file}`)) as BenchComparison
      assert.equal(read(`bench/results/${file.replace(/\.json$/, '.md')}`), markdownReport(doc), file)
    }
  })

  test('bench/results/sweep-<workload>.json: load curves in the envelope, rising loads; the .md from it', () => {
    assert.ok(sweeps.includes('sweep-cpu.json'), 'the /cpu load curve is recorded')
    for (const file of sweeps) {
      const doc: unknown = JSON.parse(read(`bench/results/${file}`))
      assert.ok(isRecording(doc, BENCH_SWEEP), `${file} is a ${BENCH_SWEEP}`)
      const sweep = doc as BenchSweep
      assert.equal(`sweep-${sweep.workload}.json`, file)
      assert.ok(sweep.curves.length >= 3, 'several steps on one chart')
      for (const curve of sweep.curves) {
        assert.ok(curve.points.length >= 2, `step ${curve.step}: ${curve.points.length} points`)
        const offered = curve.points.map((p) => p.offered ?? 0)
        assert.ok(
          offered.every((x, i) => i === 0 || x > offered[i - 1]!),
          `step ${curve.step} rises: ${offered}`,
        )
        // Only the last point of a curve may be a lower bound: a sweep stops there.
        assert.ok(
          curve.points.slice(0, -1).every((p) => !p.lowerBound),
          `step ${curve.step}`,
        )
      }
      assert.equal(read(`bench/results/${file.replace(/\.json$/, '.md')}`), sweepMarkdown(sweep), file)
    }
  })

  test('bench/results/crosscheck.json: the harness against wrk, in the envelope; the .md is written from it', () => {
    const doc: unknown = JSON.parse(read('bench/results/crosscheck.json'))
    assert.ok(isRecording(doc, CROSSCHECK), `crosscheck.json is a ${CROSSCHECK}`)
    const check = doc as CrossCheck
    assert.deepEqual(
      check.sections.map((s) => s.load.kind),
      ['closed', 'closed', 'open'],
    )
    const open = check.sections[2]!
    assert.ok(open.agreement !== null && open.rows.some((r) => r.tool === 'wrk'))
    assert.equal(read('bench/results/crosscheck.md'), crosscheckMarkdown(check))
  })

  test('recordings/: thread cost, buffer demo and stall in the envelope; the trace with it as its header', () => {
    assert.ok(isRecording(JSON.parse(read('recordings/thread-cost.json')), 'thread-cost/1'))
    assert.ok(isRecording(JSON.parse(read('recordings/demo-buffers.json')), 'demo-buffers/2'))
    const stall = JSON.parse(read('recordings/stall.json')) as StallRecord
    assert.ok(isRecording(stall, 'stall/1'))
    assert.deepEqual(
      stall.runs.map((r) => r.loop),
      ['closed', 'open'],
    )
    // envelopeLines' four lines, in its order.
    const header = read('recordings/step4-trace.txt').split('\n').slice(0, 4)
    assert.equal(header[0], '# schema: step4-trace/1')
    assert.match(header[1]!, /^# recordedAt: \d{4}-\d\d-\d\dT/)
    assert.equal(header[2], '# command: npm run trace:record')
    assert.match(header[3]!, /^# machine: .+, \d+ cores, .*Node v\d+/)
  })
})

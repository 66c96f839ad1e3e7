// The load curve's data and chart (components/cards/sweeps.ts), from the recorded sweep: a line per
// step, a cut run's point drawn apart as a lower bound, the knees marked where the machine has them.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import type { BenchSweep } from '../../bench/report/sweep-result.ts'
import { curveChart, curveLine, curveMarkers, lastP99, xOf } from '../../components/cards/sweeps.ts'

const sweep = JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results/sweep-cpu.json'), 'utf8')) as BenchSweep
const lines = ['1', '3', '5'].map((step) => curveLine(step, null, sweep))

test('each step has its recorded curve; a step never swept says so', () => {
  for (const line of lines) assert.ok(line.points.length > 0 && line.state === 'recorded', line.step)
  const none = curveLine('4', null, sweep)
  assert.deepEqual([none.points, none.state], [[], 'not recorded yet'])
})

test('a lower bound leaves the solid series and ends a dashed one, with a hollow marker', () => {
  const { columns, hollow } = curveChart(lines)
  const xs = columns[0]!
  assert.equal(columns.length, 1 + 2 * lines.length, 'x, then exact and bound per line')
  lines.forEach((line, i) => {
    const [exact, bound] = [columns[1 + 2 * i]!, columns[2 + 2 * i]!]
    for (const p of line.points) {
      const at = xs.indexOf(xOf(p))
      if (p.lowerBound) {
        assert.equal(exact[at], null, `step ${line.step}: its lower bound is not on the solid line`)
        assert.notEqual(bound[at], null)
        assert.ok(hollow[i]!.includes(at))
      } else assert.notEqual(exact[at], null)
    }
    if (!line.points.some((p) => p.lowerBound)) assert.deepEqual(hollow[i], [])
  })
})

test('the p99 scale spans whole decades around every point', () => {
  const { columns, yRange } = curveChart(lines)
  const values = columns
    .slice(1)
    .flat()
    .filter((v): v is number => v !== null)
  assert.ok(values.every((v) => v >= yRange[0] && v <= yRange[1]))
  for (const bound of yRange) assert.ok(Number.isInteger(Math.log10(bound)), `${bound} is a power of ten`)
})

test('the knees: one core, and the cores of the machine that recorded it', () => {
  assert.deepEqual(curveMarkers(lines), [
    { x: 1, label: 'one core' },
    { x: sweep.cores, label: `${sweep.cores} cores` },
  ])
})

test('a curve cut by its cap reads its last p99 as "≥"', () => {
  for (const line of lines) {
    const last = line.points.at(-1)!
    assert.equal(lastP99(line).startsWith('≥ '), last.lowerBound, `step ${line.step}: ${lastP99(line)}`)
  }
})

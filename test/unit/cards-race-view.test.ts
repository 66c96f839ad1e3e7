// The scheduling race as data (components/cards/race-view.ts): the recording becomes one view, and
// the view cut at a moment shows what had happened by then, and the finished race at the end.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { heatsAt, raceEnd, raceTicks, tickLabel, viewOfRecording } from '../../components/cards/race-view.ts'
import type { SchedulingRecording } from '../../examples/demo-scheduling/recording.ts'

const recording = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/scheduling.json'), 'utf8')) as SchedulingRecording
const view = viewOfRecording(recording)

test('the recording becomes a view of three heats, one lane per worker, and says where it comes from', () => {
  assert.equal(view.heats.length, 3)
  for (const heat of view.heats) assert.equal(heat.lanes.length, view.workers)
  assert.match(view.caption, /^recorded \d{4}-\d{2}-\d{2} on /)
  assert.ok(view.caption.includes(recording.command))
})

test('at the end every heat is done, with every job run once; at 0 nothing has run', () => {
  const end = raceEnd(view)
  const done = heatsAt(view, end)
  for (const heat of done) {
    assert.ok(heat.done, `${heat.scheduler} is done at ${end} ms`)
    const jobs = heat.lanes.reduce((sum, lane) => sum + lane.jobs, 0)
    assert.equal(jobs, recording.jobSet.jobs, `${heat.scheduler} ran every job once`)
  }
  const start = heatsAt(view, 0)
  assert.ok(start.every((h) => !h.done && h.lanes.every((l) => l.jobs === 0)))
})

test('halfway, the heats have run some jobs and no lane is busy longer than the time so far', () => {
  const half = raceEnd(view) / 2
  for (const heat of heatsAt(view, half)) {
    for (const lane of heat.lanes) assert.ok(lane.busy <= half + 1e-6, `${heat.scheduler} worker ${lane.w}`)
    assert.ok(heat.lanes.some((l) => l.jobs > 0))
  }
})

test('the time axis: round ticks from 0, labelled in ms or s', () => {
  const ticks = raceTicks(1960, 2020)
  assert.deepEqual(ticks, [0, 500, 1000, 1500, 2000])
  assert.deepEqual(ticks.map(tickLabel), ['0', '500 ms', '1 s', '1.5 s', '2 s'])
})

// `npm run demo:scheduling`, its behaviour (not its speed: the ratios are checked by
// `npm run demo:scheduling -- --check`, on a quiet machine):
// - the job set is the same on every run, and skewed as documented;
// - every scheduler runs every job exactly once, from where it should (the global queue, its own
//   round-robin share, or, stealing, another worker's deque);
// - no worker thread outlives a heat, whether it ends well or not;
// - the time series reads back as the picture needs it;
// - the command line refuses bad flags with one line and exit code 2, and prints JSON that parses.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { JOBS_PER_WORKER, jobRounds, makeJobSet, totalUnits } from '../../examples/demo-scheduling/jobs.ts'
import { ratiosOf } from '../../examples/demo-scheduling/race.ts'
import { SCHEDULERS } from '../../examples/demo-scheduling/messages.ts'
import type { SchedulingRecording } from '../../examples/demo-scheduling/recording.ts'
import { runHeat, type Heat } from '../../examples/demo-scheduling/run.ts'
import { busyMs, lastEndMs, spansUntil, stealsUntil } from '../../examples/demo-scheduling/timeline.ts'

const MAIN = join(REPO_ROOT, 'examples/demo-scheduling/main.ts')

/** Small, quick rounds: about `ms` of work per worker, whatever the machine. */
function quickRounds(workers: number, ms = 60, seed = 7): number[] {
  return jobRounds(makeJobSet(seed, workers), 200_000, ms).rounds // 200k rounds/ms: slow-machine guess
}

/** Each lane's jobs, as ids, and where each came from. */
function jobsOf(heat: Heat): { job: number; from: number; lane: number }[][] {
  return heat.lanes.map((lane, w) => spansUntil(lane, Infinity).map((s) => ({ job: s.job, from: s.from, lane: w })))
}

/** OS threads of this process (Linux): a Worker's thread is gone once this count drops back. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length
}

async function threadsBackTo(count: number): Promise<number> {
  for (let i = 0; i < 50 && threadCount() > count; i++) await sleep(20)
  return threadCount()
}

describe('demo:scheduling: the job set', () => {
  test('the same seed gives the same jobs in the same order; another seed, other jobs', () => {
    assert.deepEqual(makeJobSet(2026, 2), makeJobSet(2026, 2))
    assert.notDeepEqual(makeJobSet(2026, 2).units, makeJobSet(2027, 2).units)
  })

  test('skewed: about one job in ten is long, the long ones carry most of the work, all at positions k·N', () => {
    for (const workers of [2, 3, 4]) {
      const set = makeJobSet(2026, workers)
      assert.equal(set.units.length, JOBS_PER_WORKER * workers)
      const share = set.long.length / set.units.length
      assert.ok(share > 0.05 && share < 0.15, `${workers} workers: ${set.long.length} long jobs`)
      assert.ok(
        set.long.every((id) => id % workers === 0),
        'round-robin puts every long job on worker 0',
      )
      const longWork = set.long.reduce((sum, id) => sum + set.units[id]!, 0) / totalUnits(set)
      assert.ok(longWork > 0.5, `long jobs carry ${Math.round(longWork * 100)} % of the work`)
      const shortest = Math.min(...set.long.map((id) => set.units[id]!))
      const longestShort = Math.max(...set.units.filter((_, id) => !set.long.includes(id)))
      assert.ok(shortest > 5 * longestShort, 'a long job is many times a short one')
    }
  })

  test('scaled to the machine: the whole set is workers × the ideal makespan', () => {
    const set = makeJobSet(2026, 3)
    const { rounds, unitMs } = jobRounds(set, 1_000_000, 1200)
    assert.ok(Math.abs((totalUnits(set) * unitMs) / 3 - 1200) < 1e-6)
    const totalMs = rounds.reduce((s, r) => s + r, 0) / 1_000_000
    assert.ok(Math.abs(totalMs - 3600) < 1, `${totalMs} ms of work in all`)
  })
})

describe('demo:scheduling: the heats', () => {
  for (const workers of [2, 3]) {
    test(`${workers} workers: every scheduler runs every job exactly once, from where it should`, async () => {
      const rounds = quickRounds(workers)
      for (const scheduler of SCHEDULERS) {
        const heat = await runHeat({ scheduler, workers, rounds })
        const ran = jobsOf(heat).flat()
        assert.equal(ran.length, rounds.length, `${scheduler}: as many jobs run as there are`)
        assert.deepEqual(
          ran.map((r) => r.job).sort((a, b) => a - b),
          rounds.map((_, id) => id),
          `${scheduler}: each job once`,
        )
        assert.equal(heat.workers.length, workers)
        assert.ok(heat.makespanMs > 0)
        for (const w of heat.workers) assert.ok(w.busyMs + w.idleMs <= heat.makespanMs + 0.02)

        if (scheduler === 'global') {
          assert.ok(
            ran.every((r) => r.from === -1),
            'global: every job from the global queue',
          )
        } else if (scheduler === 'per-worker') {
          assert.ok(
            ran.every((r) => r.from === r.lane && r.job % workers === r.lane),
            'per-worker: each worker runs exactly its round-robin share',
          )
          assert.deepEqual([heat.steals, heat.failedSteals], [0, 0])
        } else {
          const stolen = ran.filter((r) => r.from !== r.lane)
          assert.ok(
            ran.every((r) => r.job % workers === r.from),
            'stealing: each job came from the deque it was placed in',
          )
          assert.equal(heat.steals, stolen.length, 'every steal is in the time series')
          assert.ok(heat.steals > 0, 'with every long job on worker 0, the others steal')
          assert.equal(stealsUntil(heat.lanes, Infinity).length, heat.steals)
        }
      }
    })
  }

  test('no worker thread outlives a heat, finished or timed out', async () => {
    const rounds = quickRounds(2, 40)
    await runHeat({ scheduler: 'stealing', workers: 2, rounds }) // Node's own threads are up now
    const before = threadCount()
    await runHeat({ scheduler: 'global', workers: 3, rounds })
    assert.equal(await threadsBackTo(before), before, 'after a heat that finished')
    await assert.rejects(
      runHeat({ scheduler: 'per-worker', workers: 3, rounds: quickRounds(3, 5000), timeoutMs: 300 }),
      /took longer than 300 ms/,
    )
    assert.equal(await threadsBackTo(before), before, 'after a heat that was cut short mid-job')
    await assert.rejects(runHeat({ scheduler: 'global', workers: 2, rounds, timeoutMs: 1 }), /took longer than 1 ms/)
    assert.equal(await threadsBackTo(before), before, 'after a heat cut short before the start')
  })

  test('the time series cut at a moment t: started jobs only, a running one drawn up to t', () => {
    const lane = [0, 10, 4, 0, 10, 30, 8, 1, 31, Number.NaN, 2, 0]
    assert.deepEqual(
      spansUntil(lane, 20).map((s) => [s.start, s.end, s.job, s.running]),
      [
        [0, 10, 4, false],
        [10, 20, 8, true],
      ],
    )
    assert.equal(spansUntil(lane, 40).at(-1)!.end, 40, 'a job not ended yet runs up to t')
    assert.deepEqual(stealsUntil([lane, []], 40), [{ at: 10, job: 8, from: 1, to: 0 }])
    assert.deepEqual(stealsUntil([lane, []], 5), [])
  })
})

describe('demo:scheduling: the command line', () => {
  function cli(args: string[], timeout = 60_000) {
    return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout,
    })
  }

  test('a bad flag gets one line and exit code 2', () => {
    for (const args of [
      ['--bogus'],
      ['--workers', '1'],
      ['--workers', 'two'],
      ['--workers', '999'],
      ['--ms', '5'],
      ['--rounds', '0'],
      ['--seed', '-3'],
      ['--workers'],
      ['extra'],
    ]) {
      const run = cli(args, 20_000)
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, /^demo:scheduling: /)
      assert.equal(run.stdout, '')
    }
  })

  test('--json prints the race as JSON, the same job set on every run, and the process ends by itself', () => {
    const runs = [cli(['--json', '--ms', '120']), cli(['--json', '--ms', '120'])]
    const [a, b] = runs.map((run) => {
      assert.equal(run.status, 0, run.stderr) // a thread left behind would keep it alive past the timeout
      return JSON.parse(run.stdout) as SchedulingRecording
    })
    assert.deepEqual(a!.jobSet.units, b!.jobSet.units)
    assert.deepEqual(a!.jobSet.long, b!.jobSet.long)
    assert.equal(a!.schema, 'scheduling/1')
    assert.deepEqual(
      a!.heats.map((h) => h.scheduler),
      [...SCHEDULERS],
    )
    for (const heat of a!.heats) {
      assert.equal(heat.timeline.lanes.length, a!.jobSet.workers)
      assert.equal(
        heat.workers.reduce((s, w) => s + w.jobs, 0),
        a!.jobSet.jobs,
      )
    }
    assert.ok(a!.ratios.stealingToPerWorker > 0 && a!.ratios.stealingToGlobal > 0)
    assert.match(a!.command, /^npm run demo:scheduling -- --json --ms 120$/)
  })
})

describe('demo:scheduling: the recording the slide replays', () => {
  test('recordings/scheduling.json is a whole run of the seeded job set, consistent with itself', () => {
    const rec = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/scheduling.json'), 'utf8')) as SchedulingRecording
    assert.equal(rec.schema, 'scheduling/1')
    assert.match(rec.command, /^npm run demo:scheduling( -- .*)?--record/)
    assert.ok(rec.machine.cpuModel && rec.machine.cores > 0 && /^v\d+/.test(rec.machine.node))
    const set = makeJobSet(rec.jobSet.seed, rec.jobSet.workers)
    assert.deepEqual(rec.jobSet.units, set.units, 'the job set is the one its seed makes')
    assert.deepEqual(rec.jobSet.long, set.long)
    assert.deepEqual(
      rec.heats.map((h) => h.scheduler),
      [...SCHEDULERS],
    )
    for (const heat of rec.heats) {
      const lanes = heat.timeline.lanes
      const jobs = lanes.flatMap((lane) => spansUntil(lane, Infinity).map((s) => s.job)).sort((a, b) => a - b)
      assert.deepEqual(
        jobs,
        set.units.map((_, id) => id),
        `${heat.scheduler}: every job exactly once`,
      )
      assert.equal(heat.makespanMs, Math.max(...lanes.map(lastEndMs)), `${heat.scheduler}: makespan = last end`)
      heat.workers.forEach((w, i) => {
        assert.ok(Math.abs(w.busyMs - busyMs(lanes[i]!)) < 0.02, `${heat.scheduler} worker ${i}: busy time`)
      })
      assert.equal(heat.steals, stealsUntil(lanes, Infinity).length, `${heat.scheduler}: steals`)
    }
    const round1 = ratiosOf(rec.heats.map((h) => ({ ...h, lanes: h.timeline.lanes })))
    assert.ok(Math.abs(round1.stealingToGlobal - rec.rounds[0]!.ratios.stealingToGlobal) < 0.001)
    assert.ok(Math.abs(round1.stealingToPerWorker - rec.rounds[0]!.ratios.stealingToPerWorker) < 0.001)
  })
})

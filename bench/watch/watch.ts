// The runs the deck watches from inside: a step under one load, its `/__stats` sampled 8 times a
// second (sampler.ts), each answer reduced to the few numbers one picture draws. Plain data and
// pure functions, shared by the dev-server plugin, the recorder (bench/cli/watch-record.ts) and
// the components (components/RuntimeWatch.vue): browser-safe, it imports types only.
//
// A watch is asked for by name like any live run (`{ kind: 'watch', scenario, step }`); only the
// pairs below exist. Each picture has its load:
// - loop (step 4, short-sleeps): 300 connections sleeping 20 ms between answers keep all three
//   parts of the runtime busy at once: the run queue, the timer heap, the reactor's sockets;
// - line (step 5, cpu-burst): more CPU tasks at once than the line holds: it fills, the rest is
//   turned away (503), it drains through the slots;
// - cores (step 6, cpu-mix with one /cpu connection): one worker hashing back to back, its
//   connections waiting for it, the other worker answering the /0 probe beside it. (With a CPU
//   connection per worker, every worker would hash all the time, and `/__stats`, answered by a
//   worker between two hashes, would come too late to draw 10 times a second.)

import type { Recording } from '../recording.ts'

export type Picture = 'loop' | 'line' | 'cores'

export interface WatchEntry {
  picture: Picture
  step: string
  scenario: string
  /** Top-level `/__stats` numbers the picture draws (`recent.eventLoopDelayP99Ms` → `loopDelayMs`). */
  fields: readonly string[]
  /** Numbers of each row of `/__stats`'s `workers` (step 6), or none. */
  workerFields: readonly string[]
  /** Fields that are peaks since the last read (examples/04-poller/counters.ts). */
  peaks: readonly string[]
  /** Requests the sampler may have out at once (sampler.ts): 4 for step 6, whose workers may be busy. */
  inFlight: number
  /** Fewer load connections than the scenario's, where the picture needs it (set here, never by a window). */
  connections?: number
}

/** 10 samples a second: the audience's picture moves at least 5 times a second even with a late answer. */
export const SAMPLE_INTERVAL_MS = 100

/** The most samples one leg keeps: a 10 s cap and its stopping phase at 10 a second, with room to spare. */
export const MAX_SAMPLES = 200

export const WATCHES: readonly WatchEntry[] = [
  {
    picture: 'loop',
    step: '4',
    scenario: 'short-sleeps',
    fields: [
      'connections',
      'inFlight',
      'answered',
      'tasks',
      'runQueue',
      'lastPass',
      'runQueuePeak',
      'timersPending',
      'registrations',
      'waitingForReadiness',
      'connectionsReading',
      'connectionsSleeping',
      'connectionsWriting',
      'connectionsClosing',
      'passes',
      'taskPolls',
      'budgetYields',
      'wakes',
      'polls',
      'readinessEvents',
      'readinessEventsPeak',
      'timersFired',
    ],
    workerFields: [],
    peaks: ['runQueuePeak', 'readinessEventsPeak'],
    inFlight: 1,
  },
  {
    picture: 'line',
    step: '5',
    scenario: 'cpu-burst',
    fields: [
      'connections',
      'inFlight',
      'answered',
      'cpuLimit',
      'cpuRunning',
      'queueLength',
      'maxQueue',
      'tasksDone',
      'tasksRejected',
      'tasksAbandoned',
      'wakeUps',
      'wakeRaces',
      'loopDelayMs',
    ],
    workerFields: [],
    peaks: [],
    inFlight: 1,
  },
  {
    picture: 'cores',
    step: '6',
    scenario: 'cpu-mix',
    connections: 1,
    fields: ['connections', 'inFlight', 'cpuLimit', 'cpuRunning', 'queueLength', 'tasksDone', 'tasksRejected'],
    workerFields: [
      'connections',
      'accepted',
      'requests',
      'inFlight',
      'cpuRunning',
      'cpuQueued',
      'cpuDone',
      'cpuRejected',
      'recentDelayP99Ms',
      'recentUtilization',
      'stalledMs',
    ],
    peaks: [],
    inFlight: 4,
  },
]

export function findWatch(step: string, scenario: string): WatchEntry | undefined {
  return WATCHES.find((w) => w.step === step && w.scenario === scenario)
}

export function watchOf(picture: Picture): WatchEntry {
  return WATCHES.find((w) => w.picture === picture)!
}

/** One look at the server: the picture's numbers at `t` seconds since the load started. */
export interface RuntimeSample {
  t: number
  /** False when a read nobody showed us fell since the previous sample: its peaks are lower bounds. */
  whole: boolean
  n: Record<string, number>
  /** Step 6: one row per worker. */
  workers: Record<string, number>[] | null
}

/** A `/__stats` answer reduced to what the picture draws (missing or non-numeric fields are left out). */
export function sampleOf(entry: WatchEntry, body: Record<string, unknown>, t: number, whole: boolean): RuntimeSample {
  const flat: Record<string, unknown> = { ...body, loopDelayMs: objectOf(body.recent)?.eventLoopDelayP99Ms }
  const rows = Array.isArray(body.workers) ? body.workers : null
  return {
    t: Math.round(t * 1000) / 1000,
    whole,
    n: numbers(flat, entry.fields),
    workers:
      entry.workerFields.length === 0 || rows === null
        ? null
        : rows.map((row) => numbers(objectOf(row) ?? {}, entry.workerFields)),
  }
}

/** A counter's change per second between two samples (null for the first sample, or a counter missing). */
export function ratePerSecond(previous: RuntimeSample | undefined, sample: RuntimeSample, key: string): number | null {
  if (previous === undefined) return null
  const a = previous.n[key]
  const b = sample.n[key]
  const dt = sample.t - previous.t
  return a === undefined || b === undefined || dt <= 0 ? null : (b - a) / dt
}

/** The change of one counter over the change of another (tasks per pass, events per poll). */
export function perEach(previous: RuntimeSample | undefined, sample: RuntimeSample, of: string, per: string) {
  if (previous === undefined) return null
  const d = (sample.n[of] ?? Number.NaN) - (previous.n[of] ?? Number.NaN)
  const e = (sample.n[per] ?? Number.NaN) - (previous.n[per] ?? Number.NaN)
  return Number.isFinite(d) && Number.isFinite(e) && e > 0 ? d / e : null
}

function numbers(from: Record<string, unknown>, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const key of keys) {
    const value = from[key]
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value
  }
  return out
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

/** `recordings/watch-<picture>.json` (`npm run watch:record`): one watched run, replayed by the deck. */
export const WATCH_SCHEMA = 'runtime-watch/1'

export interface WatchRecordingBody {
  picture: Picture
  step: string
  scenario: string
  /** The scenario's one-line description, as the bench has it. */
  load: string
  sampler: { intervalMs: number; samples: number; skipped: number; failed: number; dropped: number }
  /** The run's own figures (the bench's result). */
  run: { summary: string; throughput: number | null; p99Ms: number | null; loadMs: number | null; partial: boolean }
  samples: RuntimeSample[]
}

/** The envelope (bench/recording.ts) and the body. */
export type WatchRecording = Recording<typeof WATCH_SCHEMA, WatchRecordingBody>

/**
 * The frame a printed page shows: the sample halfway through the load (the load's own length, or
 * the last sample's time), the same on every print of the same recording.
 */
export function representativeIndex(samples: readonly RuntimeSample[], loadMs: number | null): number {
  if (samples.length === 0) return -1
  const middle = (loadMs ?? samples[samples.length - 1]!.t * 1000) / 2000
  let best = 0
  for (let i = 1; i < samples.length; i++)
    if (Math.abs(samples[i]!.t - middle) < Math.abs(samples[best]!.t - middle)) best = i
  return best
}

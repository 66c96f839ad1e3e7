// A run watched from inside: the bench's run of one step, with a sampler (sampler.ts) reading the
// server's `/__stats` 10 times a second beside it, each answer reduced to a picture's numbers
// (watch.ts) and timed from the start of the load, like the run's own progress points.
//
// It wraps the bench's runner, so the run itself is the one every front end makes (start the
// server, poll, load, stop); the sampler starts when the server answers (`onTarget`), merges the
// peaks the run's own poller read (`onStats`), and stops before the run's promise settles. The
// plugin's host (host.ts) runs watches through it, and so does `npm run watch:record`.

import type { Runner } from '../compare.ts'
import { Sampler } from './sampler.ts'
import { type RuntimeSample, SAMPLE_INTERVAL_MS, sampleOf, type WatchEntry } from './watch.ts'

export interface SamplerFigures {
  intervalMs: number
  /** Samples taken, ticks skipped (answers still out), requests that failed, near-duplicates dropped. */
  samples: number
  skipped: number
  failed: number
  dropped: number
}

export interface WatchHooks {
  onSample(sample: RuntimeSample): void
  /** Once the run has settled: how the sampling went. */
  onSampled?(figures: SamplerFigures): void
  intervalMs?: number
}

export function watchedRunner(run: Runner, entry: WatchEntry, hooks: WatchHooks): Runner {
  const intervalMs = hooks.intervalMs ?? SAMPLE_INTERVAL_MS
  return async (input, runHooks) => {
    let sampler: Sampler | null = null
    /** performance.now() when the load started, known from the first progress report of the load. */
    let loadStart: number | null = null
    const early: { body: Record<string, unknown>; at: number; whole: boolean }[] = []
    const emit = (body: Record<string, unknown>, at: number, whole: boolean) => {
      if (loadStart === null) return void early.push({ body, at, whole })
      const t = (at - loadStart) / 1000
      if (t >= 0) hooks.onSample(sampleOf(entry, body, t, whole))
    }
    try {
      return await run(input, {
        ...runHooks,
        onTarget: (origin) => {
          runHooks.onTarget?.(origin)
          sampler = new Sampler(origin, { intervalMs, peaks: entry.peaks, inFlight: entry.inFlight, onSample: emit })
          sampler.start()
        },
        onStats: (body) => {
          runHooks.onStats?.(body)
          sampler?.noteOtherRead(body)
        },
        onProgress: (progress) => {
          if (loadStart === null && progress.phase === 'running' && progress.elapsedMs > 0) {
            loadStart = performance.now() - progress.elapsedMs
            for (const s of early.splice(0)) emit(s.body, s.at, s.whole)
          }
          runHooks.onProgress?.(progress)
        },
      })
    } finally {
      const used = sampler as Sampler | null
      if (used !== null) {
        await used.stop()
        const { samples, skipped, failed, dropped } = used
        hooks.onSampled?.({ intervalMs, samples, skipped, failed, dropped })
      }
    }
  }
}

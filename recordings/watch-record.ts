// `npm run watch:record`: the deck's pictures of a runtime at work, recorded for the static build,
// the PDF and Shift+L. For each picture (bench/watch/watch.ts) it runs the same watched run the
// presenter's ▶ starts — the step under its load, `/__stats` sampled 10 times a second beside the
// bench's own polling (bench/watch/watch-run.ts) — and writes recordings/watch-<picture>.json: the
// envelope (machine, load average), the run's summary, how the sampling went, and every sample
// with its time since the load started. components/RuntimeWatch.vue replays the samples at the
// times they were taken, through the same code that draws a live run.
//
// Real runs only: every number in the files comes from the run it describes. A recording made on
// a busy machine says so (the load average in the envelope; the caption shows it).
//
//   npm run watch:record                      all three pictures, one after another
//   npm run watch:record -- --picture loop    one of them

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { stopOnCtrlC } from '../bench/cli/interrupt.ts'
import { runScenario } from '../bench/index.ts'
import { newEnvelope } from '../bench/server/machine.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { findScenario } from '../bench/scenarios.ts'
import { watchedRunner, type SamplerFigures } from '../bench/watch/watch-run.ts'
import { LIVE_CAP_S } from '../bench/live/requests.ts'
import {
  type Picture,
  type RuntimeSample,
  WATCH_SCHEMA,
  WATCHES,
  type WatchRecording,
  watchOf,
} from '../bench/watch/watch.ts'

const PICTURES = WATCHES.map((w) => w.picture)

export function recordingFile(picture: Picture): string {
  return join(REPO_ROOT, `recordings/watch-${picture}.json`)
}

async function record(picture: Picture, signal: AbortSignal): Promise<WatchRecording> {
  const entry = watchOf(picture)
  const samples: RuntimeSample[] = []
  let sampler: SamplerFigures | null = null
  const command = `npm run watch:record -- --picture ${picture}`
  const envelope = newEnvelope(WATCH_SCHEMA, command)
  const run = watchedRunner(runScenario, entry, {
    onSample: (sample) => samples.push(sample),
    onSampled: (figures) => (sampler = figures),
  })
  // The live run's cap, so the recording is the run the deck would show.
  const input = { step: entry.step, scenario: entry.scenario, capS: LIVE_CAP_S }
  const result = await run(entry.connections ? { ...input, connections: entry.connections } : input, { signal })
  const figures = sampler as SamplerFigures | null
  return {
    ...envelope,
    picture,
    step: entry.step,
    scenario: entry.scenario,
    load:
      (findScenario(entry.scenario)?.title ?? entry.scenario) +
      (entry.connections ? `; here with ${entry.connections} load connection${entry.connections > 1 ? 's' : ''}` : ''),
    sampler: figures ?? { intervalMs: 0, samples: 0, skipped: 0, failed: 0, dropped: 0 },
    run: {
      summary: result.summary,
      throughput: result.metrics.throughput,
      p99Ms: result.metrics.latency?.p99 ?? null,
      loadMs: result.loadMs,
      partial: result.partial,
    },
    samples,
  }
}

/** Indented like the other recordings, but each sample on one line. */
export function toJson(recording: WatchRecording): string {
  const { samples, ...rest } = recording
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '')
  return `${head},\n  "samples": [\n${samples.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]\n}\n`
}

async function main(): Promise<void> {
  const { flags } = readFlagsOrExit('watch:record', {
    picture: { kind: 'text', choices: [...PICTURES, 'all'], default: 'all', help: 'which picture to record' },
  })
  const signal = stopOnCtrlC('stopping: nothing more is written')
  const pictures = flags.picture === 'all' ? PICTURES : [flags.picture as Picture]
  for (const picture of pictures) {
    const entry = watchOf(picture)
    console.log(`${picture}: step ${entry.step} on ${entry.scenario} ...`)
    const recording = await record(picture, signal)
    if (signal.aborted) return
    writeFileSync(recordingFile(picture), toJson(recording))
    const s = recording.sampler
    console.log(
      `  ${recording.run.summary}; ${recording.samples.length} samples during the run (${s.samples} taken, ` +
        `${s.skipped} ticks skipped, ${s.failed} failed) → ` +
        `recordings/watch-${picture}.json`,
    )
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: Error) => {
    console.error(`watch:record: ${error.message}`)
    process.exit(1)
  })
}

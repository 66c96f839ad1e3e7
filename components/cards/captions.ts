// The line under a card that says where its numbers come from: a recorded file ("recorded
// 2026-11-23 on 2 cores, Node v26.12.1 · npm run bench:record"), a live run in progress, or the
// live run that finished last. Plain functions of the run or the file, tested in test/unit/.

import type { RunView } from '../../bench/live/messages.ts'
import { clockTime, day } from '../../bench/format.ts'

/** What a recorded file says about itself (bench/recording.ts's envelope, as the results carry it). */
export interface RecordedFrom {
  recordedAt: string
  command: string
  note?: string
  machine: { cores: number; node: string; loadAverage1m: number | null }
}

/**
 * "recorded 2026-11-23 on 2 cores, Node v26.12.1 · npm run bench:record", with the file's note and
 * the machine's load when it has one; `withNode` false leaves the Node version out, for a narrow
 * card. No file: "not recorded: <how to record it>".
 */
export function recordedCaption(doc: RecordedFrom | null, howToRecord: string, withNode = true): string {
  if (doc === null) return `not recorded: ${howToRecord}`
  const { cores, node, loadAverage1m } = doc.machine
  const note = doc.note ? ` · ${doc.note} (load ${loadAverage1m ?? '?'})` : ''
  return `recorded ${day(doc.recordedAt)} on ${cores} cores${withNode ? `, Node ${node}` : ''} · ${doc.command}${note}`
}

/** "live · all steps run in 42 s · 14:03:07": how a finished live run ended, how long it took, when. */
export function finishedCaption(run: RunView, done: string): string {
  const took = run.finishedAt === null ? '' : ` in ${((run.finishedAt - run.startedAt) / 1000).toFixed(0)} s`
  return `live · ${run.status === 'done' ? done : (run.message ?? run.status)}${took} · ${clockTime(run.startedAt)}`
}

/**
 * A comparison's caption: "live · step 3 running (2 of 4), each capped at 10 s" while it runs, how
 * it ended once it has, else the recorded file's line. `name` says how a step is named.
 */
export function comparisonCaption(
  run: RunView | null,
  capS: number,
  recorded: string,
  done = 'all steps run',
  name: (step: string) => string = (step) => `step ${step}`,
): string {
  if (run === null) return recorded
  if (run.status !== 'running') return finishedCaption(run, done)
  const at = run.legs.findIndex((l) => l.status === 'running')
  return `live · ${name(run.steps[at] ?? '')} running (${at + 1} of ${run.steps.length}), each capped at ${capS} s`
}

/** "1 task", "2 tasks": a count and its noun, singular for one. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`
}

/** What RuntimeWatch's caption needs of a watch recording (bench/watch/watch.ts's `WatchRecording`). */
export interface WatchFrom extends RecordedFrom {
  run: { summary: string }
  samples: readonly unknown[]
}

/**
 * RuntimeWatch's caption: the live watch (running, failed or done, with its samples), else the
 * recording it replays ("recorded 2026-12-01 on 2 cores, load 0.4, Node v26.12.1 · … · 84 samples").
 */
export function watchCaption(
  live: { run: RunView; leg: RunView['legs'][number] } | null,
  recording: WatchFrom | null,
  picture: string,
): string {
  if (live !== null) {
    const { leg, run } = live
    if (leg.status === 'failed') return `live run failed: ${leg.error}`
    const samples = plural(leg.samples.length, 'sample')
    if (leg.status === 'running')
      return `live · ${leg.phase === 'running' ? `its /__stats, ${samples} so far` : `${leg.phase ?? 'starting'}…`}`
    return `live · ${leg.result?.summary ?? run.message ?? ''} · ${samples} · ${clockTime(run.startedAt)}`
  }
  if (recording === null) return `not recorded: npm run watch:record -- --picture ${picture}`
  const m = recording.machine
  const load = m.loadAverage1m === null ? '' : `, load ${m.loadAverage1m}`
  return (
    `recorded ${day(recording.recordedAt)} on ${m.cores} cores${load}, Node ${m.node} · ${recording.run.summary} · ` +
    `${plural(recording.samples.length, 'sample')} · ${recording.command}`
  )
}

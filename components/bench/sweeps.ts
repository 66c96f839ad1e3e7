// The load curves a slide draws: recorded ones (every bench/results/sweep-*.json, found by Vite at
// build time, like the comparisons in results.ts), and live sweeps from the dev server, reduced to
// the same points by the bench's own `sweepPoint` (bench/sweep-result.ts), so a live curve and a
// recorded one are drawn by the same code.

import type { RunView } from '../../bench/live/protocol.ts'
import { day } from '../../bench/format.ts'
import { isRecording } from '../../bench/recording.ts'
import { BENCH_SWEEP, type BenchSweep, coreRateOf, type SweepPoint, sweepPoint } from '../../bench/sweep-result.ts'
import type { BenchChannel } from './channel.ts'

const files = import.meta.glob<unknown>('../../bench/results/sweep-*.json', { eager: true, import: 'default' })

const RECORDED = new Map<string, BenchSweep>(
  Object.values(files)
    .filter((file): file is BenchSweep => isRecording(file, BENCH_SWEEP))
    .map((doc) => [doc.workload, doc]),
)

/** The recorded sweep of a workload (`cpu`: sized `/cpu` tasks), or null. */
export function recordedSweep(workload: string): BenchSweep | null {
  return RECORDED.get(workload) ?? null
}

/** "recorded 2026-11-27 on 2 cores · npm run bench:sweep -- --record · shared machine (load 7.2)". */
export function sweepCaption(doc: BenchSweep | null): string {
  if (doc === null) return 'not recorded: npm run bench:sweep -- --record'
  const { cores, node, loadAverage1m } = doc.machine
  const note = doc.note ? ` · ${doc.note} (load ${loadAverage1m ?? '?'})` : ''
  return `recorded ${day(doc.recordedAt)} on ${cores} cores, Node ${node} · ${doc.command}${note}`
}

/** The live sweep of `step` on `scenario`: in progress, else the last one; null if none. */
export function liveSweep(channel: BenchChannel, scenario: string, step: string): RunView | null {
  const same = (run: RunView) => run.kind === 'sweep' && run.scenario === scenario && run.steps[0] === step
  if (channel.current && same(channel.current)) return channel.current
  return channel.finished.find(same) ?? null
}

/** A live sweep's points so far: one per leg done, each as the recorder would write it. */
export function livePoints(run: RunView): SweepPoint[] {
  const first = run.legs.find((leg) => leg.result?.cpu)?.result?.cpu ?? null
  const coreRate = coreRateOf(first)
  return run.legs.flatMap((leg) => (leg.result ? [sweepPoint(leg.result, coreRate)] : []))
}

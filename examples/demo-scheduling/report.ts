// The race as a table on the terminal: per scheduler its makespan, and per worker the jobs it ran,
// its busy and idle time, and (work stealing) its steals and failed steal attempts; then the two
// ratios against their targets. Reads the same data `--json` prints.
//
// Busy time is wall-clock time inside jobs. On a machine where other programs run, or with more
// workers than cores, part of it is time the OS gave to someone else: the "on CPU" column is each
// worker's own CPU time over its busy time, and the report says so when it is well below 100 %.

import { availableParallelism } from 'node:os'
import { meetsTargets, TARGETS, type Ratios } from './race.ts'
import type { SchedulingRecording } from './recording.ts'

/** Below this share of busy time on a CPU, the report warns that the machine was shared. */
const SHARED_BELOW = 0.9

export function formatReport(rec: SchedulingRecording): string {
  const { jobSet: set, machine } = rec
  const lines = [
    `${set.workers} workers, ${set.jobs} jobs (${set.long.length} long ones carry ${pct(set.longWorkShare)} ` +
      `of the work), seed ${set.seed}`,
    `ideal makespan ${ms(set.idealMakespanMs)} (all the work shared out perfectly); ` +
      `${(set.roundsPerMs / 1000).toFixed(0)}k cpuHash rounds/ms here`,
    `Node ${machine.node}, ${machine.cpuModel} (${machine.cores} cores), load average ${machine.loadAverage1m}` +
      (set.workers > availableParallelism() ? ' — more workers than cores: the OS time-slices them' : ''),
    '',
    row('scheduler', 'makespan', 'worker', 'jobs', 'busy', 'on CPU', 'idle', 'steals', 'failed'),
  ]
  for (const heat of rec.heats) {
    heat.workers.forEach((w, i) => {
      const stealing = heat.scheduler === 'stealing'
      lines.push(
        row(
          i === 0 ? heat.label : '',
          i === 0 ? ms(heat.makespanMs) : '',
          String(i),
          String(w.jobs),
          ms(w.busyMs),
          pct(w.busyMs > 0 ? w.cpuMs / w.busyMs : 1),
          ms(w.idleMs),
          stealing ? String(w.steals) : '–',
          stealing ? String(w.failedSteals) : '–',
        ),
      )
    })
  }
  if (rec.rounds.length > 1) {
    lines.push('', `The table is round 1. Every round, in the order its heats ran:`)
    rec.rounds.forEach((r, i) => {
      const heats = r.order.map((name) => `${name} ${ms(r.makespanMs[name])}`).join(', ')
      const ratios = `${r.ratios.stealingToPerWorker.toFixed(2)} / ${r.ratios.stealingToGlobal.toFixed(2)}`
      lines.push(`  round ${i + 1}: ${heats}; stealing ÷ per-worker / ÷ global ${ratios}`)
    })
  }
  lines.push('', ...formatRatios(rec.ratios, rec.rounds.length))
  const least = Math.min(...rec.heats.map((h) => h.onCpu))
  if (least < SHARED_BELOW)
    lines.push(
      '',
      `The workers had a core for only ${pct(least)} of their busy time in one heat: something else was running on`,
      'this machine, and the makespans (and their ratios) say as much about it as about the schedulers.',
    )
  return lines.join('\n')
}

export function formatRatios(r: Ratios, rounds: number): string[] {
  const met = meetsTargets(r)
  const of = rounds > 1 ? ` (median of ${rounds} rounds)` : ''
  const within = TARGETS.stealingToGlobalWithin
  return [
    `work stealing ÷ a queue per worker: ${r.stealingToPerWorker.toFixed(2)}  ` +
      `target ≤ ${TARGETS.stealingToPerWorkerMax.toFixed(2)}  ${met.perWorker ? 'met' : 'MISSED'}${of}`,
    `work stealing ÷ one global queue:   ${r.stealingToGlobal.toFixed(2)}  ` +
      `target ${(1 - within).toFixed(2)}–${(1 + within).toFixed(2)}  ${met.global ? 'met' : 'MISSED'}${of}`,
  ]
}

function row(...cells: string[]): string {
  const widths = [20, 10, 7, 6, 10, 8, 10, 7, 7]
  return cells
    .map((c, i) => (i === 1 || i >= 3 ? c.padStart(widths[i]! - 2).padEnd(widths[i]!) : c.padEnd(widths[i]!)))
    .join('')
    .trimEnd()
}

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`
}

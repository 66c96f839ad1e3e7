// `npm run bench:counters`: what step 4's counters cost, and what the deck's sampler costs, as
// `hello` throughput side by side in one run (bench/tools/counter-cost.ts says how).
//
//   npm run bench:counters                          5 rounds of on / off, 5 s of hello each
//   npm run bench:counters -- --rounds 7 --sampler  and a third arm: on, sampled 10 times a second
//
// Prints each run as it ends, then the median per arm and its ratio to "off". Nothing is written
// to bench/results/: a verdict from a shared machine is a hint, not a recording. Bad flags: one
// line, exit 2; Ctrl-C stops at once and prints what was measured.

import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { type Arm, ARM_TITLES, measureCounterCost } from '../tools/counter-cost.ts'
import { perSecond } from '../format.ts'
import { machineLine } from '../recording.ts'
import { machineInfo } from '../server/machine.ts'
import { stopOnCtrlC } from './interrupt.ts'

/** The target: counters on within 2 % of off. */
const WITHIN = 0.02

async function main(): Promise<void> {
  const { flags } = readFlagsOrExit('bench:counters', {
    rounds: { kind: 'int', default: 5, min: 1, max: 20, help: 'rounds; each runs every arm once, in rotated order' },
    duration: { kind: 'number', default: 5, min: 1, max: 30, value: 'S', help: 'seconds of hello per run' },
    connections: { kind: 'int', default: 100, min: 1, max: 1000, help: 'connections (hello: 100)' },
    sampler: { kind: 'bool', help: "a third arm: counters on, and the deck's sampler reading /__stats 10×/s" },
  })
  const arms: Arm[] = flags.sampler ? ['on', 'off', 'sampled'] : ['on', 'off']
  const signal = stopOnCtrlC()
  console.log(`step 4 on hello (${flags.connections} connections, ${flags.duration} s), ${flags.rounds} rounds`)
  console.log(machineLine(machineInfo()))
  const cost = await measureCounterCost({
    rounds: flags.rounds,
    durationS: flags.duration,
    connections: flags.connections,
    arms,
    signal,
    onRun: (run) =>
      console.log(
        `  round ${run.round + 1}  ${ARM_TITLES[run.arm].padEnd(46)} ${perSecond(run.throughput).padStart(9)} req/s` +
          `  ${cpu(run.cpuUsPerRequest)}` +
          (run.samples !== null ? `  (${run.samples} samples)` : ''),
      ),
  })
  console.log("\nmedian per arm, and ÷ counters off (throughput; the server's CPU time per request):")
  for (const arm of arms) {
    const ratio = (x: number | undefined) => (x === undefined ? '     ' : x.toFixed(3))
    console.log(
      `  ${ARM_TITLES[arm].padEnd(46)} ${perSecond(cost.medians[arm]).padStart(9)} req/s  ` +
        `${ratio(cost.ratios[arm])}   ${cpu(cost.cpuMedians[arm] ?? null)}  ${ratio(cost.cpuRatios[arm])}`,
    )
  }
  const on = cost.ratios.on
  if (on !== undefined) {
    const verdict = Math.abs(on - 1) <= WITHIN ? 'within' : 'NOT within'
    console.log(`\ncounters on ÷ off = ${on.toFixed(3)}: ${verdict} ${WITHIN * 100} % (closed loop; ratios, not req/s)`)
  }
  if (signal.aborted) process.exitCode = 130
}

/** "38.2 µs CPU/req": the server's CPU time per answered request (Linux). */
function cpu(us: number | null): string {
  return us === null ? 'CPU/req –' : `${us.toFixed(1)} µs CPU/req`
}

main().catch((error: Error) => {
  console.error(`bench:counters: ${error.message}`)
  process.exit(1)
})

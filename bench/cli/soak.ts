// `npm run soak`: one step under keep-alive load and hostile clients, for a bounded time (soak.ts).
//
//   npm run soak                                  step 3, 1,000 connections, 30 s
//   npm run soak -- --step 4 --duration 10        another step, shorter
//
// Prints what the load got (answers, errors), what the hostile connections got (answers by
// status, closes, hangs), and the server's memory and connections before and after. Exit 0 when
// the server came through whole, 1 when not (each problem on a line), 2 for a bad flag; Ctrl-C
// stops the soak early and still reports.

import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { count, megabytes } from '../format.ts'
import { openFileLimit } from '../server/machine.ts'
import { runSoak, type SoakReport, soakProblems } from '../tools/soak.ts'
import { STEPS } from '../steps.ts'
import { stopOnCtrlC } from './interrupt.ts'

const SCRIPT = 'soak'

const { flags } = readFlagsOrExit(SCRIPT, {
  step: { kind: 'text', default: '3', choices: STEPS.map((s) => s.id), value: 'NAME', help: 'the step to soak' },
  connections: { kind: 'int', default: 1000, min: 1, max: 10_000, help: 'keep-alive connections of load' },
  duration: { kind: 'number', default: 30, min: 1, max: 600, value: 'S', help: 'seconds of soak' },
  attackers: { kind: 'int', default: 8, min: 0, max: 200, help: 'hostile connections at any moment' },
  path: { kind: 'text', default: '/100', value: '/P', help: 'what the keep-alive connections ask for' },
  'header-timeout': {
    kind: 'int',
    default: 2000,
    min: 100,
    max: 60_000,
    value: 'MS',
    help: "the server's --header-timeout",
  },
})

const limit = openFileLimit()
if (limit !== null && limit < flags.connections * 2 + 400) {
  console.error(
    `${SCRIPT}: ${flags.connections} connections need ${flags.connections * 2 + 400} open files; ulimit -n is ${limit}`,
  )
  process.exit(2)
}

const signal = stopOnCtrlC()
const options = {
  step: flags.step,
  connections: flags.connections,
  durationS: flags.duration,
  attackers: flags.attackers,
  path: flags.path,
  headerTimeoutMs: flags['header-timeout'],
}
console.log(
  `soak: step ${options.step}, ${count(options.connections)} keep-alive connections of ${options.path} for ` +
    `${options.durationS} s, ${options.attackers} hostile clients, --header-timeout ${options.headerTimeoutMs}`,
)
try {
  const report = await runSoak(options, signal)
  console.log(reportText(report))
  const problems = soakProblems(report)
  for (const problem of problems) console.error(`${SCRIPT}: ${problem}`)
  process.exitCode = problems.length > 0 ? 1 : signal.aborted ? 130 : 0
} catch (error) {
  console.error(`${SCRIPT}: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}

function reportText(r: SoakReport): string {
  const { load, server } = r
  const perSecond = Math.round((load.answered * 1000) / r.elapsedMs)
  const attacks = Object.entries(r.attacks).map(([kind, a]) => {
    const answers = Object.entries(a.answers).map(([status, n]) => `${status} ×${n}`)
    const endings = [
      ...answers,
      a.closed ? `closed ×${a.closed}` : '',
      a.reset ? `reset by us ×${a.reset}` : '',
      a.hung ? `HUNG ×${a.hung}` : '',
    ]
    return `${kind} ${a.sent} (${endings.filter(Boolean).join(', ') || 'none ended'})`
  })
  const before = server.idleRssBeforeBytes
  const after = server.idleRssAfterBytes
  const growth =
    before === null || after === null ? '?' : `${after >= before ? '+' : '−'}${megabytes(Math.abs(after - before))}`
  return [
    `step ${r.options.step} (${r.title}), ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `load: ${count(load.answered)} answers (${count(perSecond)}/s); errors: ${load.errors} connection errors, ` +
      `${load.unexpected} non-200 answers, ${load.closedEarly} closed early, ${load.timeouts} timeouts`,
    `hostile: ${attacks.join('; ')}`,
    `server RSS: ${megabytes(before)} idle before, ${megabytes(server.peakRssBytes)} peak, ` +
      `${megabytes(after)} idle after (growth ${growth})`,
    `connections after: ${server.connectionsAfter ?? 'unknown'}; still serving: ${server.serving ? 'yes' : 'NO'}; ` +
      `stderr: ${server.stderrLines.length} lines`,
    ...server.stderrLines.slice(0, 10).map((line) => `  ${line}`),
  ].join('\n')
}

// `npm run microtasks:record`: what `npm run demo:microtasks` prints, recorded in
// recordings/demo-microtasks.txt for section 5 of the deck, with the machine and Node it ran on.
//
// One run as the demo prints it (the two tables the slide imports, `# #region main` and
// `# #region io`), then RUNS more runs with `--json`, each in a fresh process, counted: in how many
// did setTimeout 0 run before setImmediate in the main module (a race, by Node's own docs), and in
// how many did each context keep the order of the shown run (`# #region race`). Nothing is typed
// by hand; if a run fails or prints something unexpected, the script says so and writes nothing.

import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KINDS, type Ran } from '../examples/demo-microtasks/order.ts'
import { newEnvelope } from '../bench/server/machine.ts'
import { envelopeLines } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'

const RUNS = 20
const ENTRY = 'examples/demo-microtasks/main.ts'
const OUTPUT = join(REPO_ROOT, 'recordings/demo-microtasks.txt')

function run(args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 20_000,
  })
  if (result.status !== 0) throw new Error(`${ENTRY} ${args.join(' ')} failed:\n${result.stderr}`)
  return result.stdout
}

function main(): void {
  if (process.argv.length > 2) {
    console.error('microtasks:record: takes no flags (usage: npm run microtasks:record)')
    process.exit(2)
  }
  const shown = run([]).trimEnd().split('\n')
  const main = shown.findIndex((line) => line.startsWith('in the main module'))
  const io = shown.findIndex((line) => line.startsWith('in an I/O callback'))
  if (!shown[0]?.startsWith('queued, in this order') || main !== 1 || io !== main + KINDS.length + 1)
    throw new Error(`unexpected output:\n${shown.join('\n')}`)

  const orders = { 'main module': new Map<string, number>(), 'I/O callback': new Map<string, number>() }
  let timeoutFirst = 0
  for (let i = 0; i < RUNS; i++) {
    const ran = run(['--json'])
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Ran)
    for (const context of ['main module', 'I/O callback'] as const) {
      const order = ran.filter((r) => r.context === context).map((r) => r.kind)
      if (order.length !== KINDS.length) throw new Error(`run ${i + 1}: ${context}: ${order.join(', ')}`)
      const key = order.join(' → ')
      orders[context].set(key, (orders[context].get(key) ?? 0) + 1)
      if (context === 'main module' && order.indexOf('setTimeout 0') < order.indexOf('setImmediate')) timeoutFirst++
    }
  }

  const header = [
    ...envelopeLines(newEnvelope('demo-microtasks/1', 'npm run microtasks:record')),
    '# npm run demo:microtasks: five callbacks queued at once, in the order Node ran them.',
    `# The command runs node --import tsx ${ENTRY} once (shown), then ${RUNS} fresh runs with --json (counted).`,
    '# The "# #region" lines mark the parts the slides import.',
  ]
  const race = [`in ${RUNS} fresh runs:`]
  for (const context of ['main module', 'I/O callback'] as const)
    for (const [order, count] of [...orders[context]].sort((a, b) => b[1] - a[1]))
      race.push(`  ${context.padEnd(12)} ${String(count).padStart(2)} × ${order}`)
  race.push(`  in the main module, setTimeout 0 ran before setImmediate in ${timeoutFirst} of ${RUNS}`)
  const body = [
    shown[0]!,
    '# #region main',
    ...shown.slice(main, io),
    '# #endregion main',
    '# #region io',
    ...shown.slice(io),
    '# #endregion io',
    '# #region race',
    ...race,
    '# #endregion race',
  ]
  writeFileSync(OUTPUT, `${[...header, ...body].join('\n')}\n`)
  console.log([...header, ...body].join('\n'))
  console.log(`\nrecorded in ${OUTPUT}`)
}

try {
  main()
} catch (error) {
  console.error(`microtasks:record: ${(error as Error).message}`)
  process.exit(1)
}

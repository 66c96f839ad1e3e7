// `npm run demo:microtasks`: process.nextTick, promise callbacks, queueMicrotask, setImmediate and
// setTimeout 0, queued at once, in the order Node runs them: first at the top level of this
// module, then inside an I/O callback, where the order differs (order.ts says why).
//
// Prints one table per context; `--json` prints one JSON object per callback instead, one a line
// (`{"context":"I/O callback","order":1,"kind":"process.nextTick","queue":"..."}`), for programs
// that read it (the recorder, recordings/demo-microtasks.ts; the tests).
//
// The first `observe` call sits at the top level of this file on purpose: "the main module" means
// exactly that, so it cannot move into a function called later.

import { readFile } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readFlagsOrExit, usageHeader } from '../shared/flags.ts'
import { observe, QUEUED_ORDER, type Ran } from './order.ts'
import { heading, ranLine } from './print.ts'

const FLAGS = {
  json: { kind: 'bool', help: 'one JSON object per callback, one a line, instead of the tables' },
} as const

const { json } = readFlagsOrExit('demo:microtasks', FLAGS, { usage: usageHeader('demo:microtasks') }).flags

function print(order: Ran[]): void {
  if (json) {
    for (const ran of order) console.log(JSON.stringify(ran))
    return
  }
  console.log(heading(order[0]!.context))
  for (const ran of order) console.log(ranLine(ran))
}

if (!json) console.log(`queued, in this order: ${QUEUED_ORDER.join(', ')}`)
observe('main module', (inMain) => {
  print(inMain)
  // Any file will do: what matters is that its callback runs in libuv's poll phase.
  readFile(fileURLToPath(import.meta.url), () => observe('I/O callback', print))
})

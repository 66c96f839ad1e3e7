// `npm run trace:record`: the life of one request in step 4, as its `--trace` prints it, recorded in
// recordings/step4-trace.txt for section 7 of the deck.
//
// Starts step 4 with `--trace --port 0`, sends one `GET /100` on a fresh connection the way curl
// does (keep-alive, then the client closes once it has its answer), waits until the connection's
// task is done, stops the server and writes the server's trace lines, as they came, under a header
// saying where and how they were recorded (the envelope of every recording, as `#` lines). Nothing
// is edited: the only lines added are `#` comments, the header and region markers
// (`# #region request` ... `# #endregion request`) that cut the timeline into the parts the slides
// import with `<<< @/recordings/step4-trace.txt#request`.
//
// The parts, each a run of whole turns of the runtime's loop (a turn ends where the runtime hands
// control back to Node: "runtime   poll(timeout ...)"):
//   startup   the accept loop's first poll, before any connection
//   accept    the connection arrives, its task is spawned and polled: nothing to read yet
//   request   the request head arrives and is parsed: reading -> sleeping, a timer is set
//   answer    the timer fires: sleeping -> writing -> reading (keep-alive)
//   close     the client closes: reading -> closing -> closed, the task is done
// If the timeline does not have this shape (a change in step 4, a very busy machine), the script
// says what it found and writes nothing.

import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { readFlagsOrExit } from '../examples/shared/flags.ts'
import { newEnvelope } from '../bench/server/machine.ts'
import { envelopeLines } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { findStep } from '../bench/steps.ts'
import { traceOneConnection, turnsOf } from './trace-session.ts'

const SCHEMA = 'step4-trace/1'
const PATH = '/100'
const OUTPUT = join(REPO_ROOT, 'recordings/step4-trace.txt')

/** One request on its own connection, as curl sends it; closes once the whole answer is in. */
function curlLike(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    let answer = ''
    const timer = setTimeout(() => socket.destroy(new Error('no complete answer within 5 s')), 5000)
    socket.setEncoding('utf8')
    socket.on('connect', () =>
      socket.write(`GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: trace:record\r\nAccept: */*\r\n\r\n`),
    )
    socket.on('data', (text: string) => {
      answer += text
      const head = answer.indexOf('\r\n\r\n')
      const length = /content-length:\s*(\d+)/i.exec(answer)
      // The whole answer is in: close, as curl does.
      if (head >= 0 && length && answer.length >= head + 4 + Number(length[1])) socket.end()
    })
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
  })
}

type Part = 'startup' | 'accept' | 'request' | 'answer' | 'close'

/** Cuts the timeline into whole turns, and the turns into the five parts; throws on any other shape. */
function parts(lines: string[]): Map<Part, string[]> {
  const { turns, find } = turnsOf(lines)
  const firstEvent = find(/\spoll\s+returned \d+ event/)
  const request = find(/reading -> sleeping: GET \/100/, firstEvent)
  const answered = find(/writing -> reading/, request + 1)
  find(/sleeping -> writing/, request + 1)
  find(/closing -> closed/, answered + 1)
  find(/is done/, answered + 1)
  if (firstEvent === 0 || request === firstEvent || answered === request)
    throw new Error(`an unexpected timeline (parts run together):\n${lines.join('\n')}`)
  return new Map<Part, string[]>([
    ['startup', turns.slice(0, firstEvent).flat()],
    ['accept', turns.slice(firstEvent, request).flat()],
    ['request', turns[request]!],
    ['answer', turns.slice(request + 1, answered + 1).flat()],
    ['close', turns.slice(answered + 1).flat()],
  ])
}

async function main(): Promise<void> {
  readFlagsOrExit('trace:record', {}, { usage: 'usage: npm run trace:record  (no flags)' })
  const envelope = newEnvelope(SCHEMA, 'npm run trace:record')
  const { lines, answer } = await traceOneConnection([], curlLike)
  if (!answer.startsWith('HTTP/1.1 200') || !answer.trimEnd().endsWith(`slept ${PATH.slice(1)} ms`))
    throw new Error(`unexpected answer:\n${answer}`)

  const header = [
    ...envelopeLines(envelope),
    `# step 4 --trace: one GET ${PATH} on a fresh server, poll by poll, as the server printed it (nothing edited).`,
    `# The command starts node --import tsx ${findStep('4')!.entry} --trace --port 0,`,
    `#   sends one GET ${PATH} (keep-alive, the client closes after the answer), then stops the server.`,
    '# Columns: ms since the first readiness of the connection (the startup lines have their own clock), who, what.',
    '# The "# #region" lines mark the parts the slides import.',
  ]
  const body: string[] = []
  for (const [name, part] of parts(lines)) body.push(`# #region ${name}`, ...part, `# #endregion ${name}`)
  writeFileSync(OUTPUT, `${[...header, ...body].join('\n')}\n`)
  console.log([...header, ...body].join('\n'))
  console.log(`\nrecorded in ${OUTPUT}`)
}

main().catch((error: unknown) => {
  console.error(`trace:record: ${(error as Error).message}`)
  process.exit(1)
})

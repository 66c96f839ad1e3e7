// `npm run trace:read-once`: step 4 with `--read-once`, the edge-triggered bug on purpose, as its
// `--trace` prints it, recorded in recordings/step4-read-once-trace.txt for section 8 of the deck.
//
// Starts step 4 with `--trace --read-once --header-timeout 2000 --port 0`, sends one `GET /100` the
// way curl does (the whole request in one write, then it waits for the answer), and waits for the
// server's answer and the connection's end. Under `--read-once` the server reads a few bytes per
// readiness event and then waits with the rest still buffered; the client sends nothing more, so
// no new event ever comes and the request hangs until the header deadline answers 408. The file
// holds the server's trace lines as they came, under a header saying where and how they were
// recorded; `# #region` markers (`hang`, `deadline`) cut out the two parts the slide imports. If
// the timeline does not have that shape, the script says what it found and writes nothing.
//
// (It follows `npm run trace:record`, recordings/step4-trace.ts, which records a healthy request.)

import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { newEnvelope } from '../bench/server/machine.ts'
import { envelopeLines } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { findStep } from '../bench/steps.ts'
import { traceOneConnection, turnsOf } from './trace-session.ts'

const PATH = '/100'
const HEADER_TIMEOUT_MS = 2000
const OUTPUT = join(REPO_ROOT, 'recordings/step4-read-once-trace.txt')
const SCHEMA = 'step4-read-once-trace/1'

/** One request in one write, as curl sends it; resolves with whatever the server answered before it closed. */
function curlLike(port: number): Promise<{ answer: string; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const sent = performance.now()
    let answer = ''
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer within ${HEADER_TIMEOUT_MS + 5000} ms`)),
      HEADER_TIMEOUT_MS + 5000,
    )
    socket.setEncoding('utf8')
    socket.on('connect', () =>
      socket.write(`GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: trace:read-once\r\nAccept: */*\r\n\r\n`),
    )
    socket.on('data', (text: string) => (answer += text))
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ answer, afterMs: performance.now() - sent })
    })
  })
}

/** The two parts: from the connection's first readiness to the wait with bytes left; the deadline's turn. */
function parts(lines: string[]): Map<'hang' | 'deadline', string[]> {
  const { turns, find } = turnsOf(lines)
  const waits = find(/\sread\s+.*waits \(--read-once\)/)
  const connReady = find(/\spoll\s+returned \d+ events?: .*\(conn 1\)/)
  const deadline = find(/reading -> writing: 408/, waits + 1)
  if (connReady > waits) throw new Error(`an unexpected timeline:\n${lines.join('\n')}`)
  return new Map([
    ['hang', turns.slice(connReady, waits + 1).flat()],
    ['deadline', turns[deadline]!],
  ])
}

async function main(): Promise<void> {
  if (process.argv.length > 2) {
    console.error('trace:read-once: takes no flags (usage: npm run trace:read-once)')
    process.exit(2)
  }
  const args = ['--read-once', '--header-timeout', String(HEADER_TIMEOUT_MS)]
  const envelope = newEnvelope(SCHEMA, 'npm run trace:read-once')
  const { lines, answer: result } = await traceOneConnection(args, curlLike)
  if (!result.answer.startsWith('HTTP/1.1 408') || result.afterMs < HEADER_TIMEOUT_MS - 100)
    throw new Error(
      `expected a 408 after the ${HEADER_TIMEOUT_MS} ms deadline, ` +
        `got after ${result.afterMs.toFixed(0)} ms:\n${result.answer}`,
    )

  const header = [
    ...envelopeLines(envelope),
    `# step 4 --trace --read-once: one GET ${PATH} sent in one write; the server reads a few bytes per`,
    '#   readiness event, then waits.',
    `# The command starts node --import tsx ${findStep('4')!.entry} --trace ${args.join(' ')} --port 0;`,
    `#   the client got "${result.answer.split('\r\n')[0]}" after ${Math.round(result.afterMs)} ms, ` +
      'then the server was stopped.',
    '# Columns: ms since the first readiness of the connection (the startup lines have their own clock), who, what.',
    '# The "# #region" lines mark the parts the slides import; every line the server printed is here.',
  ]
  const cut = parts(lines)
  const body: string[] = []
  for (const line of lines) {
    for (const [name, part] of cut) if (part[0] === line) body.push(`# #region ${name}`)
    body.push(line)
    for (const [name, part] of cut) if (part.at(-1) === line) body.push(`# #endregion ${name}`)
  }
  writeFileSync(OUTPUT, `${[...header, ...body].join('\n')}\n`)
  console.log([...header, ...body].join('\n'))
  console.log(`\nrecorded in ${OUTPUT}`)
}

main().catch((error: unknown) => {
  console.error(`trace:read-once: ${(error as Error).message}`)
  process.exit(1)
})

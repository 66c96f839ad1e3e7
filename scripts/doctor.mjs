// `npm run doctor`: is this machine ready for the workshop? Run it the day before, not on stage.
//
// One line per check, each starting with its verdict: `ok`, `note` (works, but differs from Linux
// or needs something for a part of the workshop) or `fix` (blocks coding along; the line says what
// to do). Exit 1 if any check says `fix`. Plain JavaScript, so it also runs on the old Node it may
// have to refuse; the probes that live in the examples (TypeScript) are loaded only on a Node that
// can run them.
//
// Every probe asks the machine rather than a table: a port is free if we can listen on it, the
// kernel spreads connections over SO_REUSEPORT listeners if two of them can bind one port, a
// socket can go to a worker thread if Node accepts one in a transfer list.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { SUPPORTED, supported } from './node-range.mjs'

const ROOT = new URL('../', import.meta.url)
/** The port every step listens on by default (examples/shared/cli.ts), and the deck's (Slidev's). */
const STEP_PORT = 6969
const DECK_PORT = 3030
/** The bench's c10k scenario: 10,000 connections, and its rule of one file per connection + 200. */
const C10K_FILES = 10_000 + 200

/** @type {{ verdict: 'ok' | 'note' | 'fix', text: string }[]} */
const lines = []
const say = (/** @type {'ok' | 'note' | 'fix'} */ verdict, /** @type {string} */ text) => {
  lines.push({ verdict, text })
  console.log(`${verdict.padEnd(5)} ${text}`)
}

// 1. Node, and whether it runs TypeScript files itself.
if (supported()) say('ok', `Node ${process.version}: supported (${SUPPORTED})`)
else say('fix', `Node ${process.version} is not supported: install ${SUPPORTED} (e.g. \`nvm install 26\`)`)
const strips = Boolean(/** @type {{ typescript?: string | false }} */ (process.features).typescript)
if (strips) say('ok', 'plain `node file.ts` runs the examples: no `npm install` needed to code along')
else say('fix', `Node ${process.version} cannot run .ts files itself: install ${SUPPORTED}`)

// 2. The operating system, and what differs from Linux.
const OS = {
  linux: 'Linux: everything runs, with every figure',
  darwin:
    'macOS: steps and demos run; /__stats has no context switches and the bench no per-process CPU ' +
    '(they come from Linux interfaces); see the SO_REUSEPORT line for step 6',
  win32:
    'Windows: steps and demos run; no context switches, no per-process CPU figures, no `ulimit`, ' +
    'no SO_REUSEPORT balancing; WSL2 behaves as Linux',
}
const os = /** @type {keyof typeof OS} */ (process.platform)
say(os === 'linux' ? 'ok' : 'note', OS[os] ?? `${process.platform}: untested; Linux is the reference`)

// 3. Ports.
const stepPort = await portTaken(STEP_PORT)
if (stepPort === undefined) say('ok', `port ${STEP_PORT} is free for \`npm run step:N\``)
else
  say(
    'fix',
    `port ${STEP_PORT} is taken (${stepPort}) — a step still running in another terminal? ` +
      'stop it, or start steps with `-- --port 0`',
  )
const deckPort = await portTaken(DECK_PORT)
if (deckPort === undefined) say('ok', `port ${DECK_PORT} is free for the deck (\`npm run dev\`)`)
else say('note', `port ${DECK_PORT} is taken (${deckPort}): the deck would open on another port; stop what holds it`)

// 4. How many connections one process may hold.
const files = openFileLimit()
if (files === undefined) say('note', 'open-file limit: unknown here (no `ulimit`); the c10k scenario may fail')
else if (files >= C10K_FILES)
  say('ok', `ulimit -n is ${files}: enough for c10k (10,000 connections need ${C10K_FILES})`)
else
  say(
    'note',
    `ulimit -n is ${files}: c10k (10,000 connections) needs ${C10K_FILES}; ` +
      `run \`ulimit -n ${C10K_FILES}\` in the shell first (everything else needs far fewer)`,
  )

// 5. The two ways step 6 hands connections to its workers (it needs one of them).
const transfer = strips ? await socketTransferMissing() : 'needs a Node that runs TypeScript first'
const reusePort = await reusePortBalances()
if (transfer === undefined)
  say('ok', 'socket transfer to worker threads: step 2 --own-socket, step 6 --dispatch acceptor')
else
  say(
    'note',
    `socket transfer absent: step 2 --own-socket and step 6 --dispatch acceptor refuse to start (${transfer})`,
  )
if (reusePort === true) say('ok', 'SO_REUSEPORT spreads connections: step 6 --dispatch kernel')
else say('note', `step 6 --dispatch kernel is absent: ${reusePort}`)
if (transfer !== undefined && reusePort !== true)
  say('fix', 'step 6 has neither way to reach its workers: use Node 26.6+ (socket transfer) or Linux')

// 6. What `npm ci` is for.
if (existsSync(new URL('node_modules/.bin/slidev', ROOT)))
  say('ok', 'npm packages installed: the deck and the bench can run too')
else say('note', 'npm packages not installed: the steps and demos need none; the deck and the bench need `npm ci`')

const blocking = lines.filter((line) => line.verdict === 'fix').length
console.log(
  blocking === 0 ? '\nready.' : `\n${blocking} thing${blocking === 1 ? '' : 's'} to fix first (lines marked fix).`,
)
process.exitCode = blocking === 0 ? 0 : 1

/** `undefined` if we can listen on 127.0.0.1:`port` (and we stop at once), else the error code. */
function portTaken(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => resolve(error.code ?? error.message))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/** The soft `ulimit -n` (what this shell's children get), or undefined where there is none. */
function openFileLimit() {
  if (process.platform === 'win32') return undefined
  const shell = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' })
  const text = shell.stdout?.trim()
  if (shell.status !== 0 || !text) return undefined
  return text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text)
}

/** The probe step 2 and step 6 use themselves (examples/shared/handle-transfer.ts). */
async function socketTransferMissing() {
  const { handleTransferMissing } = await import('../examples/shared/handle-transfer.ts')
  return handleTransferMissing()
}

/**
 * `true` if two listeners can share one port with `reusePort`, as step 6's workers do; else why
 * not. libuv refuses the option (ENOTSUP) where the kernel would not balance connections.
 */
async function reusePortBalances() {
  const first = createServer()
  const second = createServer()
  try {
    const port = await listenShared(first, 0)
    await listenShared(second, port)
    return true
  } catch (error) {
    const code = /** @type {NodeJS.ErrnoException} */ (error).code
    if (code === 'ENOTSUP') return `this OS does not balance SO_REUSEPORT listeners (Linux and FreeBSD 12+ do)`
    if (code === 'EADDRINUSE') return `Node ${process.version} ignores reusePort (22.12+ has it)`
    return `reusePort failed: ${code ?? error}`
  } finally {
    first.close()
    second.close()
  }
}

function listenShared(/** @type {import('node:net').Server} */ server, /** @type {number} */ port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port, reusePort: true }, () => {
      const address = server.address()
      resolve(typeof address === 'object' && address !== null ? address.port : port)
    })
  })
}

// `slidev` (the dev server, with the live-bench plugin) for the browser tests and for
// `npm run bench:live`, serving either deck (the talk, slides.md, or the workshop, workshop.md):
// started on a fixed port on loopback, ready once it serves the deck, stopped with SIGTERM as a
// terminal would, and checked for leftovers: no process it started may outlive it.

import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { DECKS, type DeckName } from '../test/helpers/deck.ts'

export interface DevServer {
  url: string
  pid: number
  /** What it printed (for failure messages). */
  output(): string
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>
}

export async function startDevServer(port: number, timeoutMs = 90_000, deck: DeckName = 'talk'): Promise<DevServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/@slidev/cli/bin/slidev.mjs'), DECKS[deck], '--port', String(port)],
    {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = once(child, 'exit')
  const url = `http://localhost:${port}`
  const stop = async (graceMs = 15_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slidev exited (${child.exitCode}):\n${output}`)
    try {
      const response = await fetch(`${url}/`)
      await response.text()
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`slidev did not serve ${url} within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return { url, pid: child.pid!, output: () => output, stop }
}

/**
 * Step servers and load generators of this repository that are running anywhere on the machine
 * (their command lines name this checkout's examples/ or bench/ files), as "pid args" lines.
 */
export function benchProcesses(): string[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
  const mine = [
    join(REPO_ROOT, 'examples/'),
    join(REPO_ROOT, 'bench/load/generator.ts'),
    join(REPO_ROOT, 'bench/peers/'),
  ]
  return lines.filter((line) => mine.some((path) => line.includes(path))).map((line) => line.trim())
}

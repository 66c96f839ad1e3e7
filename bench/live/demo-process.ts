// Running one of the deck's demos (demos.ts) as a child process of the dev server, and turning
// each JSON line it prints into an event.
//
// The command is the registry's, never the browser's: `node <entry> <fixed flags>`, with no loader
// (the demos are erasable TypeScript that Node strips itself): one process (no npm or tsx wrapper
// whose death would leave the demo behind), in its own process group, tracked by
// bench/server/child-processes.ts so the dev server's exit kills it. A stop kills it at
// once (SIGKILL: a demo has nothing to save), and so does its time limit; the promise settles only
// once the process has exited, so `host.close()` waiting for the run means no demo outlives the
// dev server. A dev server killed with SIGKILL leaves a demo to finish by itself: each ends within
// seconds (the race's heats are bounded too).
//
// A line that is not one of the demo's events is not passed on; a demo that exits non-zero fails
// the run with the last line of its stderr.

import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { adopt, stopChild } from '../server/child-processes.ts'
import { REPO_ROOT } from '../repo-root.ts'
import { type DemoEvent, type DemoName, findDemo, parseDemoLine } from './demos.ts'

export interface DemoHooks {
  signal: AbortSignal
  onEvent(event: DemoEvent): void
}

export type DemoRunner = (name: DemoName, hooks: DemoHooks) => Promise<void>

export const runDemoProcess: DemoRunner = async (name, { signal, onEvent }) => {
  const demo = findDemo(name)
  if (demo === undefined) throw new Error(`unknown demo '${name}'`)
  signal.throwIfAborted()
  const child = spawn(process.execPath, [join(REPO_ROOT, demo.entry), ...demo.args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  adopt(child, 'demo')
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000)
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseDemoLine(name, line)
    if (event !== null) onEvent(event)
  })

  let stoppedBy: string | null = null
  const kill = (why: string) => {
    stoppedBy ??= why
    void stopChild(child, 'SIGKILL')
  }
  const onAbort = () => kill(signal.reason instanceof Error ? signal.reason.message : 'stopped')
  signal.addEventListener('abort', onAbort, { once: true })
  const limit = setTimeout(() => kill(`stopped: the demo took longer than ${demo.timeoutMs / 1000} s`), demo.timeoutMs)
  try {
    const [code, signalName] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c, s) => resolve([c, s]))
    })
    if (stoppedBy !== null) throw new DemoStopped(stoppedBy)
    if (code !== 0) {
      const last = stderr.trim().split('\n').at(-1) ?? ''
      throw new Error(`${demo.command} exited with ${code ?? signalName}${last ? `: ${last}` : ''}`)
    }
  } finally {
    clearTimeout(limit)
    signal.removeEventListener('abort', onAbort)
  }
}

/** The run was stopped (by the presenter, the time limit or the dev server): not a failure of the demo. */
export class DemoStopped extends Error {}

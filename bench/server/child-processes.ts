// The processes the bench starts (step servers, load generators, the deck's live demos), and the
// promise that none of them outlives a run.
//
// Three layers, so no path leaves one behind:
// - a run stops its children itself at the end, on an error and on abort (see run.ts);
// - every child is tracked here and killed with SIGKILL when this process exits normally;
// - every server and generator has an IPC channel and exits when it closes, which happens even
//   when this process is killed with SIGKILL and the two layers above never run (the deck's live
//   demos have none: each ends by itself within seconds, bench/live/demo-process.ts).
//
// Children are started in their own process group (`detached`), so a Ctrl-C at the terminal
// reaches only the front end, which then stops them in order and still prints what was measured.

import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'

export type ChildKind = 'server' | 'generator' | 'demo'

const live = new Map<ChildProcess, ChildKind>()
process.on('exit', () => {
  for (const child of live.keys()) child.kill('SIGKILL')
})

/** Track `child` until it exits. */
export function adopt(child: ChildProcess, kind: ChildKind): void {
  if (hasExited(child)) return
  live.set(child, kind)
  child.once('exit', () => live.delete(child))
}

/** How many children of this kind (or of any kind) are still running. */
export function liveChildren(kind?: ChildKind): number {
  let n = 0
  for (const k of live.values()) if (kind === undefined || k === kind) n++
  return n
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

/** Send `signal`, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 2000,
): Promise<void> {
  if (hasExited(child)) return
  const exited = once(child, 'exit')
  child.kill(signal)
  const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** Whether a process with this pid exists (for tests that check no orphan is left). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

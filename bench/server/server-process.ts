// Starting and stopping a step's server as a child process, for the bench and the tests.
//
// The child is `node <entry> --port 0 <the entry's own args> <args>`, with no loader: every server is
// erasable TypeScript that Node strips itself, so it starts as an attendee starts it. One process (no
// `npx` or `tsx` wrapper whose death would leave the real server behind), a free port picked by
// the kernel and read back from the `listening on` line, and an IPC channel whose loss makes the
// server exit (see examples/shared/server.ts), so even a parent killed with SIGKILL leaves no
// server running.
// The child runs in its own process group (see child-processes.ts): a Ctrl-C at the terminal
// reaches the bench, which stops the server itself after collecting the server's last figures.

import { spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { adopt, liveChildren, stopChild } from './child-processes.ts'
import { CPUS_MINUS_ONE, type StepEntry } from '../steps.ts'
import { REPO_ROOT } from '../repo-root.ts'

export interface ServerProcess {
  url: string
  port: number
  pid: number
  child: ChildProcess
  /** Everything the server wrote to stderr so far (for error messages). */
  stderr(): string
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>
}

export interface StartOptions {
  /** How long the server may take to print its `listening on` line (default 20 s). */
  timeoutMs?: number
  /** Aborting kills the server if it is still starting; `startServer` then rejects. */
  signal?: AbortSignal
}

/** How many servers this process started that are still running (the tests expect 0 at the end). */
export function runningServers(): number {
  return liveChildren('server')
}

export async function startServer(
  step: StepEntry,
  args: readonly string[] = [],
  options: StartOptions | number = {},
): Promise<ServerProcess> {
  const { timeoutMs = 20_000, signal } = typeof options === 'number' ? { timeoutMs: options } : options
  signal?.throwIfAborted()
  const argv = [join(REPO_ROOT, step.entry), '--port', '0', ...stepArgs(step), ...args]
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  })
  adopt(child, 'server')
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (text: string) => {
    stderr += text
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000)
  })

  const stop = (graceMs = 2000): Promise<void> => stopChild(child, 'SIGTERM', graceMs)
  const onAbort = () => void stopChild(child, 'SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })

  try {
    const url = await readListeningLine(child, timeoutMs, () => stderr)
    signal?.throwIfAborted()
    const port = Number(new URL(url).port)
    return { url, port, pid: child.pid!, child, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw signal?.aborted ? signal.reason : error
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** The entry's own flags, with `CPUS_MINUS_ONE` worked out on this machine (at least 1). */
export function stepArgs(step: Pick<StepEntry, 'args'>, cpus = availableParallelism()): string[] {
  return (step.args ?? []).map((arg) => (arg === CPUS_MINUS_ONE ? String(Math.max(1, cpus - 1)) : arg))
}

function readListeningLine(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    const fail = (why: string) => {
      cleanup()
      reject(new Error(`${why}${stderr() ? `\n${stderr().trim()}` : ''}`))
    }
    const onData = (text: string) => {
      stdout += text
      const newline = stdout.indexOf('\n')
      if (newline === -1) return
      const match = /^listening on (http:\/\/\S+)$/.exec(stdout.slice(0, newline).trim())
      cleanup()
      if (match) resolve(match[1]!)
      else reject(new Error(`unexpected first line from server: ${stdout.slice(0, newline)}`))
    }
    const onExit = (code: number | null, signal: string | null) =>
      fail(`server exited (${signal ?? code}) before listening`)
    const timer = setTimeout(() => fail(`server did not print 'listening on' within ${timeoutMs} ms`), timeoutMs)
    function cleanup() {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      // Keep draining stdout so a chatty server (--trace) never blocks on a full pipe.
      child.stdout!.resume()
    }
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

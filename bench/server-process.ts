// Starting and stopping a step's server as a child process, for the bench and the tests.
//
// The child is `node --import tsx <entry> --port 0`: one process (no `npx` or `tsx` wrapper whose
// death would leave the real server behind), a free port picked by the kernel and read back from
// the `listening on` line, and an IPC channel whose loss makes the server exit (see
// examples/shared/server.ts), so even a parent killed with SIGKILL leaves no server running.

import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { REPO_ROOT, type StepEntry } from './steps.ts'

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

/** Every child started by this process and not yet exited: killed if we exit first. */
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/** How many servers this process started that are still running (the tests expect 0 at the end). */
export function runningServers(): number {
  return live.size
}

export async function startServer(step: StepEntry, args: readonly string[] = [], timeoutMs = 20_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, step.entry), '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (text: string) => {
    stderr += text
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000)
  })

  const stop = async (graceMs = 2000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }

  try {
    const url = await readListeningLine(child, timeoutMs, () => stderr)
    const port = Number(new URL(url).port)
    return { url, port, pid: child.pid!, child, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
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
    const onExit = (code: number | null, signal: string | null) => fail(`server exited (${signal ?? code}) before listening`)
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

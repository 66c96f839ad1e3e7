// Starting an example the way an attendee with no `npm install` does: plain `node` on the file, no
// TypeScript loader (not even the one this test runs under: `execArgv` and NODE_OPTIONS are not
// passed on). The server tests in this folder use it, so what they check is what a clone runs.

import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/** `process.env` without NODE_OPTIONS, so nothing can slip a loader into the child. */
export function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, ...env } = process.env
  return { ...env, ...extra }
}

export interface Running {
  child: ChildProcess
  url: string
  port: number
  /** Everything the server wrote to stderr so far. */
  stderr: () => string
  stop: () => Promise<void>
}

/** Starts `node <entry> --port 0 ...args` and resolves once it prints `listening on`. */
export function startPlain(entry: string, args: readonly string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [entry, '--port', '0', ...args], {
    cwd: REPO,
    env: plainEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      const match = /listening on (http:\/\/[^:]+:(\d+))/.exec(out)
      if (match !== null) resolve({ child, url: match[1]!, port: Number(match[2]), stderr: () => err, stop })
    })
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening: ${err.trim()}`)))
  })
}

/**
 * Runs `node <file> ...args` to the end: exit code, stdout, stderr. A child still running after
 * `timeoutMs` (a server that should have refused to start) is killed: its code is then null.
 */
export function runPlain(
  file: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = plainEnv(),
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [file, ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

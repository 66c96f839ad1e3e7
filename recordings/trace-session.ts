// What step 4's two trace recorders share: step4-trace.ts records a healthy request,
// step4-read-once.ts the edge-triggered hang. Both start step 4 with `--trace`, wait for its accept
// loop's first poll, let one client speak, wait until that connection's task is done, and keep the
// trace lines the server printed; both then cut those lines into turns of the runtime's loop (a
// turn ends where the runtime hands control back to Node: "runtime   poll(timeout ...)").

import { startServer } from '../bench/server/server-process.ts'
import { findStep } from '../bench/steps.ts'

/** A trace line: the time, then who speaks (trace.ts pads the time to 10 characters). */
const TRACE_LINE = /^\s*\d+\.\d{3} {2}\S/

/** Step 4 with `--trace` and `args`, one connection driven by `client`: its trace lines, and what `client` got. */
export async function traceOneConnection<T>(
  args: readonly string[],
  client: (port: number) => Promise<T>,
): Promise<{ lines: string[]; answer: T }> {
  const server = await startServer(findStep('4')!, ['--trace', ...args])
  try {
    // The accept loop's first poll is traced as the server starts; wait for it to hand control to Node.
    await waitFor(() => /runtime\s+poll\(timeout none\)/.test(server.stderr()), 5000, "the accept loop's first poll")
    const answer = await client(server.port)
    await waitFor(() => /task \d+ \(conn 1\) is done/.test(server.stderr()), 5000, "the connection's task to finish")
    const lines = server
      .stderr()
      .split('\n')
      .filter((line) => TRACE_LINE.test(line))
    return { lines, answer }
  } finally {
    await server.stop()
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * The trace cut into whole turns, and `find`: the first turn from `from` on with a line matching
 * `pattern` (none: it throws, with the whole trace).
 */
export function turnsOf(lines: readonly string[]): {
  turns: string[][]
  find(pattern: RegExp, from?: number): number
} {
  const turns: string[][] = [[]]
  for (const line of lines) {
    turns.at(-1)!.push(line)
    if (/\sruntime\s+poll\(timeout/.test(line)) turns.push([])
  }
  if (turns.at(-1)!.length === 0) turns.pop()
  const find = (pattern: RegExp, from = 0) => {
    const i = turns.findIndex((turn, index) => index >= from && turn.some((line) => pattern.test(line)))
    if (i < 0) throw new Error(`the trace has no line matching ${pattern}:\n${lines.join('\n')}`)
    return i
  }
  return { turns, find }
}

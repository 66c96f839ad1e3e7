// Step 4's `--read-once`: the classic bug of edge-triggered readiness, on purpose, and its fix.
// - without the flag, a request sent in one write is answered at once: step 4 reads until the
//   parser has a head or `read()` says WOULD_BLOCK, and waits only after WOULD_BLOCK;
// - with it, the server reads a few bytes per readiness event and waits with the rest still
//   buffered: the same request is not answered, until the header deadline answers 408;
// - with it, a client that keeps sending is still read, a few bytes per arrival: readiness is
//   announced again when new bytes arrive (as with EPOLLET), which is why the bug hides in
//   request/response, where the peer has nothing more to send.
// Margins are generous: the machine may be busy.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startServer, type ServerProcess } from '../../bench/server/server-process.ts'
import { findStep } from '../../bench/steps.ts'
import { READ_ONCE_BYTES } from '../../examples/04-poller/io-futures.ts'
import { exchange, request } from '../helpers/raw-http.ts'

const HEADER_TIMEOUT_MS = 2000
const REQUEST = request('/0', 'User-Agent: read-once test\r\nAccept: */*\r\n')

async function withStep4<T>(args: string[], body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServer(findStep('4')!, ['--header-timeout', String(HEADER_TIMEOUT_MS), ...args])
  try {
    return await body(server)
  } finally {
    await server.stop()
  }
}

describe('step 4 --read-once', () => {
  test('the request is longer than one read-once read, so the flag really leaves bytes behind', () => {
    assert.ok(REQUEST.length > 3 * READ_ONCE_BYTES, `${REQUEST.length} bytes`)
  })

  test('without the flag, a request sent in one write is answered at once', () =>
    withStep4([], async ({ port }) => {
      const { responses } = await exchange(port, [REQUEST], { timeoutMs: 5000 })
      // A 200, not the header deadline's 408: the whole request was read on its first arrival.
      assert.equal(responses[0]?.status, 200)
    }))

  test('with the flag, the same request hangs: no answer within 1 s, then the header deadline answers 408', () =>
    withStep4(['--read-once'], async ({ port }) => {
      const early = await exchange(port, [REQUEST], { timeoutMs: 1000 }).catch((error: Error) => error)
      assert.ok(early instanceof Error, 'no answer within 1 s')

      const { responses } = await exchange(port, [REQUEST], { timeoutMs: HEADER_TIMEOUT_MS + 8000 })
      assert.equal(responses[0]?.status, 408)
      const at = responses[0]!.atMs
      assert.ok(at >= HEADER_TIMEOUT_MS - 100, `the 408 came after ${at.toFixed(0)} ms, before the deadline`)
    }))

  test('with the flag, a request sent a few bytes at a time is read and answered: each arrival is a new event', () =>
    withStep4(['--read-once'], async ({ port }) => {
      // Pieces of half a read-once read, 100 ms apart: every arrival is an event, every event
      // reads everything that arrived (even if two pieces land in one loop turn).
      const pieces: string[] = []
      for (let i = 0; i < REQUEST.length; i += READ_ONCE_BYTES / 2)
        pieces.push(REQUEST.slice(i, i + READ_ONCE_BYTES / 2))
      const { responses } = await exchange(port, pieces, { gapMs: 100, count: 1, timeoutMs: HEADER_TIMEOUT_MS + 8000 })
      assert.equal(responses[0]?.status, 200)
      assert.equal(responses[0]?.body, 'slept 0 ms\n')
    }))
})

// Property: random bytes, and valid request streams damaged at random (bytes flipped, inserted,
// deleted, repeated, cut short), never make the parser throw or loop, and a server fed them always
// ends the connection with answers or a close — never an exception, never a connection left
// hanging, never a broken answer.

import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { RequestParser } from '../../examples/shared/http-parser.ts'
import { parseAnswer } from '../../bench/load/open-loop.ts'
import { type ServerProcess, startServer } from '../../bench/server/server-process.ts'
import { fetchStats } from '../../bench/server/server-stats.ts'
import { findStep } from '../../bench/steps.ts'
import { chunksAt, serializeAll, streamArbitrary } from '../helpers/http-requests.ts'

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number }
  | { kind: 'cut'; at: number }

const position = fc.integer({ min: 0, max: 1 << 16 })
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: position }),
)

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = bytes
  for (const m of mutations) {
    if (out.length === 0) break
    const at = m.at % out.length
    if (m.kind === 'flip') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte]), out.subarray(at + 1)])
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)])
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)])
    else if (m.kind === 'repeat') out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)])
    else out = out.subarray(0, at)
  }
  return out
}

/** Random bytes, or a valid stream damaged a few times; and where TCP cuts it. */
const hostile = fc
  .oneof(
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    // Past the 8 KiB a head may take, so the limit is exercised too.
    fc.uint8Array({ minLength: 8 * 1024, maxLength: 12 * 1024 }).map((b) => Buffer.from(b)),
    fc
      .tuple(streamArbitrary({ max: 4 }), fc.array(mutation, { minLength: 1, maxLength: 6 }))
      .map(([specs, mutations]) => mutate(serializeAll(specs), mutations)),
  )
  .chain((bytes) =>
    fc.record({
      bytes: fc.constant(bytes),
      cuts: fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }),
    }),
  )

test('the parser never throws or loops on random and damaged bytes, and stops for good after an error', () => {
  const outcomes = new Set<string>()
  fc.assert(
    fc.property(hostile, ({ bytes, cuts }) => {
      const parser = new RequestParser()
      let failed = false
      for (const chunk of chunksAt(bytes, cuts)) {
        parser.push(chunk)
        // Each request takes at least a head's bytes out of the buffer, so a drain that hands out
        // more results than there are bytes would be a loop.
        for (let turns = 0; ; turns++) {
          assert.ok(turns <= bytes.length + 1, 'next() keeps returning results')
          const result = parser.next()
          if (result.kind === 'incomplete') break
          assert.equal(failed, false, 'a result after an error')
          if (result.kind === 'error') {
            assert.ok(result.status === 400 || result.status === 431, `status ${result.status}`)
            outcomes.add(String(result.status))
            failed = true
          } else {
            const { method, target, version } = result.request
            assert.match(method, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/)
            assert.match(target, /^\/[\x21-\x7e]*$/)
            assert.ok(version === '1.0' || version === '1.1')
            outcomes.add('request')
          }
        }
      }
    }),
    { numRuns: 1000 },
  )
  // The inputs reached every outcome: requests, malformed heads, and heads over the limit.
  assert.deepEqual([...outcomes].sort(), ['400', '431', 'request'])
})

/** The answers a step may give to anything (README.md, "The workload every step serves"). */
const STATUSES = new Set([200, 400, 404, 405, 408, 431, 503])
/** Sleeps up to 10 s may hide in damaged requests (`/9999`), and a 1e9-round hash takes a few. */
const CASE_TIMEOUT_MS = 20_000

/**
 * Send `bytes` in `chunks`, then close our side (`fin`) or not, and collect what comes back until
 * the server closes. Resolves with the bytes, or rejects if the server never closes.
 */
function exchange(port: number, chunks: readonly Buffer[], fin: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no close within ${CASE_TIMEOUT_MS} ms (received ${Buffer.concat(received).length} bytes)`))
    }, CASE_TIMEOUT_MS)
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk)
      if (fin) socket.end()
    })
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    socket.on('end', () => socket.end()) // the server closed its side: close ours
    socket.on('error', () => {}) // a reset after the server gave up on us is a close too
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(received))
    })
  })
}

/** Every byte received is part of a whole answer with a status the protocol allows. */
function checkAnswers(bytes: Buffer): number[] {
  const statuses: number[] = []
  let rest = bytes
  while (rest.length > 0) {
    const answer = parseAnswer(rest)
    assert.ok(answer !== null, `a broken answer: ${JSON.stringify(rest.subarray(0, 200).toString('latin1'))}`)
    assert.ok(STATUSES.has(answer.status), `status ${answer.status}`)
    statuses.push(answer.status)
    rest = rest.subarray(answer.length)
  }
  return statuses
}

// Steps 1, 2, 3 and 5 share examples/shared/connection.ts; step 4's connections are its own futures.
for (const id of ['3', '4']) {
  describe(`step ${id} fed random and damaged bytes`, () => {
    let server: ServerProcess
    before(async () => {
      server = await startServer(findStep(id)!, ['--header-timeout', '300'])
    })
    after(async () => {
      await server.stop()
    })

    test('each connection ends in whole answers and a close; the server serves on, holds no connection', async () => {
      await fc.assert(
        fc.asyncProperty(hostile, fc.boolean(), async ({ bytes, cuts }, fin) => {
          checkAnswers(await exchange(server.port, chunksAt(bytes, cuts), fin))
        }),
        { numRuns: 30 },
      )
      let stats = await fetchStats(server.url, 5000)
      for (let i = 0; i < 50 && stats?.connections !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        stats = await fetchStats(server.url, 5000)
      }
      assert.equal(stats?.connections, 0, 'every connection it had is gone')
    })
  })
}

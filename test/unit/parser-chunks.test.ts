// Property: TCP may cut a stream of requests anywhere, so any split of a valid request stream into
// chunks parses to the same requests, in order — the ones RFC 9112 reads from those bytes.
// (fast-check generates the requests and the cuts; a failure prints the smallest it found.)

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { type HttpRequest, RequestParser } from '../../examples/shared/http-parser.ts'
import { chunksAt, expected, type ParsedRequest, serializeAll, streamArbitrary } from '../helpers/http-requests.ts'

/** Push the chunks one by one, taking every request out as soon as it is complete. */
function parseChunks(chunks: readonly Buffer[]): (HttpRequest | string)[] {
  const parser = new RequestParser()
  const out: (HttpRequest | string)[] = []
  for (const chunk of chunks) {
    parser.push(chunk)
    for (let result = parser.next(); result.kind !== 'incomplete'; result = parser.next()) {
      out.push(result.kind === 'request' ? result.request : `${result.status} ${result.reason}`)
      if (result.kind === 'error') return out
    }
  }
  return out
}

const plain = (r: HttpRequest | ParsedRequest | string) =>
  typeof r === 'string' ? r : { ...r, headers: Object.fromEntries(r.headers) }

test('any split of a valid request stream parses to the same requests', () => {
  const cases = streamArbitrary().chain((specs) => {
    const bytes = serializeAll(specs)
    return fc.record({
      specs: fc.constant(specs),
      bytes: fc.constant(bytes),
      cuts: fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }),
    })
  })
  fc.assert(
    fc.property(cases, ({ specs, bytes, cuts }) => {
      const want = specs.map((s) => plain(expected(s)))
      assert.deepEqual(parseChunks([bytes]).map(plain), want, 'the whole stream in one chunk')
      assert.deepEqual(parseChunks(chunksAt(bytes, cuts)).map(plain), want, 'the stream cut at random')
    }),
    { numRuns: 400 },
  )
})

test('a stream delivered one byte at a time parses to the same requests', () => {
  fc.assert(
    fc.property(streamArbitrary({ max: 3 }), (specs) => {
      const bytes = serializeAll(specs)
      const oneByOne = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))
      assert.deepEqual(
        parseChunks(oneByOne).map(plain),
        specs.map((s) => plain(expected(s))),
      )
    }),
    { numRuns: 100 },
  )
})

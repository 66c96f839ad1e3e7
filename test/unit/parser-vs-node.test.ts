// Property: for well-formed requests, our parser agrees with Node's own (llhttp, behind a
// `node:http` server fed the same bytes) on the method, the target, the version and whether the
// connection stays open. Where the two differ, on malformed input or by a decision of ours, the
// difference is listed below with its reason, and checked: if either parser changes, this test says.

import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { RequestParser } from '../../examples/shared/http-parser.ts'
import { serializeAll, streamArbitrary } from '../helpers/http-requests.ts'

/** What a parser made of a request: its four facts, or how it refused the bytes. */
type Reading = { method: string; target: string; version: string; keepAlive: boolean } | { refused: string }

/** Ours: every request in `bytes`, up to an error (the connection is closed then). */
function ourReadings(bytes: Buffer): Reading[] {
  const parser = new RequestParser()
  parser.push(bytes)
  const out: Reading[] = []
  for (let result = parser.next(); result.kind !== 'incomplete'; result = parser.next()) {
    if (result.kind === 'error') return [...out, { refused: String(result.status) }]
    const { method, target, version, keepAlive } = result.request
    out.push({ method, target, version, keepAlive })
  }
  return out
}

/** Up to and including the first request after which a server closes the connection. */
function untilClose(readings: Reading[]): Reading[] {
  const end = readings.findIndex((r) => 'refused' in r || !r.keepAlive)
  return end === -1 ? readings : readings.slice(0, end + 1)
}

let server: Server
let port: number
const seen: Reading[] = []

/** Node's: the requests its server got from `bytes` on one connection, and a refusal if it sent one. */
async function nodeReadings(bytes: Buffer): Promise<Reading[]> {
  seen.length = 0
  const answer = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (text: string) => (received += text))
    socket.on('error', () => {})
    socket.on('close', () => resolve(received))
  })
  // A refusal is a 400 that no handler wrote (llhttp's parse errors, or Node's own Host check).
  const refused = (answer.match(/^HTTP\/1\.1 (\d{3})/gm) ?? []).length > seen.length
  return refused ? [...seen, { refused: '400' }] : [...seen]
}

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, target: req.url!, version: req.httpVersion, keepAlive: res.shouldKeepAlive })
    req.resume()
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('for well-formed requests, ours and node:http agree on method, target, version and keep-alive', async () => {
  let compared = 0
  await fc.assert(
    fc.asyncProperty(streamArbitrary({ nodeCompatible: true, max: 4 }), async (specs) => {
      const bytes = serializeAll(specs)
      const ours = untilClose(ourReadings(bytes))
      assert.deepEqual(await nodeReadings(bytes), ours)
      compared += ours.length
    }),
    { numRuns: 200 },
  )
  assert.ok(compared >= 200, `${compared} requests compared`)
})

/**
 * Where the two parsers part, and why. `ours` and `node` are what each makes of the bytes; a
 * refusal is an answer of 400 (or 431) and a closed connection, `waits` is no answer yet.
 */
const DIFFERENCES: { name: string; bytes: string; ours: string; node: string; why: string }[] = [
  {
    name: 'bare LF line ends',
    bytes: 'GET / HTTP/1.1\nHost: a\n\n',
    ours: 'GET / 1.1 keep-alive',
    node: 'refused',
    why: 'RFC 9112 §2.2 lets a recipient accept a lone LF as a line end; llhttp insists on CRLF',
  },
  {
    name: 'CR without LF',
    bytes: 'GET / HTTP/1.1\rHost: a\r\r',
    ours: 'waits',
    node: 'refused',
    why:
      'we look for LF only, so the head never ends: 408 after the header timeout (431 past 8 KiB); ' +
      'llhttp refuses at once',
  },
  {
    name: 'a method llhttp does not know',
    bytes: 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n',
    ours: 'FOO / 1.1 keep-alive',
    node: 'refused',
    why: 'a method is any token (RFC 9110 §9.1); we parse it and the routes answer 405. llhttp knows a fixed list',
  },
  {
    name: 'a method in lower case',
    bytes: 'get / HTTP/1.1\r\nHost: a\r\n\r\n',
    ours: 'get / 1.1 keep-alive',
    node: 'refused',
    why: 'methods are case-sensitive tokens (RFC 9110 §9.1): `get` is a method, just not GET; we answer 405',
  },
  {
    name: 'HTTP/1.0 with Connection: keep-alive',
    bytes: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    ours: 'GET / 1.0 close',
    node: 'GET / 1.0 keep-alive',
    why: 'well-formed, but we never keep an HTTP/1.0 connection open (README.md: "HTTP/1.0 close after the answer")',
  },
  {
    name: 'absolute-form target',
    bytes: 'GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n',
    ours: 'refused',
    node: 'GET http://a/b 1.1 keep-alive',
    why:
      'RFC 9112 §3.2.2 says a server MUST accept it; we serve origin-form only (clients send absolute-form ' +
      'to proxies), a known departure',
  },
  {
    name: 'asterisk-form target',
    bytes: 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
    ours: 'refused',
    node: 'OPTIONS * 1.1 keep-alive',
    why: 'asterisk-form is for OPTIONS, a method no step serves; our target must start with /',
  },
  {
    name: 'two spaces after the method',
    bytes: 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n',
    ours: 'refused',
    node: 'GET / 1.1 keep-alive',
    why: 'RFC 9112 §3 writes one SP between the parts (a recipient may be lenient); we are strict, llhttp is not',
  },
  {
    name: 'HTTP/2.0 or HTTP/0.9 in the request line',
    bytes: 'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
    ours: 'refused',
    node: 'GET / 2.0 close',
    why: 'we speak HTTP/1.0 and 1.1 only; llhttp reads any single-digit major and minor version',
  },
  {
    name: 'a control character in a header value',
    bytes: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n',
    ours: 'GET / 1.1 keep-alive',
    node: 'refused',
    why: 'RFC 9110 §5.5 calls CTLs other than CR, LF and NUL invalid but lets a recipient retain them; we never read X',
  },
  {
    name: 'the same Content-Length twice',
    bytes: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx',
    ours: 'POST / 1.1 keep-alive',
    node: 'refused',
    why: 'RFC 9110 §8.6 lets a recipient take repeated identical lengths as one; llhttp refuses any repeat',
  },
  {
    name: 'Transfer-Encoding: chunked',
    bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ours: 'POST / 1.1 close',
    node: 'POST / 1.1 keep-alive',
    why: 'we do not decode chunked bodies: we answer the request, then close rather than guess where it ends',
  },
  {
    name: 'Transfer-Encoding and Content-Length together',
    bytes: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
    ours: 'POST / 1.1 close',
    node: 'refused',
    why: 'RFC 9112 §6.1: reject, or answer and close the connection; llhttp rejects, we answer and close',
  },
]

function describeReading(readings: Reading[]): string {
  const first = readings[0]
  if (first === undefined) return 'waits'
  if ('refused' in first) return 'refused'
  return `${first.method} ${first.target} ${first.version} ${first.keepAlive ? 'keep-alive' : 'close'}`
}

describe('where our parser and node:http differ, and why', () => {
  for (const d of DIFFERENCES) {
    test(`${d.name}: ours ${d.ours}, node:http ${d.node} — ${d.why}`, async () => {
      const bytes = Buffer.from(d.bytes, 'latin1')
      assert.equal(describeReading(ourReadings(bytes)), d.ours, 'ours')
      assert.equal(describeReading(await nodeReadings(bytes)), d.node, 'node:http')
    })
  }
})

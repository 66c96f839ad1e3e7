// The shared request parser and router on their own, without sockets: chunk boundaries anywhere,
// pipelining, limits, keep-alive rules.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RequestParser, type ParseResult } from '../../examples/shared/http-parser.ts'
import { route } from '../../examples/shared/routes.ts'
import { MAX_HEAD_BYTES } from '../../examples/shared/limits.ts'

function drain(parser: RequestParser): ParseResult[] {
  const out: ParseResult[] = []
  for (;;) {
    const r = parser.next()
    if (r.kind === 'incomplete') return out
    out.push(r)
    if (r.kind === 'error') return out
  }
}

function targets(results: ParseResult[]): string[] {
  return results.map((r) => (r.kind === 'request' ? r.request.target : `error ${r.kind === 'error' ? r.status : ''}`))
}

const THREE =
  'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /3 HTTP/1.0\r\n\r\n'

describe('RequestParser', () => {
  test('several pipelined requests in one chunk come out in order', () => {
    const p = new RequestParser()
    p.push(Buffer.from(THREE))
    const results = drain(p)
    assert.deepEqual(targets(results), ['/1', '/2', '/3'])
    const keepAlive = results.map((r) => r.kind === 'request' && r.request.keepAlive)
    assert.deepEqual(keepAlive, [true, false, false])
  })

  test('the same bytes split at every possible point parse the same', () => {
    const bytes = Buffer.from(THREE)
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new RequestParser()
      const got: ParseResult[] = []
      p.push(bytes.subarray(0, cut))
      got.push(...drain(p))
      p.push(bytes.subarray(cut))
      got.push(...drain(p))
      assert.deepEqual(targets(got), ['/1', '/2', '/3'], `cut at ${cut}`)
    }
  })

  test('one byte at a time', () => {
    const p = new RequestParser()
    const got: ParseResult[] = []
    for (const b of Buffer.from(THREE)) {
      p.push(Buffer.from([b]))
      got.push(...drain(p))
    }
    assert.deepEqual(targets(got), ['/1', '/2', '/3'])
  })

  test('headers: lower-cased names, trimmed values, repeats joined; bare LF line ends accepted', () => {
    const p = new RequestParser()
    p.push(Buffer.from('\r\nGET /x HTTP/1.1\nHost:  h \nX-A: 1\nx-a: 2\n\n'))
    const [r] = drain(p)
    assert.equal(r?.kind, 'request')
    if (r?.kind !== 'request') return
    assert.equal(r.request.headers.get('host'), 'h')
    assert.equal(r.request.headers.get('x-a'), '1, 2')
  })

  test('a body announced by Content-Length is skipped even when it arrives in pieces', () => {
    const p = new RequestParser()
    p.push(Buffer.from('POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n01234'))
    assert.deepEqual(targets(drain(p)), ['/a'])
    p.push(Buffer.from('56789GET /b HTTP/1.1\r\nHost: a\r\n\r\n'))
    assert.deepEqual(targets(drain(p)), ['/b'])
  })

  test('Transfer-Encoding: the request is answered, then the connection closes', () => {
    const p = new RequestParser()
    p.push(
      Buffer.from(
        'POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /b ' +
          'HTTP/1.1\r\nHost: a\r\n\r\n',
      ),
    )
    const results = drain(p)
    assert.deepEqual(targets(results), ['/a'])
    assert.equal(results[0]?.kind === 'request' && results[0].request.keepAlive, false)
  })

  test('a head of exactly 8 KiB passes; one byte more is 431, with or without its end', () => {
    const prefix = 'GET / HTTP/1.1\r\nHost: a\r\nX: '
    const fill = (n: number) => `${prefix + 'a'.repeat(n - prefix.length - 4)}\r\n\r\n`
    const ok = new RequestParser()
    ok.push(Buffer.from(fill(MAX_HEAD_BYTES)))
    assert.equal(ok.next().kind, 'request')
    const over = new RequestParser()
    over.push(Buffer.from(fill(MAX_HEAD_BYTES + 1)))
    assert.deepEqual(over.next(), { kind: 'error', status: 431, reason: 'request head over 8 KiB' })
    const endless = new RequestParser()
    endless.push(Buffer.from(prefix + 'a'.repeat(MAX_HEAD_BYTES)))
    assert.equal(endless.next().kind, 'error')
  })

  test('after an error the parser yields nothing more', () => {
    const p = new RequestParser()
    p.push(Buffer.from('NOT HTTP\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'))
    assert.equal(p.next().kind, 'error')
    assert.equal(p.next().kind, 'incomplete')
  })
})

describe('route', () => {
  const req = (target: string, method = 'GET') => ({
    method,
    target,
    version: '1.1' as const,
    headers: new Map(),
    keepAlive: true,
  })
  test('the protocol table', () => {
    assert.deepEqual(route(req('/')), { kind: 'index' })
    assert.deepEqual(route(req('/__stats')), { kind: 'stats' })
    assert.deepEqual(route(req('/0')), { kind: 'work', work: { kind: 'sleep', ms: 0 } })
    assert.deepEqual(route(req('/10000?x')), { kind: 'work', work: { kind: 'sleep', ms: 10000 } })
    assert.deepEqual(route(req('/cpu/1000000000')), { kind: 'work', work: { kind: 'cpu', n: 1e9 } })
    assert.equal(
      route(req('/', 'HEAD')).kind === 'error' && (route(req('/', 'HEAD')) as { status: number }).status,
      405,
    )
    for (const bad of ['/10001', '/cpu/0', '/cpu/1000000001', '/1e3', '/+5', '/0x10']) {
      const r = route(req(bad))
      assert.equal(r.kind === 'error' ? r.status : 0, 400, bad)
    }
    for (const unknown of ['/x', '/cpu', '/cpux/1', '/__stats/']) {
      const r = route(req(unknown))
      assert.equal(r.kind === 'error' ? r.status : 0, 404, unknown)
    }
  })
})

// Step 4's poller on real loopback sockets: the readiness contract the runtime is built on.
// Edge-triggered (one event per transition, none for bytes left unread), reading until WOULD_BLOCK,
// writable readiness after backpressure, silence after deregistering, and many sockets told apart
// by their tokens.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Poll, READ_CLOSED, READABLE, WRITABLE } from '../../examples/04-poller/poller.ts'
import { EOF, MAX_WRITE_BYTES, TcpListener, type TcpStream, WOULD_BLOCK } from '../../examples/04-poller/sources.ts'
import { delay, FakeSource, loopback, pollOnce } from '../helpers/step4.ts'

/** A listener registered under token 0, one client, and the server side of its connection. */
async function oneConnection(poll: Poll) {
  const net = await loopback()
  const listener = new TcpListener(net.server)
  poll.registry.register(listener, 0, READABLE)
  const client = await net.client()
  let stream: TcpStream | typeof WOULD_BLOCK = WOULD_BLOCK
  for (let i = 0; i < 50 && stream === WOULD_BLOCK; i++) {
    const events = await pollOnce(poll, 1000)
    assert.ok(
      events.every((e) => e.token === 0 && e.readiness & READABLE),
      'only the listener reports',
    )
    stream = listener.accept()
  }
  assert.notEqual(stream, WOULD_BLOCK, 'the connection was reported on the listener token')
  return { net, listener, client, stream: stream as TcpStream }
}

/** Reads until WOULD_BLOCK (or EOF) and returns the text. */
function drain(stream: TcpStream): { text: string; end: typeof WOULD_BLOCK | typeof EOF } {
  let text = ''
  for (;;) {
    const chunk = stream.read()
    if (chunk === WOULD_BLOCK || chunk === EOF) return { text, end: chunk }
    text += chunk.toString()
  }
}

describe('step 4 poller', () => {
  test('edge-triggered: one event when bytes arrive, none for bytes left unread, a new one for new bytes', async () => {
    const poll = new Poll()
    const { net, stream, client } = await oneConnection(poll)
    try {
      poll.registry.register(stream, 1, READABLE)
      client.write('hello')
      const first = await pollOnce(poll, 2000)
      assert.deepEqual(
        first.map((e) => e.token),
        [1],
      )
      assert.ok(first[0]!.readiness & READABLE)

      // We read nothing. Level-triggered polling would report the socket again; edge-triggered does not.
      const t0 = performance.now()
      assert.deepEqual(await pollOnce(poll, 150), [], 'no event for bytes already announced')
      assert.ok(performance.now() - t0 >= 140, 'that poll waited for its timeout')

      client.write(' world')
      const second = await pollOnce(poll, 2000)
      assert.deepEqual(
        second.map((e) => e.token),
        [1],
        'new bytes, new event',
      )
      assert.deepEqual(drain(stream), { text: 'hello world', end: WOULD_BLOCK }, 'the unread bytes were kept, not lost')
    } finally {
      await net.close()
    }
  })

  test('drain until WOULD_BLOCK: every byte comes out of read(), then EOF after the peer finishes', async () => {
    const poll = new Poll()
    const { net, stream, client } = await oneConnection(poll)
    try {
      poll.registry.register(stream, 1, READABLE)
      for (const part of ['GET ', '/ HTTP', '/1.1\r\n']) {
        client.write(part)
        await delay(5)
      }
      await pollOnce(poll, 2000)
      let text = ''
      for (let i = 0; i < 20 && !text.endsWith('\r\n'); i++) {
        const got = drain(stream)
        assert.equal(got.end, WOULD_BLOCK)
        text += got.text
        if (!text.endsWith('\r\n')) await pollOnce(poll, 2000)
      }
      assert.equal(text, 'GET / HTTP/1.1\r\n')
      assert.equal(stream.read(), WOULD_BLOCK, 'drained: nothing more until new bytes')

      client.end() // FIN: reported as read-closed, and read() says EOF
      let readClosed = false
      for (let i = 0; i < 10 && !readClosed; i++) {
        const events = await pollOnce(poll, 2000)
        readClosed = events.some((e) => e.token === 1 && e.readiness & READ_CLOSED)
        drain(stream) // the FIN is seen by a read that finds the buffer empty
      }
      assert.ok(readClosed, 'the FIN was reported')
      assert.equal(stream.read(), EOF)
    } finally {
      await net.close()
    }
  })

  test(
    'writable readiness after backpressure: WOULD_BLOCK while the reader is stalled, an event once it ' + 'reads',
    async () => {
      const poll = new Poll()
      const { net, stream, client } = await oneConnection(poll)
      try {
        poll.registry.register(stream, 1, READABLE | WRITABLE)
        await pollOnce(poll, 0) // the initial readiness of a fresh socket (writable)
        client.pause() // the client reads nothing: kernel buffers fill, then Node's
        const part = Buffer.alloc(MAX_WRITE_BYTES, 'x')
        let written = 0
        for (;;) {
          const result = stream.write(part)
          if (result === WOULD_BLOCK) break
          assert.equal(typeof result, 'number')
          written += result as number
          assert.ok(written < 256 * 1024 * 1024, 'the connection never pushed back')
          if (written % (4 * 1024 * 1024) === 0) await delay(1) // let libuv move bytes into the kernel
        }
        assert.ok(
          stream.bufferedBytes <= MAX_WRITE_BYTES + stream.socket.writableHighWaterMark,
          `buffered ${stream.bufferedBytes}`,
        )

        const stalled = await pollOnce(poll, 200)
        assert.ok(!stalled.some((e) => e.readiness & WRITABLE), 'no writable event while nobody reads')
        assert.equal(stream.write(part), WOULD_BLOCK, 'still full')

        let received = 0
        client.on('data', (chunk: Buffer) => (received += chunk.length))
        client.resume()
        let writable = false
        for (let i = 0; i < 50 && !writable; i++)
          writable = (await pollOnce(poll, 2000)).some((e) => e.token === 1 && e.readiness & WRITABLE)
        assert.ok(writable, 'drain was reported as writable readiness')
        assert.equal(stream.write(part), MAX_WRITE_BYTES, 'and the connection takes bytes again')
        assert.ok(received > 0)
      } finally {
        await net.close()
      }
    },
  )

  test('a deregistered source reports nothing, not even readiness queued before', async () => {
    const poll = new Poll()
    const { net, stream, client } = await oneConnection(poll)
    try {
      poll.registry.register(stream, 1, READABLE)
      client.write('before')
      await delay(50) // the readiness is queued in the poller, not yet polled
      poll.registry.deregister(stream)
      assert.deepEqual(await pollOnce(poll, 100), [])
      client.write('after')
      assert.deepEqual(await pollOnce(poll, 150), [], 'new bytes on a deregistered socket: silence')
      poll.registry.register(stream, 7, READABLE)
      assert.deepEqual(
        (await pollOnce(poll, 1000)).map((e) => e.token),
        [7],
        'registered again: the unread bytes are reported at once, as epoll ADD does',
      )
      assert.equal(drain(stream).text, 'beforeafter', 'no byte was lost meanwhile')
    } finally {
      await net.close()
    }
  })

  test('reregister changes the interest, and reports the readiness the source already has (epoll MOD)', async () => {
    const poll = new Poll()
    const { net, stream } = await oneConnection(poll)
    try {
      poll.registry.register(stream, 1, READABLE)
      assert.deepEqual(await pollOnce(poll, 100), [], 'a fresh socket is writable, but nobody asked')
      poll.registry.reregister(stream, 1, READABLE | WRITABLE)
      assert.deepEqual(await pollOnce(poll, 1000), [{ token: 1, readiness: WRITABLE }])
    } finally {
      await net.close()
    }
  })

  test('readiness reported several times between two polls is one event, with the bits OR-ed', async () => {
    const poll = new Poll()
    const source = new FakeSource()
    poll.registry.register(source, 3, READABLE | WRITABLE)
    source.report(READABLE)
    source.report(READABLE)
    source.report(WRITABLE)
    assert.deepEqual(await pollOnce(poll, 1000), [{ token: 3, readiness: READABLE | WRITABLE }])
    assert.deepEqual(await pollOnce(poll, 50), [])
    // Interest filters: a source registered for reading only does not report writability.
    const reader = new FakeSource()
    poll.registry.register(reader, 4, READABLE)
    reader.report(WRITABLE)
    assert.deepEqual(await pollOnce(poll, 50), [])
  })

  test('many connections are told apart by their tokens', async () => {
    const poll = new Poll()
    const net = await loopback()
    const listener = new TcpListener(net.server)
    poll.registry.register(listener, 0, READABLE)
    const N = 50
    const clients = await Promise.all(Array.from({ length: N }, () => net.client()))
    const byToken = new Map<number, TcpStream>()
    try {
      for (let i = 0; i < 100 && byToken.size < N; i++) {
        await pollOnce(poll, 1000)
        for (let s = listener.accept(); s !== WOULD_BLOCK; s = listener.accept()) {
          const token = 100 + byToken.size
          byToken.set(token, s)
          poll.registry.register(s, token, READABLE)
        }
      }
      assert.equal(byToken.size, N)
      // Each client names its own server-side port; the stream behind each token must hear its own.
      for (const c of clients) c.write(`${c.localPort}`)
      const heard = new Map<number, string>()
      for (let i = 0; i < 100 && heard.size < N; i++) {
        for (const event of await pollOnce(poll, 1000)) {
          assert.ok(byToken.has(event.token), `unknown token ${event.token}`)
          heard.set(event.token, (heard.get(event.token) ?? '') + drain(byToken.get(event.token)!).text)
        }
      }
      assert.equal(heard.size, N, 'every connection reported under its own token')
      for (const [token, text] of heard) assert.equal(text, String(byToken.get(token)!.socket.remotePort))
    } finally {
      await net.close()
    }
  })
})

// A client of Vite's HMR WebSocket for the tests, written on node:http so a test can choose the
// Origin header a browser would send. (Written when the project ran on Node 20, which had no
// WebSocket client without a flag. Node 22+ has a global WebSocket, undici's, whose non-standard
// `headers` option does set Origin, checked on 22.22 and 26.12: it could replace this file.)
//
// Just enough of RFC 6455: the opening handshake with the `vite-hmr` subprotocol and Vite's
// token, masked text frames out, unmasked frames in (text, close, ping), no extensions. Vite wraps
// custom events as `{ type: 'custom', event, data }`, in both directions.

import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import type { Socket } from 'node:net'

export interface HmrMessage {
  event: string
  data: unknown
}

export interface HmrClient {
  /** Every custom event received so far, in order. */
  messages: HmrMessage[]
  send(event: string, data: unknown): void
  /** The first message (already received or still to come) that `match` accepts. */
  next(match: (message: HmrMessage) => boolean, timeoutMs?: number): Promise<HmrMessage>
  close(): void
}

/** The token Vite writes into `/@vite/client` (without it, a connection with an Origin is refused). */
export async function viteToken(port: number, host = '127.0.0.1'): Promise<string> {
  const response = await fetch(`http://${host}:${port}/@vite/client`)
  const text = await response.text()
  const match = /const wsToken = "([^"]+)"/.exec(text)
  if (match === null) throw new Error('no wsToken in /@vite/client')
  return match[1]!
}

export function connectHmr(
  port: number,
  options: { origin?: string; token?: string; host?: string } = {},
): Promise<HmrClient> {
  const { host = '127.0.0.1', origin, token } = options
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': 'vite-hmr',
    }
    if (origin !== undefined) headers.Origin = origin
    const req = request({
      host,
      port,
      path: token === undefined ? '/' : `/?token=${encodeURIComponent(token)}`,
      headers,
    })
    req.on('response', (response) => {
      response.resume()
      reject(new Error(`handshake refused: HTTP ${response.statusCode}`))
    })
    req.on('error', (error) => reject(new Error(`handshake failed: ${error.message}`)))
    req.on('upgrade', (_response, socket: Socket, head: Buffer) => resolve(client(socket, head)))
    req.end()
  })
}

function client(socket: Socket, head: Buffer): HmrClient {
  const messages: HmrMessage[] = []
  const waiters = new Set<() => void>()
  let buffer = head
  let closed = false

  const write = (opcode: number, payload: Buffer) => {
    if (closed) return
    const mask = randomBytes(4)
    const length = payload.length
    const header =
      length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
    if (length >= 126 && length < 65536) {
      header[0] = 0x80 | opcode
      header[1] = 0x80 | 126
      header.writeUInt16BE(length, 2)
    } else if (length >= 65536) {
      header[0] = 0x80 | opcode
      header[1] = 0x80 | 127
      header.writeBigUInt64BE(BigInt(length), 2)
    }
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))
    socket.write(Buffer.concat([header, mask, masked]))
  }

  const onFrame = (opcode: number, payload: Buffer) => {
    if (opcode === 0x9) return write(0xa, payload) // ping → pong
    if (opcode === 0x8) return close()
    if (opcode !== 0x1) return
    const message = JSON.parse(payload.toString('utf8')) as { type: string; event?: string; data?: unknown }
    if (message.type !== 'custom' || message.event === undefined) return
    messages.push({ event: message.event, data: message.data })
    for (const wake of waiters) wake()
  }

  const parse = () => {
    for (;;) {
      if (buffer.length < 2) return
      const opcode = buffer[0]! & 0x0f
      let length = buffer[1]! & 0x7f
      let offset = 2
      if (length === 126) {
        if (buffer.length < 4) return
        length = buffer.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (buffer.length < 10) return
        length = Number(buffer.readBigUInt64BE(2))
        offset = 10
      }
      if (buffer.length < offset + length) return
      const payload = buffer.subarray(offset, offset + length)
      buffer = buffer.subarray(offset + length)
      onFrame(opcode, payload)
    }
  }

  const close = () => {
    if (closed) return
    write(0x8, Buffer.alloc(0))
    closed = true
    socket.end()
    socket.destroy()
    for (const wake of waiters) wake()
  }

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    parse()
  })
  socket.on('close', () => {
    closed = true
    for (const wake of waiters) wake()
  })
  socket.on('error', () => {})
  parse()

  return {
    messages,
    send(event, data) {
      write(0x1, Buffer.from(JSON.stringify({ type: 'custom', event, data })))
    },
    next(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match)
          if (found !== undefined) {
            done()
            resolve(found)
          } else if (closed) {
            done()
            reject(new Error('the connection closed before the expected message'))
          }
        }
        const timer = setTimeout(() => {
          done()
          reject(
            new Error(
              `no matching message within ${timeoutMs} ms (got: ` +
                `${messages.map((m) => m.event).join(', ') || 'nothing'})`,
            ),
          )
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
    close,
  }
}

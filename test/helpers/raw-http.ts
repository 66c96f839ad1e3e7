// A raw HTTP/1.1 client for the tests: we write exact bytes (pipelined, split one byte at a time,
// malformed) and read exact answers, which no HTTP library would let us do. Deliberately separate
// from the server's parser, so a bug there cannot hide itself in the tests.

import { connect, type Socket } from 'node:net'

export interface RawResponse {
  status: number
  headers: Map<string, string>
  body: string
  /** Milliseconds from the first byte we wrote to the end of this answer. */
  atMs: number
}

export interface Exchange {
  responses: RawResponse[]
  /** The server closed the connection (FIN or reset) before we stopped reading. */
  closed: boolean
}

export interface ExchangeOptions {
  /** Stop once this many answers are in (default: the number of `parts` if they are requests). */
  count?: number
  /** Pause between parts, in ms; 0 yields one turn of the event loop, so each part leaves in its own write. */
  gapMs?: number
  /** Give up waiting after this long (default 20 s: long, as only a failing test waits it out on a busy machine). */
  timeoutMs?: number
  /** After the last answer, keep reading this long to see whether the server closes. */
  waitForCloseMs?: number
}

export function request(path: string, extra = '', method = 'GET', version = 'HTTP/1.1'): string {
  return `${method} ${path} ${version}\r\nHost: test\r\n${extra}\r\n`
}

/** Opens a connection, writes `parts` (with `gapMs` between them), collects `count` answers. */
export async function exchange(
  port: number,
  parts: (string | Buffer)[],
  options: ExchangeOptions = {},
): Promise<Exchange> {
  const socket = connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.setNoDelay(true)
  const result = collect(
    socket,
    options.count ?? parts.length,
    options.timeoutMs ?? 20_000,
    options.waitForCloseMs ?? 0,
  )
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 && options.gapMs !== undefined) await (options.gapMs > 0 ? sleep(options.gapMs) : nextTurn())
    if (socket.destroyed) break
    socket.write(parts[i]!)
  }
  return result
}

/** GET on a fresh connection; resolves with the one answer. */
export async function get(port: number, path: string): Promise<RawResponse> {
  const { responses } = await exchange(port, [request(path, 'Connection: close\r\n')])
  if (responses.length !== 1) throw new Error(`no answer to GET ${path}`)
  return responses[0]!
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function collect(socket: Socket, count: number, timeoutMs: number, waitForCloseMs: number): Promise<Exchange> {
  const started = performance.now()
  const responses: RawResponse[] = []
  let buffer = Buffer.alloc(0)
  return new Promise((resolve, reject) => {
    let closeTimer: NodeJS.Timeout | undefined
    const finish = (closed: boolean) => {
      clearTimeout(timer)
      clearTimeout(closeTimer)
      socket.destroy()
      resolve({ responses, closed })
    }
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new Error(
          `timed out after ${timeoutMs} ms with ${responses.length} of ${count} answers: ` +
            `${JSON.stringify(buffer.toString('latin1'))}`,
        ),
      )
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        const parsed = parseOne(buffer)
        if (parsed === undefined) break
        buffer = buffer.subarray(parsed.length)
        responses.push({ ...parsed.response, atMs: performance.now() - started })
      }
      if (responses.length >= count && closeTimer === undefined) {
        if (waitForCloseMs === 0) finish(false)
        else closeTimer = setTimeout(() => finish(false), waitForCloseMs)
      }
    })
    socket.on('error', () => finish(true))
    socket.on('end', () => finish(true))
  })
}

/** One complete answer at the start of `buffer`, or undefined if it is not all there yet. */
function parseOne(buffer: Buffer): { response: Omit<RawResponse, 'atMs'>; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n')
  if (headEnd === -1) return undefined
  const lines = buffer.toString('latin1', 0, headEnd).split('\r\n')
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(lines[0]!)
  if (!match) throw new Error(`bad status line: ${lines[0]}`)
  const headers = new Map<string, string>()
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  const lengthText = headers.get('content-length')
  if (lengthText === undefined) throw new Error(`answer without Content-Length: ${lines[0]}`)
  const length = headEnd + 4 + Number(lengthText)
  if (buffer.length < length) return undefined
  return { response: { status: Number(match[1]), headers, body: buffer.toString('utf8', headEnd + 4, length) }, length }
}

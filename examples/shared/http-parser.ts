// An incremental HTTP/1.1 request parser: bytes in, requests out.
//
// TCP delivers a byte stream, not messages. One `data` chunk may hold half a request line, or
// three whole pipelined requests and the start of a fourth. So the parser never assumes a chunk
// is a request: `push` appends bytes, `next` hands out the next complete request (or an error, or
// "need more bytes"). Every step uses this one parser, including step 4's hand-written runtime,
// which is why it has no callbacks, no Promises and no I/O: it is a plain state machine over a
// buffer.
//
// It handles what a GET-only server needs: request line, headers, keep-alive rules, and skipping
// a body announced by Content-Length so that the next pipelined request is found where it starts.

import { MAX_HEAD_BYTES } from './limits.ts'

export interface HttpRequest {
  method: string
  /** The request target as sent, e.g. `/1000` or `/cpu/5?x=1`. */
  target: string
  version: '1.0' | '1.1'
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Map<string, string>
  /** HTTP/1.1 without `Connection: close`. After answering anything else, the server closes. */
  keepAlive: boolean
}

export type ParseResult =
  | { kind: 'request'; request: HttpRequest }
  /** The bytes cannot be a valid request: answer `status` and close (the framing is lost). */
  | { kind: 'error'; status: 400 | 431; reason: string }
  /** No complete request head yet: push more bytes. */
  | { kind: 'incomplete' }

const INCOMPLETE: ParseResult = { kind: 'incomplete' }
const LF = 0x0a
const CR = 0x0d

// RFC 9110 token characters, for methods and header names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// A request target: visible ASCII, no spaces. We serve origin-form only (`/path?query`).
const TARGET = /^\/[\x21-\x7e]*$/
// The optional whitespace (spaces and tabs) before and after a header value.
const OWS_AROUND = /^[ \t]+|[ \t]+$/g

export class RequestParser {
  // Unparsed bytes live in buf[start..end). A fresh chunk is used as is when nothing is pending
  // (the common case: one chunk, one request); otherwise bytes are appended into a buffer that
  // grows by doubling, so a request sent one byte at a time costs linear, not quadratic, time.
  private buf: Buffer = Buffer.alloc(0)
  private start = 0
  private end = 0
  /** Where to continue looking for the blank line that ends the head (no rescanning). */
  private scanFrom = 0
  /** Body bytes of the previous request still to discard. */
  private skipBody = 0
  /** Set once the framing is lost or untrusted: no more requests come out. */
  private stopped = false

  /** Bytes received and not yet consumed. */
  get bufferedBytes(): number {
    return this.end - this.start
  }

  /** True when part of a request has arrived (what decides between 408 and a quiet close). */
  get hasPartialRequest(): boolean {
    return this.end > this.start || this.skipBody > 0
  }

  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return
    if (this.start === this.end) {
      this.buf = chunk
      this.start = 0
      this.end = chunk.length
      this.scanFrom = 0
      return
    }
    const pending = this.end - this.start
    if (this.buf.length - this.end < chunk.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * (pending + chunk.length), 1024))
      this.buf.copy(grown, 0, this.start, this.end)
      this.scanFrom -= this.start
      this.buf = grown
      this.start = 0
      this.end = pending
    }
    chunk.copy(this.buf, this.end)
    this.end += chunk.length
  }

  next(): ParseResult {
    if (this.stopped) return INCOMPLETE
    this.discardBody()
    if (this.skipBody > 0) return INCOMPLETE
    this.skipLeadingEmptyLines()

    const headEnd = this.findHeadEnd()
    if (headEnd === -1) {
      if (this.end - this.start > MAX_HEAD_BYTES) return this.fail(431, 'request head over 8 KiB')
      return INCOMPLETE
    }
    if (headEnd - this.start > MAX_HEAD_BYTES) return this.fail(431, 'request head over 8 KiB')

    const head = this.buf.toString('latin1', this.start, headEnd)
    this.start = headEnd
    this.scanFrom = headEnd
    return this.parseHead(head)
  }

  /** Returns the index just past the blank line that ends the head, or -1. Accepts CRLF or LF. */
  private findHeadEnd(): number {
    let lineStart = Math.max(this.start, this.scanFrom)
    // scanFrom always points at the start of a line we have not finished reading.
    for (;;) {
      const lf = this.buf.indexOf(LF, lineStart)
      if (lf === -1 || lf >= this.end) {
        this.scanFrom = lineStart
        return -1
      }
      const len = lf - lineStart
      if ((len === 0 || (len === 1 && this.buf[lineStart] === CR)) && lineStart > this.start) {
        return lf + 1
      }
      lineStart = lf + 1
    }
  }

  /** RFC 9112 §2.2: a server should ignore empty lines before a request line. */
  private skipLeadingEmptyLines(): void {
    while (this.start < this.end) {
      if (this.buf[this.start] === LF) this.start++
      else if (this.buf[this.start] === CR && this.start + 1 < this.end && this.buf[this.start + 1] === LF)
        this.start += 2
      else break
    }
    if (this.scanFrom < this.start) this.scanFrom = this.start
  }

  private discardBody(): void {
    if (this.skipBody === 0) return
    const n = Math.min(this.skipBody, this.end - this.start)
    this.start += n
    this.skipBody -= n
    if (this.scanFrom < this.start) this.scanFrom = this.start
  }

  private fail(status: 400 | 431, reason: string): ParseResult {
    this.stopped = true
    return { kind: 'error', status, reason }
  }

  private parseHead(head: string): ParseResult {
    const lines = head.split('\n')
    // The head ends with an empty line, so the last two entries of `lines` are '' or '\r' and ''.
    const requestLine = stripCR(lines[0]!)
    const parts = requestLine.split(' ')
    if (parts.length !== 3) return this.fail(400, 'malformed request line')
    const [method, target, protocol] = parts as [string, string, string]
    if (!TOKEN.test(method)) return this.fail(400, 'malformed method')
    if (!TARGET.test(target)) return this.fail(400, 'malformed request target')
    let version: '1.0' | '1.1'
    if (protocol === 'HTTP/1.1') version = '1.1'
    else if (protocol === 'HTTP/1.0') version = '1.0'
    else return this.fail(400, 'unsupported protocol version')

    const headers = new Map<string, string>()
    for (let i = 1; i < lines.length; i++) {
      const line = stripCR(lines[i]!)
      if (line === '') break
      const first = line.charCodeAt(0)
      if (first === 0x20 || first === 0x09) return this.fail(400, 'obsolete header line folding')
      const colon = line.indexOf(':')
      if (colon <= 0) return this.fail(400, 'malformed header line')
      const name = line.slice(0, colon)
      if (!TOKEN.test(name)) return this.fail(400, 'malformed header name')
      const key = name.toLowerCase()
      // Only spaces and tabs around a value are optional whitespace (RFC 9110 §5.6.3): not
      // String.prototype.trim, which also takes a 0xA0 byte (NBSP in latin1) off the value.
      const value = line.slice(colon + 1).replace(OWS_AROUND, '')
      const earlier = headers.get(key)
      headers.set(key, earlier === undefined ? value : `${earlier}, ${value}`)
    }

    if (version === '1.1' && !headers.has('host')) return this.fail(400, 'HTTP/1.1 request without Host header')

    const connection = (headers.get('connection') ?? '').toLowerCase()
    let keepAlive = version === '1.1' && !/(^|,)\s*close\s*(,|$)/.test(connection)

    // A body we do not want still has to be skipped, or its bytes would be read as the next request.
    if (headers.has('transfer-encoding')) {
      // We do not decode chunked bodies; answer this request, then close instead of guessing.
      keepAlive = false
      this.stopped = true
    } else if (headers.has('content-length')) {
      const values = headers
        .get('content-length')!
        .split(',')
        .map((v) => v.replace(OWS_AROUND, ''))
      if (!values.every((v) => /^\d{1,15}$/.test(v) && v === values[0])) return this.fail(400, 'bad Content-Length')
      this.skipBody = Number(values[0])
      this.discardBody()
    }

    return { kind: 'request', request: { method, target, version, headers, keepAlive } }
  }
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

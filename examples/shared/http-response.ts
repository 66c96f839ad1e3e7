// Writing HTTP/1.1 answers: a status line, a few headers, a body — as one string, written at once.
//
// Every answer carries Content-Length (the client must know where it ends to reuse the
// connection) and says whether the connection stays open. One function builds them all, so every
// step answers byte for byte alike and the benchmarks compare only how the steps wait.

export interface Reply {
  status: number
  body: string
  /** Extra headers, e.g. `Allow` on 405 or `Retry-After` on 503. */
  headers?: Record<string, string>
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export function ok(body: string, contentType?: string): Reply {
  return contentType ? { status: 200, body, headers: { 'Content-Type': contentType } } : { status: 200, body }
}

/** An error answer whose body says what went wrong, e.g. `400 Bad Request: malformed request line`. */
export function errorReply(status: number, detail?: string, headers?: Record<string, string>): Reply {
  const reason = REASONS[status] ?? 'Error'
  return { status, body: detail ? `${status} ${reason}: ${detail}\n` : `${status} ${reason}\n`, headers }
}

// RFC 9110 asks an origin server with a clock for a Date header. Formatting a date per answer is
// measurable at tens of thousands of answers a second, so it is rebuilt at most once a second.
let dateText = ''
let dateSecond = -1
function httpDate(): string {
  const now = Date.now()
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(now).toUTCString()
  }
  return dateText
}

/** The bytes of one answer. `close` adds `Connection: close`; the caller then ends the socket. */
export function formatReply(reply: Reply, close: boolean): string {
  const body = reply.body
  let head =
    `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? 'Unknown'}\r\n` +
    `Date: ${httpDate()}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n`
  const headers = reply.headers
  if (!headers || !('Content-Type' in headers)) head += 'Content-Type: text/plain; charset=utf-8\r\n'
  if (headers) for (const name in headers) head += `${name}: ${headers[name]}\r\n`
  head += close ? 'Connection: close\r\n\r\n' : 'Connection: keep-alive\r\n\r\n'
  return head + body
}

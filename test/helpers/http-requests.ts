// Well-formed HTTP/1.x requests for the property tests (fast-check arbitraries), written to bytes,
// and what a correct parser makes of them. `nodeCompatible` leaves out what is well-formed but
// that Node's parser (llhttp) refuses or reads otherwise, each listed with its reason in
// test/unit/parser-vs-node.test.ts: methods llhttp does not know, bare-LF line ends, keep-alive on
// HTTP/1.0.

import fc from 'fast-check'

export interface RequestSpec {
  method: string
  target: string
  version: '1.0' | '1.1'
  /** In order, as sent: names in any case, values with their surrounding spaces. */
  headers: [name: string, value: string][]
  /** Announced by a Content-Length header (among `headers`) when not empty. */
  body: Uint8Array
  lineEnd: '\r\n' | '\n'
  /** Empty lines before the request line (RFC 9112 §2.2: a server ignores them). */
  leadingEmptyLines: number
}

/** What a parser should hand out for a request (the shape of `HttpRequest`). */
export interface ParsedRequest {
  method: string
  target: string
  version: '1.0' | '1.1'
  headers: Map<string, string>
  keepAlive: boolean
}

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
const VISIBLE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
/** Field-value characters (RFC 9110 §5.5): visible ASCII, space, tab, and obs-text (bytes 0x80-0xff). */
const FIELD_CHARS = [...VISIBLE, ' ', '\t', ...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(0x80 + i))]
const NODE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']
/** Names this file sets itself; a random header must not collide with them. */
const FRAMING = new Set(['host', 'connection', 'content-length', 'transfer-encoding'])

const token = (max: number) => fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: max })
const fieldValue = fc.string({ unit: fc.constantFrom(...FIELD_CHARS), maxLength: 40 })
const padding = fc.constantFrom('', ' ', '  ', '\t', ' \t')
/** Origin-form targets: the paths the steps serve, and any visible ASCII after the slash. */
const target = fc.oneof(
  fc.constantFrom('/', '/0', '/1', '/__stats', '/cpu/1', '/nope', '/12x', '/0?x=1'),
  fc.string({ unit: fc.constantFrom(...VISIBLE), maxLength: 60 }).map((rest) => `/${rest}`),
)

export function requestArbitrary(options: { nodeCompatible?: boolean } = {}): fc.Arbitrary<RequestSpec> {
  const node = options.nodeCompatible === true
  return fc
    .record({
      method: node ? fc.constantFrom(...NODE_METHODS) : fc.oneof(fc.constantFrom(...NODE_METHODS), token(12)),
      target,
      version: fc.constantFrom<'1.0' | '1.1'>('1.0', '1.1'),
      host: fc.option(fc.tuple(fc.constantFrom('Host', 'host', 'HOST'), padding, token(20)), { nil: null }),
      connection: fc.constantFrom(null, 'close', 'Close', 'keep-alive', 'keep-alive, close', 'x-other'),
      extra: fc.array(fc.tuple(token(16), padding, fieldValue, padding), { maxLength: 6 }),
      body: fc.uint8Array({ maxLength: 64 }),
      lineEnd: node ? fc.constant<'\r\n'>('\r\n') : fc.constantFrom<'\r\n' | '\n'>('\r\n', '\n'),
      leadingEmptyLines: fc.integer({ min: 0, max: 2 }),
    })
    .map((r): RequestSpec => {
      const headers: [string, string][] = []
      // HTTP/1.1 needs Host (RFC 9112 §3.2); HTTP/1.0 may go without.
      if (r.host !== null || r.version === '1.1')
        headers.push([r.host?.[0] ?? 'Host', `${r.host?.[1] ?? ' '}${r.host?.[2] ?? 'x'}`])
      for (const [name, before, value, after] of r.extra)
        if (!FRAMING.has(name.toLowerCase())) headers.push([name, `${before}${value}${after}`])
      const connection = node && r.version === '1.0' && r.connection?.includes('keep-alive') ? null : r.connection
      if (connection !== null) headers.push(['Connection', ` ${connection}`])
      if (r.body.length > 0) headers.push(['Content-Length', ` ${r.body.length}`])
      return { ...r, headers }
    })
}

/** A stream of one to `max` requests, one after another on a connection. */
export function streamArbitrary(options: { nodeCompatible?: boolean; max?: number } = {}) {
  return fc.array(requestArbitrary(options), { minLength: 1, maxLength: options.max ?? 5 })
}

export function serialize(spec: RequestSpec): Buffer {
  const { lineEnd } = spec
  const head =
    lineEnd.repeat(spec.leadingEmptyLines) +
    `${spec.method} ${spec.target} HTTP/${spec.version}${lineEnd}` +
    spec.headers.map(([name, value]) => `${name}:${value}${lineEnd}`).join('') +
    lineEnd
  return Buffer.concat([Buffer.from(head, 'latin1'), spec.body])
}

export function serializeAll(specs: readonly RequestSpec[]): Buffer {
  return Buffer.concat(specs.map(serialize))
}

/** The request as RFC 9112 reads it: names folded to lower case, values without the spaces and tabs around them. */
export function expected(spec: RequestSpec): ParsedRequest {
  const headers = new Map<string, string>()
  for (const [name, raw] of spec.headers) {
    const key = name.toLowerCase()
    const value = raw.replace(/^[ \t]+|[ \t]+$/g, '')
    const earlier = headers.get(key)
    headers.set(key, earlier === undefined ? value : `${earlier}, ${value}`)
  }
  const connection = (headers.get('connection') ?? '').toLowerCase()
  const close = connection.split(',').some((option) => option.trim() === 'close')
  return {
    method: spec.method,
    target: spec.target,
    version: spec.version,
    headers,
    keepAlive: spec.version === '1.1' && !close,
  }
}

/** Split `bytes` at `cuts` (positions, any order, duplicates allowed) into chunks, empty ones left out. */
export function chunksAt(bytes: Uint8Array, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const at of [...points, bytes.length]) {
    if (at > from) chunks.push(Buffer.from(bytes.subarray(from, at)))
    from = at
  }
  return chunks
}

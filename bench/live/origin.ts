// Who may start or stop a live run: a window of this deck, on this machine.
//
// Everything reaches the live bench over Vite's HMR WebSocket; the WebSocket's opening request is
// the only HTTP request the plugin sees, and it carries an `Origin` header (browsers always send
// one on a WebSocket) and a peer address. Vite itself already refuses a browser connection with
// an Origin unless it carries the token Vite writes into the pages it serves, and checks the Host
// header (DNS rebinding). The plugin adds its own rule for anything that starts processes:
//
// - the Origin must be this dev server: http(s)://localhost, 127.0.0.1 or [::1] on its port. A page
//   of another site, or another local server, is refused even if it got hold of Vite's token;
// - the peer must be on the loopback interface: with `slidev --remote`, phones and laptops in the
//   room may watch (their windows mirror the run), but only the speaker's machine starts one;
// - a connection with no Origin at all (not a browser) is refused too.

export interface Peer {
  /** The Origin header of the WebSocket's opening request, if any. */
  origin: string | undefined
  /** The remote address of its TCP connection. */
  address: string | undefined
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Null when `peer` may start and stop runs on the dev server listening on `devPort`; else why not. */
export function refusePeer(peer: Peer | undefined, devPort: number | null): string | null {
  if (peer === undefined) return 'refused: unknown connection'
  if (!isLoopbackAddress(peer.address))
    return `refused: runs start only from this machine, not from ${peer.address ?? 'an unknown address'}`
  if (peer.origin === undefined || peer.origin === '')
    return "refused: no Origin header (only the deck's own pages may start a run)"
  if (!isDeckOrigin(peer.origin, devPort)) return `refused: origin ${peer.origin.slice(0, 80)} is not this deck`
  return null
}

/** http(s)://localhost|127.0.0.1|[::1] on the dev server's port. */
export function isDeckOrigin(origin: string, devPort: number | null): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (!LOOPBACK_HOSTS.has(url.hostname)) return false
  if (url.origin !== origin) return false // no path, no credentials, nothing after the port
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  return devPort !== null && port === devPort
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as IPv6 (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  if (address === '::1') return true
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

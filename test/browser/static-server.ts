// A tiny static server for the built decks (dist/, and the workshop in dist/workshop/), on 127.0.0.1
// only. Any path that is not a file gets the nearest index.html above it, as Slidev's history router
// expects (`/7` is slide 7 of the talk, `/workshop/7` slide 7 of the workshop).

import { createReadStream, statSync } from 'node:fs'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

export interface StaticServer {
  url: string
  close(): Promise<void>
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    let file = normalize(join(root, path))
    if (!file.startsWith(root + sep) && file !== root) {
      response.writeHead(403).end()
      return
    }
    if (!isFile(file)) file = nearestIndex(root, file) // a client-side route such as /7
    // Hashed assets are cached like a real host would, so the walk does not reload mermaid per slide.
    const cache = /^(\/workshop)?\/assets\//.test(path) ? 'public, max-age=3600, immutable' : 'no-cache'
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cache,
    })
    createReadStream(file).pipe(response)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The index.html of the closest folder above `file` that has one (at the latest, root's). */
function nearestIndex(root: string, file: string): string {
  for (let dir = file; dir.startsWith(root + sep); dir = dir.slice(0, dir.lastIndexOf(sep))) {
    if (isFile(join(dir, 'index.html'))) return join(dir, 'index.html')
  }
  return join(root, 'index.html')
}

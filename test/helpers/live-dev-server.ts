// A Vite dev server with the live-bench plugin and nothing else, for test/load/live-plugin.test.ts's
// signal tests: run as its own process, it prints `port <n>` once listening, then waits to be
// told to stop (or killed).

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'vite'
import { liveBench } from '../../bench/live/plugin.ts'

const root = mkdtempSync(join(tmpdir(), 'live-bench-vite-'))
const server = await createServer({
  configFile: false,
  root,
  logLevel: 'silent',
  plugins: [liveBench()],
  server: { host: '127.0.0.1', port: 0 },
  optimizeDeps: { noDiscovery: true, include: [] },
})
await server.listen()
console.log(`port ${(server.httpServer!.address() as { port: number }).port}`)

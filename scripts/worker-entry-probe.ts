// A worker thread for `npm run workers:measure` (scripts/measure-worker-entry.ts): it loads the
// shared connection code (connection.ts, the parser, the routes, the answers: the TypeScript a
// step-6 worker or a step-2 `--own-socket` thread runs) and says so, then answers every message.
// How its TypeScript gets loaded is what the measurement varies.

import { parentPort } from 'node:worker_threads'
import { serveConnection } from '../examples/shared/connection.ts'

const port = parentPort!
port.postMessage(typeof serveConnection)
port.on('message', () => port.postMessage('ok'))

// Where a burst's time goes: `node --import tsx bench/cli/burst-breakdown.ts [--step 3] [--rounds 3]`.
//
// `drill` and `burst512` open all their connections and send all their requests at once, and the
// bench counts from the first send to the last answer. That span holds three costs besides the
// 1000 ms wait: the load generator creating its clients (autocannon: ~0.1 ms each, reported as
// `generator.setupMs`), opening the connections (the server accepts them, and since libuv 1.45 it
// accepts one per loop turn), and the server's own work per request. This script separates them
// with a minimal raw-socket client instead of autocannon, against one server:
// - preconnected: N connections opened and each served once beforehand; then N × /1000 at once.
//   What is left is the server's own cost per request;
// - cold: N connections opened and N × /1000 sent at once, as drill does, but without autocannon's
//   per-client set-up. The difference to "preconnected" is the cost of opening connections.
// Diagnostic only: the bench's figures come from `npm run bench`.

import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { readFlagsOrExit } from '../../examples/shared/flags.ts'
import { startServer } from '../server/server-process.ts'
import { findStep, STEPS } from '../steps.ts'

const REQUEST = Buffer.from('GET /1000 HTTP/1.1\r\nHost: bench\r\n\r\n')
const WARM = Buffer.from('GET /0 HTTP/1.1\r\nHost: bench\r\n\r\n')

/** Resolves when one whole answer (our servers always send Content-Length) has arrived. */
function nextAnswer(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let bytes = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk])
      const headEnd = bytes.indexOf('\r\n\r\n')
      if (headEnd === -1) return
      const length = Number(/content-length:\s*(\d+)/i.exec(bytes.subarray(0, headEnd).toString('latin1'))?.[1] ?? 0)
      if (bytes.length < headEnd + 4 + length) return
      socket.off('data', onData)
      resolve(performance.now())
    }
    socket.on('data', onData)
  })
}

function open(port: number): Socket {
  const socket = connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  return socket
}

async function burst(port: number, n: number, preconnected: boolean): Promise<{ first: number; last: number }> {
  let sockets: Socket[]
  let t0: number
  let answers: Promise<number>[]
  if (preconnected) {
    sockets = Array.from({ length: n }, () => open(port))
    await Promise.all(
      sockets.map((s) => {
        const a = nextAnswer(s)
        s.write(WARM)
        return a
      }),
    )
    t0 = performance.now()
    answers = sockets.map((s) => {
      const a = nextAnswer(s)
      s.write(REQUEST)
      return a
    })
  } else {
    t0 = performance.now()
    sockets = Array.from({ length: n }, () => open(port))
    answers = sockets.map((s) => {
      const a = nextAnswer(s)
      s.write(REQUEST)
      return a
    })
  }
  const done = await Promise.all(answers)
  for (const s of sockets) s.destroy()
  return { first: Math.min(...done) - t0, last: Math.max(...done) - t0 }
}

const { flags } = readFlagsOrExit('burst-breakdown', {
  step: { kind: 'text', default: '3', choices: STEPS.map((s) => s.id), value: 'NAME', help: 'the step to start' },
  rounds: { kind: 'int', default: 3, min: 1, max: 100, help: 'rounds of the four bursts' },
})
const step = findStep(flags.step)! // one of the choices
const { rounds } = flags
const server = await startServer(step, [])
try {
  console.log(`step ${step.id} (${step.title}): N × /1000 sent at once; ms from the first send\n`)
  console.log('| N | connections | first answer ms | last answer ms | req/s |')
  console.log('| ---: | --- | ---: | ---: | ---: |')
  for (let round = 0; round < rounds; round++) {
    for (const n of [150, 512]) {
      for (const preconnected of [true, false]) {
        const { first, last } = await burst(server.port, n, preconnected)
        console.log(
          `| ${n} | ${preconnected ? 'preconnected' : 'cold'} | ${first.toFixed(1)} | ${last.toFixed(1)} | ` +
            `${((n * 1000) / last).toFixed(1)} |`,
        )
        await new Promise((r) => setTimeout(r, 200)) // let the closed connections go
      }
    }
  }
} finally {
  await server.stop()
}

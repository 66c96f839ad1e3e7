// A test thread for test/unit/step6-cpu-cap.test.ts: it plays one of step 6's workers, as far as the CPU
// cap is concerned. It has its own SharedCpuLimit (examples/06-every-core/cpu-cap.ts) on the shared
// counter, and does what the test tells it:
// - `acquire`: ask for `count` slots now; the admitted ones are held (not released) until `release`.
//   It answers `queued` right after asking, when its front (if it had to wait) is already on the
//   counter's waiter list, and `admitted` each time one is let in;
// - `release`: give `count` held slots back, as a finished task does;
// - `stress`: `tasks` requests in waves of random size, each hashing for a random few microseconds
//   once admitted, counting itself in a gauge shared by every thread (tasks between admission and
//   release, and the most ever at once), then releasing. Answers `stress-done` with whether its
//   requests were admitted in the order they asked;
// - `counters`: the limit's wake-up and race counters.
// Started through examples/shared/thread-modules.ts, as step 6's workers are.

import { parentPort } from 'node:worker_threads'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { SharedCpuLimit } from '../../examples/06-every-core/cpu-cap.ts'
import { RUNNING } from '../../examples/05-cpu-pool/cpu-slot.mjs'
import { threadData } from '../../examples/shared/thread-modules.ts'

export interface CapThreadInput {
  counter: Int32Array
  cap: number
  maxQueue: number
  /** [tasks hashing now, most ever at once, admissions that saw the counter outside 1..cap]. */
  gauge: Int32Array
}

export type CapCommand =
  | { kind: 'acquire'; count: number }
  | { kind: 'release'; count: number }
  | { kind: 'stress'; tasks: number; maxSpinMicros: number }
  | { kind: 'counters' }

export type CapReply =
  | { kind: 'queued'; queueLength: number }
  | { kind: 'admitted'; total: number }
  | { kind: 'stress-done'; inOrder: boolean; admitted: number }
  | { kind: 'counters'; wakeUps: number; wakeRaces: number; lostRaces: number; queueLength: number }

const NOW = 0
const MAX = 1
const BAD = 2

const port = parentPort!
const { counter, cap, maxQueue, gauge } = threadData<CapThreadInput>()
const limit = new SharedCpuLimit(counter, cap, maxQueue)
let held = 0
let admittedTotal = 0

port.on('message', (command: CapCommand) => {
  if (command.kind === 'acquire') {
    for (let i = 0; i < command.count; i++) {
      void limit.acquire()!.then(() => {
        held++
        port.postMessage({ kind: 'admitted', total: ++admittedTotal } satisfies CapReply)
      })
    }
    port.postMessage({ kind: 'queued', queueLength: limit.queueLength } satisfies CapReply)
  } else if (command.kind === 'release') {
    for (let i = 0; i < command.count && held > 0; i++, held--) limit.release()
  } else if (command.kind === 'stress') {
    void stress(command.tasks, command.maxSpinMicros)
  } else {
    const { wakeUps, wakeRaces, lostRaces, queueLength } = limit
    port.postMessage({ kind: 'counters', wakeUps, wakeRaces, lostRaces, queueLength } satisfies CapReply)
  }
})

async function stress(tasks: number, maxSpinMicros: number): Promise<void> {
  const order: number[] = []
  const all: Promise<void>[] = []
  let next = 0
  while (next < tasks) {
    const wave = Math.min(tasks - next, 1 + Math.floor(Math.random() * 20))
    for (let i = 0; i < wave; i++) {
      const id = next++
      const turn = limit.acquire()
      if (turn === null) throw new Error('the line is full: give the test a larger maxQueue')
      all.push(
        turn.then(() => {
          order.push(id)
          const running = Atomics.load(counter, RUNNING)
          if (running < 1 || running > cap) Atomics.add(gauge, BAD, 1)
          const now = Atomics.add(gauge, NOW, 1) + 1
          for (let max = Atomics.load(gauge, MAX); now > max; max = Atomics.load(gauge, MAX)) {
            if (Atomics.compareExchange(gauge, MAX, max, now) === max) break
          }
          const until = performance.now() + (Math.random() * maxSpinMicros) / 1000
          while (performance.now() < until) {
            // busy, like a short hash on this worker's loop
          }
          Atomics.sub(gauge, NOW, 1)
          limit.release()
        }),
      )
    }
    await nextTurn() // let this thread's loop run: wake-ups from other threads arrive as tasks
  }
  await Promise.all(all)
  port.postMessage({
    kind: 'stress-done',
    inOrder: order.every((id, i) => id === i),
    admitted: order.length,
  } satisfies CapReply)
}

port.postMessage({ kind: 'ready' })

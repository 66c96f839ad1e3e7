// The threads that run step 5's CPU tasks: a fixed pool, started once, that replaces a thread
// that dies.
//
// Every task run here holds a slot of the CPU limit, and the slot travels with it: we set the
// thread's `held` flag as we post the task, and the thread clears it (and frees the slot) the moment
// its hash ends, before it posts the checksum back (cpu-slot.mjs, pool-worker.mjs).
//
// Which thread gets a task: the lowest-numbered one whose `held` flag is 0. A thread that has just
// freed its slot counts as free although its answer is still on its way to us: it is awake and on a
// core, and it reads its next message as soon as it has posted. Handing the task to a sleeping
// spare instead means waking a cold thread, which the scheduler may put on a core that is already
// hashing; measured on 2 cores, that cost about 5% of the tasks per second and a worse I/O p99.
// So each thread has a short FIFO of tasks whose answers we are waiting for, and the same few
// threads stay hot.
//
// Size: min(2 × CPUs, 40), as the design asks. Since at most `cap` threads hold a slot and the cap
// cannot exceed the pool, a free thread exists, save in one case: a thread that died before it came
// online is out of the pool for a second (`replace`), and with `--cpu-limit` equal to the pool size
// the last slot then finds no thread. That task fails (500), and `run` gives its slot back on the spot:
// the slot came with the task, and no thread will ever free it. The spares let `--cpu-limit` go
// above the CPU count (worth it only if tasks also wait on something) and stand in while a dead
// thread's replacement starts (~20 ms); the 40 ceiling bounds memory on big machines (a thread is a
// V8 isolate of several megabytes).
//
// A thread that dies (an uncaught exception, or an exit) fails only the task it held: the caller
// answers 500. It never freed that task's slot, so we free it for it, exactly once
// (`releaseHeldSlot`), and start a new thread in its place. We do all that on 'exit', not on
// 'error': answers the thread posted before it died may still be in flight after 'error', but
// never after 'exit'.

import { Worker } from 'node:worker_threads'
import { releaseHeldSlot, releaseSlot } from './cpu-slot.mjs'

const WORKER_URL = new URL('./pool-worker.mjs', import.meta.url)

interface Task {
  n: number
  resolve: (checksum: string) => void
  reject: (error: Error) => void
}

interface PoolThread {
  worker: Worker
  /** One shared Int32: 1 from the moment we post a task until the thread frees its slot. */
  held: Int32Array
  /** Tasks posted to this thread whose answers have not come back yet, oldest first. */
  pending: Task[]
  online: boolean
  /** Why it died, from its 'error' event; reported to the task it held. */
  failure: Error | undefined
}

export class WorkerPool {
  private readonly threads: PoolThread[] = []
  /** For /__stats. */
  threadsSpawned = 0
  workersAlive = 0
  tasksDone = 0
  tasksFailed = 0
  private closed = false
  readonly size: number
  /** The CPU limit's shared counter (CpuLimit.counter). */
  private readonly counter: Int32Array

  constructor(size: number, counter: Int32Array) {
    this.size = size
    this.counter = counter
    for (let i = 0; i < size; i++) this.threads.push(this.startThread())
  }

  // #region run
  /** Runs `cpuHash(n)` on a thread. The caller holds a CPU slot; it goes with the task. */
  run(n: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const thread = this.threads.find((t) => Atomics.load(t.held, 0) === 0)
      if (thread === undefined) {
        releaseSlot(this.counter) // no thread will ever free the slot this task holds: we do, now
        return reject(new Error('no free thread: the pool is short of threads'))
      }
      thread.pending.push({ n, resolve, reject })
      Atomics.store(thread.held, 0, 1) // the slot now travels with this task
      thread.worker.postMessage(n)
    })
  }
  // #endregion run

  /**
   * Ends every thread and starts no more (a server simply exits; tests and embedders call this).
   * Tasks still running fail, and their slots come back, as when a thread dies.
   */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.threads.map((t) => t.worker.terminate()))
  }

  private startThread(): PoolThread {
    const held = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
    // execArgv: [] — the thread runs plain JavaScript, without the TypeScript loader (see examples/shared/work.mjs).
    const worker = new Worker(WORKER_URL, { execArgv: [], workerData: { counter: this.counter, held } })
    const thread: PoolThread = { worker, held, pending: [], online: false, failure: undefined }
    this.threadsSpawned++
    worker.once('online', () => {
      thread.online = true
      this.workersAlive++
    })
    worker.on('message', (checksum: string) => {
      this.tasksDone++
      thread.pending.shift()!.resolve(checksum)
    })
    worker.once('error', (error) => (thread.failure = error))
    worker.once('exit', (code) =>
      this.replace(thread, thread.failure ?? new Error(`worker thread exited with code ${code}`)),
    )
    return thread
  }

  private replace(dead: PoolThread, error: Error): void {
    if (dead.online) this.workersAlive--
    releaseHeldSlot(this.counter, dead.held) // the slot of the task it died with, if it held one
    for (const task of dead.pending) {
      this.tasksFailed++
      task.reject(error)
    }
    if (this.closed) return
    const index = this.threads.indexOf(dead)
    if (dead.online) {
      this.threads[index] = this.startThread()
      return
    }
    // It died before it even started: most likely the worker file is broken. Say so, and retry
    // after a pause rather than respawning in a tight loop. Until then the pool is one thread short.
    console.error(`step:5: a pool thread died while starting: ${error.message}`)
    this.threads.splice(index, 1)
    setTimeout(() => this.threads.push(this.startThread()), 1000)
  }
}

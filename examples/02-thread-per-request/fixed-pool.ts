// A fixed pool of threads for step 2's `--pool N`: N threads started once, and a FIFO queue of
// jobs waiting for a free one.
//
// What a pool buys over a thread per request: no spawn cost per request (a Worker is a whole V8
// isolate: tens of milliseconds and several megabytes to start) and a ceiling on memory. What it
// costs: at most N requests are worked on at once; request N+1 waits in the queue even if all N
// threads are only sleeping. Under `drill` (150 x /1000) with --pool 8, that is 19 rounds of a
// second each, which is the lesson of the slide.

import { Worker } from 'node:worker_threads'
import { Fifo } from '../shared/fifo.ts'
import type { Work } from '../shared/work-types.ts'

type Done = (error: Error | null, body?: string) => void

interface Job {
  work: Work
  done: Done
}

interface Slot {
  worker: Worker
  job: Job | undefined
}

export class FixedThreadPool {
  private readonly slots: Slot[] = []
  /** Jobs waiting for a free thread, oldest first. Unbounded: see `queueLengthMax`. */
  private readonly queue = new Fifo<Job>()
  /**
   * The longest the queue has been. The queue has no bound (a request is never refused here, it
   * waits), so this is what `/__stats` shows of it: how far behind the pool fell.
   */
  private longestQueue = 0

  readonly size: number
  private readonly workerUrl: URL
  /** Called with each new Worker, so the server can count threads and time their start. */
  private readonly onSpawn: (worker: Worker) => void

  constructor(size: number, workerUrl: URL, onSpawn: (worker: Worker) => void) {
    this.size = size
    this.workerUrl = workerUrl
    this.onSpawn = onSpawn
    for (let i = 0; i < size; i++) this.slots.push(this.startSlot())
  }

  get queueLength(): number {
    return this.queue.length
  }

  get queueLengthMax(): number {
    return this.longestQueue
  }

  run(work: Work, done: Done): void {
    this.queue.push({ work, done })
    this.dispatch()
    // After the dispatch: a job that found an idle thread never waited.
    this.longestQueue = Math.max(this.longestQueue, this.queue.length)
  }

  private startSlot(): Slot {
    // execArgv: [] — do not pass the TypeScript loader on to the thread (see worker.mjs).
    const slot: Slot = { worker: new Worker(this.workerUrl, { execArgv: [] }), job: undefined }
    this.onSpawn(slot.worker)
    slot.worker.on('message', (body: string) => {
      const job = slot.job!
      slot.job = undefined
      job.done(null, body)
      this.dispatch()
    })
    // A thread that dies fails only the job it had, and is replaced.
    slot.worker.on('error', (error) => this.replace(slot, error))
    slot.worker.on('exit', (code) => this.replace(slot, new Error(`worker exited with code ${code}`)))
    return slot
  }

  private replace(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot)
    if (index === -1) return // already replaced ('error' is followed by 'exit')
    slot.job?.done(error)
    this.slots[index] = this.startSlot()
    this.dispatch()
  }

  // #region dispatch
  // Give each idle thread the oldest waiting job. Called on every new job and every answer.
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job !== undefined) continue
      const job = this.queue.shift()
      if (job === undefined) break // nobody waiting
      slot.job = job
      slot.worker.postMessage(job.work)
    }
  }
  // #endregion dispatch
}

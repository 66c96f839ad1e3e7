// Sampling a server's `/__stats` several times a second while a run loads it, for the deck's live
// pictures of the runtime (components/RuntimeWatch.vue) and for their recordings.
//
// The bench's own poller (server-stats.ts) reads `/__stats` every 250 ms on a fresh connection;
// that is enough for memory and loop delay, too coarse for a run queue that fills and drains many
// times a second. The sampler asks every `intervalMs` (100 ms: 10 a second, so the audience's
// picture moves at least 5 times a second even when an answer is late), and keeps the cost down:
// - one request at a time: while an answer is late (a server busy hashing), ticks are skipped, not
//   queued, and counted in `skipped` (step 6 allows four, each on a connection of its own: `inFlight`);
// - keep-alive connections, so a sample costs the server one small request and no accept;
// - the answer is reduced to the picture's few numbers here, in the dev server, and only those go
//   to the windows (watch.ts).
// What it costs the server under load is measured: `npm run bench:counters` runs `hello` with and
// without a sampler beside it.
//
// Peaks. A step's "peak since the last read" figures restart at every read, whoever reads
// (examples/04-poller/counters.ts). The bench's poller reads the same server, so between two of
// our samples it may take part of a peak. `noteOtherRead` hands us each of its answers; a sample
// merges the peaks of the other reads that fell between it and our previous one (by their
// `statsReads` number), and says whether it saw every read in between (`whole`): false when a read
// we never saw (a curl, a late answer) took part of the span, so its peaks are a lower bound.

import { Agent, get } from 'node:http'

export interface SamplerOptions {
  intervalMs: number
  /** `/__stats` fields that are peaks since the last read: merged from other readers' answers. */
  peaks: readonly string[]
  /**
   * How many requests may be out at once, each on a keep-alive connection of its own (default 1).
   * Step 6 answers `/__stats` from the worker that holds the connection, and a worker hashing a
   * /cpu task answers only when the hash ends: with more than one, a tick that finds a request
   * still waiting on a busy worker sends another on another connection, which the acceptor gave to
   * another worker (in turn) when it was opened. Still at most one request per tick: this bounds
   * how many wait, not how many are sent. (Not a new connection per request: a worker busy
   * hashing would make it wait twice, once to be handed the socket, once to read the request.)
   */
  inFlight?: number
  timeoutMs?: number
  onSample(body: Record<string, unknown>, at: number, whole: boolean): void
}

export class Sampler {
  /**
   * Answers used; ticks skipped because requests were still out; requests that failed; answers
   * dropped because they came within half an interval of the one before.
   */
  samples = 0
  skipped = 0
  failed = 0
  dropped = 0
  private readonly agent: Agent
  private timer: NodeJS.Timeout | undefined
  private readonly pending = new Set<Promise<void>>()
  private stopped = false
  /** Our last read's number (`statsReads`), and other readers' answers since. */
  private lastSeq: number | null = null
  private lastAt = Number.NEGATIVE_INFINITY
  private others: Record<string, unknown>[] = []
  private readonly origin: string
  private readonly options: SamplerOptions

  constructor(origin: string, options: SamplerOptions) {
    this.origin = origin
    this.options = options
    this.agent = new Agent({ keepAlive: true, maxSockets: options.inFlight ?? 1 })
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.pending.size >= (this.options.inFlight ?? 1)) {
        this.skipped++
        return
      }
      const request: Promise<void> = this.sample().finally(() => this.pending.delete(request))
      this.pending.add(request)
    }, this.options.intervalMs)
  }

  /** An answer someone else (the bench's poller) got from the same server. */
  noteOtherRead(body: Record<string, unknown>): void {
    if (this.options.peaks.length > 0) this.others.push(body)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await Promise.all(this.pending)
    this.agent.destroy()
  }

  private async sample(): Promise<void> {
    const body = await this.fetch()
    if (this.stopped) return
    if (body === null) {
      this.failed++
      return
    }
    // The server reads its figures when it answers: the answer's arrival is the sample's time.
    const at = performance.now()
    // Two answers a moment apart (two requests that waited on busy workers, released together)
    // show the same moment twice: keep the first.
    if (at - this.lastAt < this.options.intervalMs / 2) {
      this.dropped++
      return
    }
    this.lastAt = at
    const whole = this.mergePeaks(body)
    this.samples++
    this.options.onSample(body, at, whole)
  }

  /** Folds in the peaks other readers took since our last read; true when none of them is missing. */
  private mergePeaks(body: Record<string, unknown>): boolean {
    const seq = typeof body.statsReads === 'number' ? body.statsReads : null
    if (seq === null || this.options.peaks.length === 0) return true
    const last = this.lastSeq
    this.lastSeq = seq
    const between = this.others.filter((o) => typeof o.statsReads === 'number' && o.statsReads < seq)
    this.others = this.others.filter((o) => !between.includes(o))
    const mine = between.filter((o) => last === null || (o.statsReads as number) > last)
    for (const key of this.options.peaks) {
      for (const other of mine) {
        const theirs = other[key]
        const ours = body[key]
        if (typeof theirs === 'number' && typeof ours === 'number' && theirs > ours) body[key] = theirs
      }
    }
    return last === null || seq - last - 1 === mine.length
  }

  private fetch(): Promise<Record<string, unknown> | null> {
    const timeoutMs = this.options.timeoutMs ?? 1000
    return new Promise((resolve) => {
      const req = get(`${this.origin}/__stats`, { agent: this.agent, timeout: timeoutMs }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          try {
            const parsed: unknown = JSON.parse(text)
            resolve(res.statusCode === 200 && isObject(parsed) ? parsed : null)
          } catch {
            resolve(null)
          }
        })
        res.on('error', () => resolve(null))
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolve(null))
    })
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

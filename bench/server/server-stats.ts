// Polling the server's own view of itself, `GET /__stats`, while the load runs: memory, event-loop
// delay, connections, and the counters a step adds (threads spawned, CPU cap, ...).
//
// One poll at a time, each on a fresh connection with a short timeout: a blocked server (step 1
// sleeping, step 3 hashing, step 2 starting a thousand Workers) cannot answer, and a missed poll is
// counted rather than queued. Peak RSS is therefore the peak *seen* every 250 ms, as
// docs/benchmarks.md says; when the bench started the server (Linux), the poller also reads its
// RSS and its number of threads from /proc at each tick, answer or not, so a server too busy to
// answer still has its memory measured.
//
// Each poll is one plain GET (`fetchText`, load/one-get.ts).

import { fetchText } from '../load/one-get.ts'

export type StatsBody = Record<string, unknown>

/** `/__stats` as an object, or null when the server does not answer with JSON in time. */
export async function fetchStats(origin: string, timeoutMs: number): Promise<StatsBody | null> {
  try {
    const { status, body } = await fetchText(`${origin}/__stats`, timeoutMs)
    if (status !== 200) return null
    const parsed: unknown = JSON.parse(body)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as StatsBody) : null
  } catch {
    return null
  }
}

export class StatsPoller {
  /** The first answer (on the idle server, before the load): the baseline of its counters. */
  first: StatsBody | null = null
  latest: StatsBody | null = null
  peakRss: number | null = null
  recentLoopDelayP99Max: number | null = null
  polls = 0
  missed = 0
  /** Called with every answer, as sent (RunHooks.onStats). */
  onStats: ((body: StatsBody) => void) | null = null
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | null = null
  private stopped = false

  /** The most threads the server process had at a tick (/proc), when the bench started it. */
  peakThreads: number | null = null
  /** The server's RSS and threads read from outside (/proc), when the bench started it. */
  fromOutside: (() => { rssBytes: number; threads: number } | null) | null = null

  constructor(
    private readonly origin: string,
    private readonly intervalMs = 250,
    private readonly timeoutMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const outside = this.fromOutside?.() ?? null
      if (outside !== null) {
        this.notePeak(outside.rssBytes)
        this.peakThreads = Math.max(this.peakThreads ?? 0, outside.threads)
      }
      if (this.inFlight === null) this.inFlight = this.poll().finally(() => (this.inFlight = null))
    }, this.intervalMs)
  }

  private notePeak(rss: number | null): void {
    if (rss !== null) this.peakRss = Math.max(this.peakRss ?? 0, rss)
  }

  /** Stops polling and waits for a poll still under way. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.inFlight
  }

  /** One more poll, e.g. after the load, for the final counters. */
  async poll(timeoutMs = this.timeoutMs): Promise<void> {
    const stats = await fetchStats(this.origin, timeoutMs)
    if (stats === null) {
      if (!this.stopped) this.missed++
      return
    }
    this.polls++
    this.first ??= stats
    this.latest = stats
    this.onStats?.(stats)
    this.notePeak(numberField(stats, 'rss'))
    const recent = numberField(objectField(stats, 'recent'), 'eventLoopDelayP99Ms')
    if (recent !== null) this.recentLoopDelayP99Max = Math.max(this.recentLoopDelayP99Max ?? 0, recent)
  }
}

export function numberField(body: StatsBody | null, key: string): number | null {
  const value = body?.[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export function objectField(body: StatsBody | null, key: string): StatsBody | null {
  const value = body?.[key]
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as StatsBody) : null
}

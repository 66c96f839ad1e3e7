// The runtime's counters: what `/__stats` says about the executor, the reactor and the timers, so
// the bench and the deck can watch the runtime work while it serves.
//
// Two kinds of figure, and only one of them is counted:
// - events (a pass over the run queue, a task polled, a budget yield, a wake, a poll, the readiness
//   it returned, a timer fired) are counted here, each by one method the runtime calls where the
//   event happens: a field incremented, never a string, a clock read or an allocation;
// - states (the run queue's length, timers in the heap, sources registered, tasks waiting on
//   readiness, live tasks) are not counted at all: runtime.ts looks at its own structures when
//   someone asks (`Runtime.stats`), so they cost nothing between two reads.
//
// Peaks "since the last read". Two figures are the most something reached since the previous
// `/__stats` answer: the run queue's length (`runQueuePeak`) and the readiness events one poll
// returned (`readinessEventsPeak`). A read reports them and starts them again from zero. The run
// queue only grows between passes (wakes append to it) and is emptied at the start of each pass,
// so its longest moment is its length when a pass takes it: that is where it is measured, once a
// pass, not at every wake. The server has no idea who reads, so with two readers (the deck's
// sampler and the bench's own poller, or a test and a curl) each read ends the span of both: each
// reader sees the peak since the last read by *anyone*. Every moment's peak is reported exactly
// once, to whoever reads next; the largest of all readers' figures over a span is that span's
// peak, and one reader alone sees a lower bound. `statsReads` (the reads so far, this one
// included) lets a reader tell: if it went up by more than one since its own last read, someone
// read in between. The deck's sampler reads the bench poller's answers too and merges them
// (bench/watch/sampler.ts), so its peaks are whole.
//
// Do they cost anything? Measured rather than assumed: `--no-counters` hands the runtime
// NO_COUNTERS, the same methods doing nothing (V8 inlines an empty method away: a call site sees
// one class in a process), and `npm run bench:counters` runs `hello` against both, alternating.

export class RuntimeCounters {
  /** Passes over the run queue (executor.ts: `runReadyTasks`). */
  passes = 0
  /** Task polls, in all passes: taskPolls ÷ passes is tasks polled per pass. */
  taskPolls = 0
  /** Polls that ended because the task spent its budget (future.ts). */
  budgetYields = 0
  /** Wakes that put a task on the run queue (a second wake before its poll changes nothing). */
  wakes = 0
  /** Polls for readiness (each one a trip through Node's loop, poller.ts). */
  polls = 0
  /** Readiness events the polls returned: readinessEvents ÷ polls is events per poll. */
  readinessEvents = 0
  /** Timers whose deadline passed. */
  timersFired = 0
  /** How many tasks the latest pass took (the pass under way, when /__stats asks from inside one). */
  lastPass = 0
  /** The longest the run queue has been since the last read. */
  runQueuePeak = 0
  /** The most events one poll returned since the last read. */
  readinessEventsPeak = 0
  /** Whether these are counting (false for NO_COUNTERS). */
  readonly counting: boolean = true

  passStarted(queued: number): void {
    this.passes++
    this.lastPass = queued
    if (queued > this.runQueuePeak) this.runQueuePeak = queued
  }

  taskPolled(): void {
    this.taskPolls++
  }

  budgetYield(): void {
    this.budgetYields++
  }

  wake(): void {
    this.wakes++
  }

  pollStarted(): void {
    this.polls++
  }

  pollReturned(events: number): void {
    this.readinessEvents += events
    if (events > this.readinessEventsPeak) this.readinessEventsPeak = events
  }

  timerFired(): void {
    this.timersFired++
  }

  /** The counters for `/__stats`; the peaks start again. `queuedNow` is the run queue at this moment. */
  read(queuedNow: number): Record<string, number> {
    const figures = {
      passes: this.passes,
      taskPolls: this.taskPolls,
      budgetYields: this.budgetYields,
      wakes: this.wakes,
      polls: this.polls,
      readinessEvents: this.readinessEvents,
      timersFired: this.timersFired,
      lastPass: this.lastPass,
      runQueuePeak: this.counting ? Math.max(this.runQueuePeak, queuedNow) : 0,
      readinessEventsPeak: this.readinessEventsPeak,
    }
    this.runQueuePeak = 0
    this.readinessEventsPeak = 0
    return figures
  }
}

/** The same methods, doing nothing: the runtime without counters, to measure what they cost. */
class NoCounters extends RuntimeCounters {
  override readonly counting = false
  override passStarted(): void {}
  override taskPolled(): void {}
  override budgetYield(): void {}
  override wake(): void {}
  override pollStarted(): void {}
  override pollReturned(): void {}
  override timerFired(): void {}
}

export const NO_COUNTERS: RuntimeCounters = new NoCounters()

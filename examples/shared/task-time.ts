// How long a CPU task takes, in two figures with two names, because they answer two questions.
//
// - `meanMs`: what the tasks took so far, on average: the sum of their times over their count,
//   which is what `/__stats` reports (a mean is what a reader of "average" expects).
// - `estimateMs`: what the next task will likely take, for a 503's Retry-After: an exponentially
//   weighted moving average, each new task weighing 1/16, so it follows the recent pace when the
//   tasks change. It starts at the first task's time, not at 0: an average seeded with 0 would
//   read 61 ms after a single one-second task (1000/16 + 0·15/16).

/** Each new task's weight in `estimateMs`. */
const WEIGHT = 1 / 16

export class TaskTimes {
  count = 0
  private totalMs = 0
  /** The moving estimate of the next task's time, in ms; 0 before the first task. */
  estimateMs = 0

  record(ms: number): void {
    this.count++
    this.totalMs += ms
    this.estimateMs = this.count === 1 ? ms : this.estimateMs + (ms - this.estimateMs) * WEIGHT
  }

  /** The mean time of the tasks recorded so far, in ms; 0 before the first task. */
  get meanMs(): number {
    return this.count === 0 ? 0 : this.totalMs / this.count
  }
}

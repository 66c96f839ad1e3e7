// The scheduling race's two clocks, as a Vue composable (SchedulingRace.vue):
// - the replay clock: 0 → the race's end in real time once the slide is on screen, then ∞ (the
//   finished race); never in print, and not while a live race or a given `at` drives the picture;
// - the live clock: a running heat's last report, moved on smoothly by the time since (at most a
//   report's gap), so its bars grow between two reports.

import { useIsSlideActive, useNav } from '@slidev/client'
import { type ComputedRef, onUnmounted, ref, watch } from 'vue'
import type { LiveHeat } from '../../bench/live/demos.ts'

export function useRaceClock(opts: {
  /** When the replay ends (ms). */
  end: ComputedRef<number>
  /** Replay only when this holds (no live race, no `at` given). */
  mayReplay: () => boolean
  /** The running live heat's clock, if any: each change restarts the smooth tick. */
  runningAt: () => number | undefined
}) {
  const { isPrintMode } = useNav()
  const active = useIsSlideActive()
  const replayT = ref(Number.POSITIVE_INFINITY)
  let frame = 0

  function replay(): void {
    if (!opts.mayReplay() || isPrintMode.value) return
    if (typeof requestAnimationFrame !== 'function') return
    cancelAnimationFrame(frame)
    const startedAt = performance.now()
    const tick = () => {
      const now = performance.now() - startedAt
      replayT.value = now >= opts.end.value ? Number.POSITIVE_INFINITY : now
      if (now < opts.end.value) frame = requestAnimationFrame(tick)
    }
    replayT.value = 0
    frame = requestAnimationFrame(tick)
  }
  watch(
    active,
    (on) => {
      if (on) replay()
      else {
        if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame)
        replayT.value = Number.POSITIVE_INFINITY
      }
    },
    { immediate: true },
  )

  /** When the running heat's clock last moved, in this window's time. */
  const liveTick = ref(0)
  const heard = { at: -1, when: 0 }
  let liveFrame = 0
  watch(opts.runningAt, (at) => {
    if (at === undefined) return
    heard.at = at
    heard.when = performance.now()
    if (liveFrame === 0 && typeof requestAnimationFrame === 'function') {
      const tick = () => {
        liveTick.value = performance.now()
        liveFrame = opts.runningAt() !== undefined ? requestAnimationFrame(tick) : 0
      }
      liveFrame = requestAnimationFrame(tick)
    }
  })
  /** A live heat's clock: done, its makespan; running, its last report moved on by the time since. */
  function liveClock(heat: LiveHeat): number {
    if (heat.status === 'done') return heat.makespanMs ?? heat.at
    if (heat.status !== 'running' || heat.at !== heard.at) return heat.at
    return heat.at + Math.min(250, Math.max(0, liveTick.value - heard.when))
  }

  onUnmounted(() => {
    if (typeof cancelAnimationFrame === 'function') {
      cancelAnimationFrame(frame)
      cancelAnimationFrame(liveFrame)
    }
  })
  return { replayT, replay, liveClock }
}

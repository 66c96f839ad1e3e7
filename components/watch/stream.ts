// The stream of samples a runtime picture draws, live or replayed: one code path for both.
//
// A picture draws one sample (and the one before it, for rates). Which one:
// - live: the newest sample of the live run, as the plugin streams them (10 a second) to every window;
// - replayed (the static build, Shift+L, no live run yet): the recording's samples, each shown at
//   the time it was taken, from the moment the slide is on screen, so the replay runs at the speed
//   the run ran; it then holds the last frame (a click replays it);
// - printed, exported, or not on screen (preloaded, overview): one fixed frame, the recording's
//   representative one (halfway through the load), so a PDF page is always the same picture.

import { useIsSlideActive, useNav } from '@slidev/client'
import { computed, onUnmounted, ref, watch, type ComputedRef } from 'vue'
import type { RuntimeSample } from '../../bench/watch/watch.ts'

export interface StreamSource {
  samples: readonly RuntimeSample[]
  /** Live: the newest sample is the frame. Otherwise a replay on a timer. */
  live: boolean
  /** The frame a still picture shows (print mode, off screen). */
  representative: number
}

export interface SampleStream {
  /** Index into the source's samples; -1 before the first. */
  frame: ComputedRef<number>
  sample: ComputedRef<RuntimeSample | null>
  previous: ComputedRef<RuntimeSample | null>
  /** `live`, `replay` (moving), `still` (one fixed frame). */
  mode: ComputedRef<'live' | 'replay' | 'still'>
  replay(): void
}

export function useSampleStream(source: ComputedRef<StreamSource>): SampleStream {
  const { isPrintMode } = useNav()
  const active = useIsSlideActive()
  /** The replay's frame; null when no replay is under way (a still picture). */
  const replayed = ref<number | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined

  const stop = () => {
    clearTimeout(timer)
    timer = undefined
  }
  const step = (i: number) => {
    const samples = source.value.samples
    replayed.value = i
    const next = samples[i + 1]
    if (next === undefined) return // hold the last frame
    timer = setTimeout(() => step(i + 1), Math.max(0, (next.t - samples[i]!.t) * 1000))
  }
  function replay(): void {
    stop()
    if (source.value.live || isPrintMode.value || source.value.samples.length === 0) return
    step(0)
  }

  watch(
    () => [active.value, source.value.live, source.value.samples] as const,
    ([on, live]) => {
      stop()
      replayed.value = null
      if (on && !live) replay()
    },
    { immediate: true },
  )
  onUnmounted(stop)

  const mode = computed(() =>
    source.value.live ? 'live' : replayed.value !== null && !isPrintMode.value ? 'replay' : 'still',
  )
  const frame = computed(() => {
    const { samples, live, representative } = source.value
    if (live) return samples.length - 1
    if (mode.value === 'replay') return replayed.value!
    return representative
  })
  const sample = computed(() => source.value.samples[frame.value] ?? null)
  const previous = computed(() => (frame.value > 0 ? (source.value.samples[frame.value - 1] ?? null) : null))
  return { frame, sample, previous, mode, replay }
}

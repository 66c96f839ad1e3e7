// When a bench component may show live results, and when it may offer to start a run.
//
// Slidev renders a slide in several places at once: the audience window (`slide`), the
// presenter's current slide (`presenter`) and its next-slide preview (`previewNext`), the
// overview, and every slide at once when printing or exporting; it also mounts neighbouring slides
// early. So nothing starts on mount, and the run button exists only where all of these hold:
// - the presenter's view of its current slide (render context `presenter`), not a preview;
// - the slide is the active one;
// - not print or export mode;
// - a dev server with the live-bench plugin is there, and the mode is `live`.
// Live results are shown in every window of the dev server (that is the audience's mirror), never
// when printing, and never in the static build, which has no dev server.

import { useIsSlideActive, useNav, useSlideContext } from '@slidev/client'
import { computed, type ComputedRef } from 'vue'
import { type BenchChannel, quietChannel, useBenchChannel } from './channel.ts'

export interface BenchGate {
  channel: BenchChannel
  /** Show the last live run where there is one (else the recorded result). */
  showLive: ComputedRef<boolean>
  /** Offer the run and stop buttons. */
  canControl: ComputedRef<boolean>
}

export function useBenchGate(): BenchGate {
  const { $renderContext } = useSlideContext()
  const active = useIsSlideActive()
  const { isPrintMode } = useNav()
  const printing = isPrintMode.value
  // A printed page never listens: it shows bench/results/ and sends nothing.
  const channel = printing ? quietChannel() : useBenchChannel()
  const showLive = computed(() => !isPrintMode.value && channel.available && channel.mode === 'live')
  const canControl = computed(
    () => showLive.value && channel.synced && $renderContext.value === 'presenter' && active.value,
  )
  return { channel, showLive, canControl }
}

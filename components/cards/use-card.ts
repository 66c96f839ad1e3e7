// The live-or-recorded wiring every bench card shares, as a Vue composable: the gate (gate.ts) says
// whether this window shows live runs and offers the run button; the card names the run it would
// start; this returns that run (in progress, else the last one finished; null: show the recording)
// and the button's props. What a card makes of the run is plain code beside it (the rows modules).

import { computed, type ComputedRef } from 'vue'
import type { RunView } from '../../bench/live/messages.ts'
import type { BenchChannel } from './channel.ts'
import { useBenchGate } from './gate.ts'
import { liveRun, type RunAsk } from './live-runs.ts'

export interface Control {
  channel: BenchChannel
  ask: RunAsk
  label: string
}

export interface LiveCard {
  channel: BenchChannel
  showLive: ComputedRef<boolean>
  /** The live run this card shows, or null (then it shows the recorded result). */
  run: ComputedRef<RunView | null>
  /** The run button, where the gate allows one. */
  controls: ComputedRef<Control | null>
}

/** `ask`: the run the card's button starts and whose result it shows; null for a recorded-only card. */
export function useLiveCard(ask: () => RunAsk | null, label: () => string): LiveCard {
  const { channel, showLive, canControl } = useBenchGate()
  const run = computed(() => {
    const a = ask()
    return showLive.value && a !== null ? liveRun(channel, a) : null
  })
  const controls = computed(() => {
    const a = ask()
    return canControl.value && a !== null ? { channel, ask: a, label: label() } : null
  })
  return { channel, showLive, run, controls }
}

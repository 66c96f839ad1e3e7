// Slidev's keyboard shortcuts, plus one: Shift+L switches every bench component, in every window,
// between the last live run and the recorded results in bench/results/ — for a stage where the
// laptop misbehaves mid-talk. (A plain letter could come from a presentation remote: many send
// "b" or "." to blank the screen.) Under the static build there is nothing live and it does nothing.
import { defineShortcutsSetup, type NavOperations, type ShortcutOptions } from '@slidev/types'
import { toggleBenchMode } from '../components/cards/channel.ts'

export default defineShortcutsSetup((_nav: NavOperations, base: ShortcutOptions[]) => [
  ...base,
  { name: 'bench_live_or_recorded', key: 'shift+l', fn: toggleBenchMode },
])

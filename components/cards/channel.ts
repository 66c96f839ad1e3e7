/// <reference types="vite/client" />
// This window's end of the live bench (bench/live/messages.ts): one per window, shared by every
// bench component on every slide.
//
// It listens on Vite's HMR WebSocket (`import.meta.hot`), which exists only under the dev server:
// in the static build and the PDF there is no channel, `available` stays false and the components
// show bench/results/. It says hello when it starts and after every reconnection, so a window that
// opens in the middle of a run gets the run so far, then follows it update by update with the same
// reducer the plugin uses.
//
// Starting the channel sends no run: runs start only from `run()`, which only the presenter's
// button calls (see gate.ts).

import { reactive } from 'vue'
import {
  applyUpdate,
  EVENTS,
  runTarget,
  type BenchMode,
  type BenchSnapshot,
  type BenchUpdate,
  type RunReply,
  type RunView,
} from '../../bench/live/messages.ts'
import type { RunAsk } from './live-runs.ts'

export interface BenchChannel {
  /** A dev server with the live-bench plugin is there (false in the static build and the PDF). */
  available: boolean
  /** The plugin has sent its state since the WebSocket last (re)connected. */
  synced: boolean
  mode: BenchMode
  current: RunView | null
  finished: RunView[]
  /** The plugin's answer to this window's last request. */
  lastReply: RunReply | null
  capS: number
}

/** What a window knows before it hears from a dev server, and forever without one: recorded results only. */
export function quietChannel(): BenchChannel {
  return { available: false, synced: false, mode: 'recorded', current: null, finished: [], lastReply: null, capS: 10 }
}

const channel = reactive<BenchChannel>(quietChannel())

let started = false
let requests = 0
const pending = new Map<string, (reply: RunReply) => void>()

/** The channel, started on first use (a listener and a hello: it starts no run). */
export function useBenchChannel(): BenchChannel {
  if (!started) start()
  return channel
}

function start(): void {
  started = true
  const hot = import.meta.hot
  if (!hot) return // static build: recorded results only
  channel.available = true
  channel.mode = 'live'
  hot.on(EVENTS.state, (snapshot: BenchSnapshot) => {
    channel.mode = snapshot.mode
    channel.current = snapshot.current
    channel.finished = snapshot.finished
    channel.capS = snapshot.capS
    channel.synced = true
  })
  hot.on(EVENTS.update, (update: BenchUpdate) => follow(update))
  hot.on(EVENTS.mode, ({ mode }: { mode: BenchMode }) => {
    channel.mode = mode
  })
  hot.on(EVENTS.reply, (reply: RunReply) => {
    channel.lastReply = reply
    pending.get(reply.requestId)?.(reply)
    pending.delete(reply.requestId)
  })
  hot.on('vite:ws:disconnect', () => {
    channel.synced = false
  })
  hot.on('vite:ws:connect', () => hot.send(EVENTS.hello, {}))
  hot.send(EVENTS.hello, {})
}

/** Apply one update; anything that does not fit what this window knows means "ask again". */
function follow(update: BenchUpdate): void {
  if (update.type === 'started') {
    channel.current = update.run
    return
  }
  const run = channel.current
  if (run === null || !applyUpdate(run, update)) {
    import.meta.hot?.send(EVENTS.hello, {})
    return
  }
  if (update.type === 'finished') {
    channel.finished = [run, ...channel.finished.filter((r) => runTarget(r) !== runTarget(run))]
    channel.current = null
  }
}

/** Ask for a run; resolves with the plugin's answer (or a refusal of our own if none comes). */
export function requestRun(request: RunAsk): Promise<RunReply> {
  return ask(EVENTS.run, request)
}

export function requestStop(runId: string): Promise<RunReply> {
  return ask(EVENTS.stop, { runId })
}

function ask(event: string, data: object): Promise<RunReply> {
  const hot = import.meta.hot
  const requestId = `${Date.now().toString(36)}-${++requests}`
  if (!hot)
    return Promise.resolve({
      requestId,
      ok: false,
      runId: null,
      reason: 'refused',
      message: 'no dev server: live runs need `slidev` (npm run dev)',
    })
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(requestId)
      resolve({ requestId, ok: false, runId: null, reason: 'refused', message: 'no answer from the dev server' })
    }, 5000)
    pending.set(requestId, (reply) => {
      clearTimeout(timer)
      resolve(reply)
    })
    hot.send(event, { requestId, ...data })
  })
}

/** The hotkey (setup/shortcuts.ts): every window switches between live and recorded results. */
export function toggleBenchMode(): void {
  useBenchChannel()
  if (!channel.available) return
  channel.mode = channel.mode === 'live' ? 'recorded' : 'live'
  import.meta.hot?.send(EVENTS.mode, { mode: channel.mode })
}

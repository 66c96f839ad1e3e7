// How long a deck takes to give, from the deck itself and the recordings: each slide's notes at
// 130 words a minute (a line starting `Sources:` is for the reader, not said aloud), plus the wall
// time of every live run the slide can start, read from that run's recording (`loadMs` of each
// bench result, `run.loadMs` of a runtime watch, the heats' makespans of the scheduling race, the
// legs of a load-curve sweep). test/unit/talk-length.test.ts holds the talk to its slot with it,
// and `npm run present` prints the list of runs a presenter can start.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../bench/repo-root.ts'
import type { DeckSlide } from '../test/helpers/deck.ts'

export const WORDS_PER_MINUTE = 130

/** One live run a slide can start: what it runs, and how long its recording took. */
export interface LiveRun {
  /** The component's tag as written on the slide, e.g. `<LiveBench step="1" scenario="drill" />`. */
  tag: string
  /** "drill: 1", "cpu-mix: 3, 5", "watch: cores". */
  what: string
  /** Wall time of the recorded run, in ms; null when no recording gives one (MicrotaskOrder). */
  ms: number | null
}

export interface SlideTime {
  slide: DeckSlide
  words: number
  speakMs: number
  runs: LiveRun[]
  /** Spoken time plus every run's recorded wall time. */
  ms: number
}

const json = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as unknown

interface BenchFile {
  results: { step: { id: string }; loadMs: number }[]
}
interface SweepFile {
  curves: { step: string; points: { durationS: number }[] }[]
}

/** The recorded wall time of `steps` under `scenario` (bench/results/<scenario>.json), in ms. */
function benchMs(scenario: string, steps: string[]): number {
  const file = json(`bench/results/${scenario}.json`) as BenchFile
  let total = 0
  for (const step of steps) {
    const result = file.results.find((r) => r.step.id === step)
    if (result === undefined) throw new Error(`bench/results/${scenario}.json has no step ${step}`)
    total += result.loadMs
  }
  return total
}

function sweepMs(steps: string[]): number {
  const file = json('bench/results/sweep-cpu.json') as SweepFile
  let total = 0
  for (const step of steps) {
    const curve = file.curves.find((c) => c.step === step)
    if (curve === undefined) throw new Error(`bench/results/sweep-cpu.json has no curve for step ${step}`)
    total += curve.points.reduce((sum, p) => sum + p.durationS * 1000, 0)
  }
  return total
}

/** `key="value"` and `:key="['a', 'b']"` of a component's attributes. */
function attribute(attrs: string, key: string): string | undefined {
  return new RegExp(`(?<![:\\w-])${key}="([^"]*)"`).exec(attrs)?.[1]
}
function list(attrs: string, key: string): string[] | undefined {
  const inner = new RegExp(`:${key}="\\[([^\\]]*)\\]"`).exec(attrs)?.[1]
  return inner === undefined ? undefined : [...inner.matchAll(/'([^']*)'/g)].map((m) => m[1]!)
}

/**
 * Every live run a slide can start, with its recorded duration. The defaults are the components'
 * own (components/*.vue): a run a tag does not spell out is the one its component starts.
 */
export function liveRuns(slide: DeckSlide): LiveRun[] {
  const runs: LiveRun[] = []
  const names = 'LiveBench|BenchCompare|LoopLag|WorkerShares|OverloadCompare|LoadCurve|RuntimeWatch|SchedulingRace'
  const tags = new RegExp(`<(${names}|MicrotaskOrder)\\b([^>]*?)\\/?>`, 'g')
  for (const m of slide.content.matchAll(tags)) {
    const [tag, name, attrs] = [m[0], m[1]!, m[2]!]
    const steps = list(attrs, 'steps')
    switch (name) {
      case 'LiveBench': {
        const scenario = attribute(attrs, 'scenario') ?? 'drill'
        const step = attribute(attrs, 'step')!
        runs.push({ tag, what: `${scenario}: ${step}`, ms: benchMs(scenario, [step]) })
        break
      }
      case 'BenchCompare': {
        if (/\brecorded-only\b/.test(attrs)) break
        const scenario = attribute(attrs, 'scenario') ?? 'drill'
        const s = steps ?? ['1', '2', '3', '4', '5']
        runs.push({ tag, what: `${scenario}: ${s.join(', ')}`, ms: benchMs(scenario, s) })
        break
      }
      case 'LoopLag': {
        const s = steps ?? ['3', '5']
        const scenarios = list(attrs, 'scenarios')
        if (scenarios !== undefined && scenarios.length > 0) {
          const ms = scenarios.reduce((sum, scenario) => sum + benchMs(scenario, [s[0]!]), 0)
          runs.push({ tag, what: `${scenarios.join(' then ')}: ${s[0]}`, ms })
        } else {
          const scenario = attribute(attrs, 'scenario') ?? 'cpu-mix'
          runs.push({ tag, what: `${scenario}: ${s.join(', ')}`, ms: benchMs(scenario, s) })
        }
        break
      }
      case 'WorkerShares': {
        const scenario = attribute(attrs, 'scenario') ?? 'busy-worker'
        const s = steps ?? ['6-kernel', '6', '6-least']
        runs.push({ tag, what: `${scenario}: ${s.join(', ')}`, ms: benchMs(scenario, s) })
        break
      }
      case 'OverloadCompare': {
        const scenario = attribute(attrs, 'scenario') ?? 'overload'
        const s = steps ?? ['2-pool', '5', '5-spare-core', 'piscina']
        runs.push({ tag, what: `${scenario}: ${s.join(', ')}`, ms: benchMs(scenario, s) })
        break
      }
      case 'LoadCurve': {
        const s = steps ?? ['1', '3', '5']
        runs.push({ tag, what: `load-curve sweep: ${s.join(', ')}`, ms: sweepMs(s) })
        break
      }
      case 'RuntimeWatch': {
        const picture = attribute(attrs, 'picture')!
        const file = json(`recordings/watch-${picture}.json`) as { run: { loadMs: number } }
        runs.push({ tag, what: `watch: ${picture}`, ms: file.run.loadMs })
        break
      }
      case 'SchedulingRace': {
        const file = json('recordings/scheduling.json') as { heats: { makespanMs: number }[] }
        runs.push({ tag, what: 'demo:scheduling', ms: file.heats.reduce((sum, h) => sum + h.makespanMs, 0) })
        break
      }
      case 'MicrotaskOrder':
        runs.push({ tag, what: `demo:microtasks (${attribute(attrs, 'context')})`, ms: null })
        break
    }
  }
  return runs
}

/** The words a presenter says on a slide: its notes, without `Sources:` lines and markup. */
export function spokenWords(slide: DeckSlide): number {
  const said = (slide.note ?? '')
    .split('\n')
    .filter((line) => !/^\s*Sources:/.test(line))
    .join(' ')
    .replace(/\[click(:\d+)?\]/g, ' ')
  return said.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
}

export function slideTime(slide: DeckSlide): SlideTime {
  const words = spokenWords(slide)
  const speakMs = (words / WORDS_PER_MINUTE) * 60_000
  const runs = liveRuns(slide)
  return { slide, words, speakMs, runs, ms: speakMs + runs.reduce((sum, r) => sum + (r.ms ?? 0), 0) }
}

/**
 * The words on screen outside code, diagrams and components, estimated from the markdown: a
 * static count for the report (the browser walk measures what is drawn).
 */
export function screenWords(slide: DeckSlide): number {
  const text = slide.content
    .replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, ' ') // fenced code and mermaid
    .replace(/^<<<.*$/gm, ' ') // snippet imports
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[A-Z][\s\S]*?\/>/g, ' ') // components render their own text
    .replace(/<[^>]+>/g, ' ')
    .replace(/^\s*\|?\s*-{3,}.*$/gm, ' ') // table rules
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
}

export const minutes = (ms: number) => ms / 60_000

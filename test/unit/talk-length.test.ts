// The two decks, timed and checked against their one source.
// - The talk (slides.md) fits its slot: at most 40 slides, at most three live runs, and at most 40
//   minutes of notes at 130 words a minute plus the recorded wall time of its live runs (five are
//   left for questions). scripts/talk-time.ts does the arithmetic; both decks' totals are printed.
// - The talk's section dividers say in their notes where the presenter should be ("by minute N"),
//   and N is what the same arithmetic gives, within a minute.
// - Both decks are cut from the chapters in slides/ by `src:` ranges, and the ranges follow the
//   chapters' tags: the workshop has every slide not tagged `deck: talk`, the talk exactly the
//   slides tagged `deck: talk` or `deck: both`; so a slide added to a chapter fails here until a
//   deck's range takes it.
// - Both decks teach the steps in order, 1 to 6, and each headmatter sets its `duration:`.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { before, describe, test } from 'node:test'
import { parse } from '@slidev/parser'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { minutes, screenWords, slideTime, type SlideTime } from '../../scripts/talk-time.ts'
import { DECKS, loadDeck, type DeckName, type DeckSlide } from '../helpers/deck.ts'

const TALK_MINUTES = 40
const TALK_SLIDES = 40
const TALK_LIVE_RUNS = 3

const decks = {} as Record<DeckName, DeckSlide[]>
const times = {} as Record<DeckName, SlideTime[]>

before(async () => {
  for (const name of ['talk', 'workshop'] as const) {
    decks[name] = await loadDeck(name)
    times[name] = decks[name].map(slideTime)
  }
})

const total = (ts: SlideTime[]) => ts.reduce((sum, t) => sum + t.ms, 0)
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

describe('the talk and the workshop, timed', () => {
  test('both decks: slides, click states, spoken minutes, live runs and words on screen (printed)', () => {
    for (const name of ['talk', 'workshop'] as const) {
      const ts = times[name]
      const speak = ts.reduce((sum, t) => sum + t.speakMs, 0)
      const runs = ts.flatMap((t) => t.runs)
      const untimed = runs.filter((r) => r.ms === null).length
      const clicks = decks[name].reduce((sum, s) => sum + 1 + clickCount(s), 0)
      const words = decks[name].map(screenWords)
      console.log(
        `${name}: ${ts.length} slides, ${clicks} click states, ${minutes(total(ts)).toFixed(1)} min ` +
          `(${minutes(speak).toFixed(1)} spoken, ${minutes(total(ts) - speak).toFixed(1)} of ${runs.length} live runs` +
          `${untimed ? `, ${untimed} with no recorded wall time` : ''}); ` +
          `words on screen (markdown estimate): median ${median(words)}, max ${Math.max(...words)}`,
      )
      assert.ok(ts.length > 0 && speak > 0)
    }
  })

  test(`the talk takes at most ${TALK_MINUTES} minutes, on at most ${TALK_SLIDES} slides`, () => {
    const ts = times.talk
    assert.ok(ts.length <= TALK_SLIDES, `the talk has ${ts.length} slides`)
    const took = minutes(total(ts))
    assert.ok(took <= TALK_MINUTES, `the talk takes ${took.toFixed(1)} min: cut notes or slides`)
  })

  test(`the talk starts at most ${TALK_LIVE_RUNS} live runs, each with a recorded wall time`, () => {
    const withRuns = times.talk.filter((t) => t.runs.length > 0)
    const described = withRuns.map(
      (t) => `slide ${t.slide.no}: ${t.runs.map((r) => `${r.what} (${((r.ms ?? 0) / 1000).toFixed(1)} s)`)}`,
    )
    console.log(`talk live runs:\n  ${described.join('\n  ')}`)
    assert.ok(withRuns.length <= TALK_LIVE_RUNS, described.join('; '))
    for (const t of withRuns) for (const r of t.runs) assert.ok(r.ms !== null && r.ms > 0, `${r.tag}: no wall time`)
  })

  test("the talk's dividers say where the presenter should be, as the timing gives it", () => {
    let elapsed = 0
    let checkpoints = 0
    const problems: string[] = []
    for (const t of times.talk) {
      const said = /by minute (\d+) you are here/.exec(t.slide.note ?? '')
      if (said) {
        checkpoints++
        const at = minutes(elapsed)
        if (Math.abs(Number(said[1]) - at) > 1)
          problems.push(`slide ${t.slide.no}: says minute ${said[1]}, the timing gives ${at.toFixed(1)}`)
      }
      elapsed += t.ms
    }
    assert.deepEqual(problems, [])
    const sections = new Set(decks.talk.map((s) => s.frontmatter.section).filter(Boolean))
    assert.equal(checkpoints, sections.size, 'one checkpoint per section')
  })

  test('each headmatter sets its duration; the workshop fits its own', () => {
    const duration = (name: DeckName) => {
      const head = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(REPO_ROOT, DECKS[name]), 'utf8'))?.[1] ?? ''
      return Number(/^duration:\s*(\d+)min\s*$/m.exec(head)?.[1])
    }
    assert.equal(duration('talk'), 45)
    assert.ok(duration('workshop') >= minutes(total(times.workshop)), 'the workshop runs past its duration')
  })
})

describe('the two decks, cut from one source', () => {
  test("each deck's ranges take exactly the chapter slides its tags give it", async () => {
    const dir = join(REPO_ROOT, 'slides')
    const problems: string[] = []
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      const path = join(dir, file)
      const chapter = await parse(readFileSync(path, 'utf8'), path)
      chapter.slides.forEach((slide, index) => {
        const tag = slide.frontmatter.deck as string | undefined
        if (tag !== undefined && tag !== 'talk' && tag !== 'both')
          problems.push(`${file}#${index + 1}: deck: ${tag} (talk or both, or no tag for the workshop only)`)
        const want = { talk: tag === 'talk' || tag === 'both', workshop: tag !== 'talk' }
        for (const name of ['talk', 'workshop'] as const) {
          const has = decks[name].some((s) => s.filepath === path && s.index === index)
          if (has !== want[name])
            problems.push(`${file}#${index + 1} (${slide.title ?? 'no title'}): ${has ? 'in' : 'not in'} the ${name}`)
        }
      })
    }
    assert.deepEqual(problems, [])
  })

  test('both decks teach the steps in order, 1 to 6, and the sections in order', () => {
    for (const name of ['talk', 'workshop'] as const) {
      const steps = decks[name]
        .map((s) => /^#\s+Step (\d)\b/m.exec(s.content)?.[1])
        .filter((x): x is string => x !== undefined)
      assert.deepEqual([...new Set(steps)], ['1', '2', '3', '4', '5', '6'], `${name}: the steps, in order`)
      const sections = decks[name].map((s) => s.frontmatter.section as string | undefined).filter(Boolean)
      const numbers = [...new Set(sections)].map((s) => Number(/^(\d+) ·/.exec(s!)?.[1]))
      assert.deepEqual(
        numbers,
        Array.from({ length: 11 }, (_, i) => i + 1),
        `${name}: sections 1 to 11`,
      )
    }
  })

  test('the talk opens on its cover and its promise, and ends on the closing slide', () => {
    const layouts = decks.talk.map((s) => s.frontmatter.layout)
    assert.deepEqual(layouts.slice(0, 2), ['cover', 'promise'])
    assert.equal(layouts.at(-1), 'closing')
    for (const name of ['talk', 'workshop'] as const) {
      const dividers = decks[name].filter((s) => s.frontmatter.layout === 'section').length
      assert.equal(dividers, 11, `${name}: a divider per section`)
    }
    assert.ok(relative(REPO_ROOT, decks.talk[0]!.filepath).startsWith('slides/'), 'the cover is a chapter slide')
  })
})

/**
 * Click states a slide adds, from its markdown: the steps of each code highlight (`{2-3|5|all}`),
 * the templates of a `<v-switch>` after the first, and each `v-click`.
 */
function clickCount(slide: DeckSlide): number {
  let clicks = 0
  for (const m of slide.content.matchAll(/\{([^}]*\|[^}]*)\}/g)) clicks += m[1]!.split('|').length - 1
  for (const m of slide.content.matchAll(/<v-switch>([\s\S]*?)<\/v-switch>/g))
    clicks += Math.max(0, (m[1]!.match(/<template #/g) ?? []).length - 1)
  clicks += (slide.content.match(/\bv-click\b/g) ?? []).length
  return clicks
}

// Both decks (the talk, slides.md, and the workshop, workshop.md), checked without a browser:
// everything a slide points at exists. Slide numbers in a failure are the workshop's, then the talk's.
// - every `<<<` snippet import names an existing file, and the `#region` it names is in that file;
// - every line highlight on an import (`{2-5|7|all}`) lands inside its region and on a line that
//   is not blank, counted the way Slidev counts them (test/helpers/snippets.ts);
// - every `#region` marker in examples/ and in the recorded text of recordings/ is imported by
//   some slide: a region nobody shows is noise in the code a learner reads;
// - every `npm run X` on a slide (or in its notes) is a script in package.json;
// - every `examples/...` path named on a slide exists;
// - every slide has presenter notes;
// - the recorded results a slide renders are there (demo:buffers, thread cost, the step-4 trace);
// - section 7's state diagram has exactly the states of the step-4 connection's `State` union.
// (The browser checks are in test/browser/, run by `npm run test:browser`.)

import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { before, describe, test } from 'node:test'
import { WATCHES } from '../../bench/watch/watch.ts'
import { checkRunRequest } from '../../bench/live/requests.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { CARD_DEFAULTS } from '../../components/cards/defaults.ts'
import { loadDeck, type DeckSlide } from '../helpers/deck.ts'
import {
  filesUnder,
  highlightProblems,
  parseSnippetImport,
  regionLines,
  regionMarkers,
  type SnippetImport,
} from '../helpers/snippets.ts'

const scripts = Object.keys(
  (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
)

/** Every `<<< @/path#region lang {lines}` on a slide: the file, the region and the highlights. */
function snippetImports(slide: DeckSlide): SnippetImport[] {
  const found: SnippetImport[] = []
  const resolvePath = (path: string) =>
    path.startsWith('@/') ? join(REPO_ROOT, path.slice(2)) : resolve(dirname(slide.filepath), path)
  for (const line of slide.content.split('\n')) {
    const parsed = /^\s*<<</.test(line) ? parseSnippetImport(line, resolvePath) : null
    if (parsed !== null) found.push(parsed)
  }
  return found
}

function everywhere(slide: DeckSlide): string {
  return `${slide.content}\n${slide.note ?? ''}`
}

describe('the deck (static checks)', () => {
  let slides: DeckSlide[]
  before(async () => {
    slides = [...(await loadDeck('workshop')), ...(await loadDeck('talk'))]
  })

  test('the deck parses, with its chapters, into a talk of some length', () => {
    assert.ok(slides.length >= 30, `only ${slides.length} slides`)
    assert.ok(new Set(slides.map((s) => s.filepath)).size > 1, 'the chapters in slides/*.md are pulled in')
  })

  test('every <<< snippet import resolves to a file and, if named, a region in it', () => {
    const problems: string[] = []
    let count = 0
    for (const slide of slides) {
      for (const { line, file, region } of snippetImports(slide)) {
        count++
        if (!existsSync(file)) {
          problems.push(`slide ${slide.no}: ${line}: no file ${file}`)
          continue
        }
        if (region === undefined) continue
        const text = readFileSync(file, 'utf8')
        // `// #region name` in code; `# #region name` in the recorded text files (Slidev reads both).
        const start = new RegExp(`^\\s*(//|#)\\s*#region\\s+${region}\\s*$`, 'm')
        const end = new RegExp(`^\\s*(//|#)\\s*#endregion\\s+${region}\\s*$`, 'm')
        if (!start.test(text) || !end.test(text))
          problems.push(
            `slide ${slide.no}: ${line}: no region '${region}' (// #region ${region} ... // #endregion ${region})`,
          )
      }
    }
    assert.deepEqual(problems, [])
    assert.ok(count >= 10, `only ${count} snippet imports: the steps show their real code`)
  })

  test('every line highlight on a snippet import lands inside its region, on a line that is not blank', () => {
    const problems: string[] = []
    let checked = 0
    for (const slide of slides) {
      for (const { line, file, region, highlights } of snippetImports(slide)) {
        if (highlights === undefined || !existsSync(file)) continue
        const text = readFileSync(file, 'utf8')
        const lines = region === undefined ? text.replace(/\n$/, '').split('\n') : regionLines(text, region)
        if (lines === null) continue // reported by the test above
        checked++
        for (const problem of highlightProblems(highlights, lines))
          problems.push(`slide ${slide.no}: ${line}: ${problem}`)
      }
    }
    assert.deepEqual(problems, [])
    assert.ok(checked >= 5, `only ${checked} highlighted imports checked`)
  })

  test('the highlight check itself catches a line outside the region, a blank line and a backwards range', () => {
    const source = ['// #region r', 'function f() {', '', '  return 1', '}', '// #endregion r', 'outside()'].join('\n')
    const lines = regionLines(source, 'r')
    assert.deepEqual(lines, ['function f() {', '', '  return 1', '}'])
    assert.deepEqual(highlightProblems('{1|3-4|all}', lines!), [])
    assert.equal(highlightProblems('{5}', lines!).length, 1, 'line 5 is past the end of the region')
    assert.equal(highlightProblems('{0-1}', lines!).length, 1, 'there is no line 0')
    assert.equal(highlightProblems('{2}', lines!).length, 1, 'line 2 is blank')
    assert.equal(highlightProblems('{1-2}', lines!).length, 1, 'a range that ends on a blank line')
    assert.equal(highlightProblems('{4-3}', lines!).length, 1, 'a range that runs backwards')
    // Nested region markers are not shown, and do not count as lines.
    const nested = [
      '  // #region outer',
      '  a()',
      '  // #region inner',
      '  b()',
      '  // #endregion inner',
      '  // #endregion outer',
    ]
    assert.deepEqual(regionLines(nested.join('\n'), 'outer'), ['a()', 'b()'])
  })

  test('every #region marker in examples/ and in the recorded text of recordings/ is imported by a slide', () => {
    const files = [
      ...filesUnder(join(REPO_ROOT, 'examples'), ['.ts', '.mjs', '.js']),
      ...filesUnder(join(REPO_ROOT, 'recordings'), ['.txt']),
    ]
    const markers = regionMarkers(REPO_ROOT, files)
    const imported = new Set<string>()
    for (const slide of slides)
      for (const { file, region } of snippetImports(slide))
        if (region) imported.add(`${relative(REPO_ROOT, file)}#${region}`)
    const unused = markers
      .filter((m) => !imported.has(`${m.file}#${m.region}`))
      .map((m) => `${m.file}:${m.line}: #region ${m.region}`)
    assert.deepEqual(unused, [], 'remove the markers, or show the region on a slide')
    const doubled = markers.filter((m, i) => markers.findIndex((o) => o.file === m.file && o.region === m.region) !== i)
    assert.deepEqual(doubled, [], 'a region name is used twice in one file: Slidev shows only the first')
    assert.ok(markers.length >= 10)
  })

  test('every `npm run X` named on a slide is a script in package.json', () => {
    const problems: string[] = []
    for (const slide of slides) {
      for (const m of everywhere(slide).matchAll(/npm run ([\w:.-]+)/g)) {
        const name = m[1]!.replace(/[.]+$/, '') // the end of a sentence
        // `step:N` stands for the steps: at least one `step:<number>` must exist.
        const known = name.endsWith(':N')
          ? scripts.some((s) => new RegExp(`^${name.slice(0, -1)}\\d+$`).test(s))
          : scripts.includes(name)
        if (!known) problems.push(`slide ${slide.no}: npm run ${name}`)
      }
    }
    assert.deepEqual(problems, [])
  })

  test('every examples/... path named on a slide exists', () => {
    const problems: string[] = []
    for (const slide of slides) {
      for (const m of everywhere(slide).matchAll(/(?<![@\w/])examples\/[\w.*/-]*/g)) {
        const path = m[0].replace(/[.]+$/, '')
        if (path.includes('*')) continue // a pattern such as examples/0N-*/, not a path
        if (!existsSync(join(REPO_ROOT, path))) problems.push(`slide ${slide.no}: ${path}`)
      }
    }
    assert.deepEqual(problems, [])
  })

  test('every slide has presenter notes', () => {
    const missing = slides.filter((s) => (s.note ?? '').trim().length < 40).map((s) => `slide ${s.no} (${s.title})`)
    assert.deepEqual(missing, [])
  })

  test('every step slide shows its commands and a diagram', () => {
    for (const step of ['1', '2', '3', '4', '5', '6']) {
      const heading = slides.find((s) => new RegExp(`^#\\s+Step ${step}\\b`, 'm').test(s.content))
      assert.ok(heading, `a slide titled "Step ${step} ..."`)
      const text = everywhere(heading)
      assert.match(text, new RegExp(`npm run step:${step}\\b`), `slide ${heading.no} names npm run step:${step}`)
      assert.match(
        text,
        new RegExp(`npm run bench -- --step ${step}\\b`),
        `slide ${heading.no} names the bench command`,
      )
      assert.match(heading.content, /```mermaid/, `slide ${heading.no} has a mermaid diagram`)
    }
  })

  test('every live bench component on a slide asks for a run the dev-server plugin accepts', () => {
    // <LiveBench step="1" scenario="drill" />, <BenchCompare scenario="drill" :steps="['2', '2-pool']" />,
    // <LoopLag :steps="['3', '5']" />, <WorkerShares scenario="churn" :steps="['3', '6']" />: the names a
    // presenter's click will send, checked as the plugin will.
    const defaults = CARD_DEFAULTS
    const problems: string[] = []
    let count = 0
    for (const slide of slides) {
      for (const m of slide.content.matchAll(/<(LiveBench|BenchCompare|LoopLag|WorkerShares)\b([^>]*)\/>/g)) {
        count++
        const [tag, name, attrs] = [m[0], m[1]!, m[2]!]
        if (/\brecorded-only\b/.test(attrs)) continue // no run button: nothing is sent
        const attr = (key: string) => new RegExp(`(?<![:\\w-])${key}="([^"]*)"`).exec(attrs)?.[1]
        const names = (key: string) => {
          const list = new RegExp(`:${key}="\\[([^\\]]*)\\]"`).exec(attrs)?.[1]
          return list === undefined ? undefined : [...list.matchAll(/'([^']*)'/g)].map((x) => x[1]!)
        }
        const steps = names('steps') ?? defaults[name]!.steps
        // <LoopLag :scenarios="[...]" :steps="['3']" />: one run per scenario, of the first step.
        const scenarios = names('scenarios') ?? [attr('scenario') ?? defaults[name]!.scenario]
        for (const scenario of scenarios) {
          const request =
            name === 'LiveBench'
              ? { requestId: 'deck', kind: 'single', scenario, step: attr('step') }
              : {
                  requestId: 'deck',
                  kind: 'compare',
                  scenario,
                  steps: names('scenarios') === undefined ? steps : steps?.slice(0, 1),
                }
          const checked = checkRunRequest(request)
          if (!checked.ok) problems.push(`slide ${slide.no}: ${tag}: ${checked.message}`)
        }
      }
    }
    // <RuntimeWatch picture="loop" />: a watched run of the step and load bench/watch/watch.ts names.
    const pictures = new Set<string>()
    for (const slide of slides) {
      for (const m of slide.content.matchAll(/<RuntimeWatch\b[^>]*\bpicture="([^"]*)"[^>]*\/>/g)) {
        const entry = WATCHES.find((w) => w.picture === m[1])
        if (entry === undefined) problems.push(`slide ${slide.no}: ${m[0]}: no such picture`)
        else {
          pictures.add(entry.picture)
          const checked = checkRunRequest({
            requestId: 'deck',
            kind: 'watch',
            scenario: entry.scenario,
            step: entry.step,
          })
          if (!checked.ok) problems.push(`slide ${slide.no}: ${m[0]}: ${checked.message}`)
        }
      }
    }
    // The demos run live from their slides: <SchedulingRace />, <MicrotaskOrder context="..." />.
    for (const [tag, demo] of [
      ['<SchedulingRace', 'scheduling'],
      ['<MicrotaskOrder', 'microtasks'],
    ] as const) {
      if (!slides.some((s) => s.content.includes(tag))) problems.push(`no slide has ${tag}`)
      const checked = checkRunRequest({ requestId: 'deck', kind: 'demo', demo })
      if (!checked.ok) problems.push(`${tag}: ${checked.message}`)
    }
    assert.deepEqual(problems, [])
    assert.ok(count >= 5, `only ${count} live bench components in the deck`)
    assert.deepEqual([...pictures].sort(), WATCHES.map((w) => w.picture).sort(), 'every picture is on a slide')
  })

  test('the state diagram of section 7 has exactly the states of the step-4 connection', () => {
    const source = readFileSync(join(REPO_ROOT, 'examples/04-poller/connection.ts'), 'utf8')
    const union = /\/\/ #region states\n([\s\S]*?)\/\/ #endregion states/.exec(source)
    assert.ok(union, 'connection.ts has its states region')
    const states = new Set([...union[1]!.matchAll(/name: '(\w+)'/g)].map((m) => m[1]!))
    assert.ok(states.size >= 4, `the State union names its states: ${[...states].join(', ')}`)
    const slide = slides.find((s) => s.content.includes('stateDiagram-v2'))
    assert.ok(slide, 'a slide draws the connection as a mermaid state diagram')
    const drawn = new Set<string>()
    for (const m of slide.content.matchAll(/^\s*(\[\*\]|\w+)\s*-->\s*(\[\*\]|\w+)/gm)) {
      for (const name of [m[1]!, m[2]!]) if (name !== '[*]') drawn.add(name)
    }
    assert.deepEqual([...drawn].sort(), [...states].sort())
  })

  test('the recorded step-4 trace is real --trace output, with a header and the parts the slides import', () => {
    const text = readFileSync(join(REPO_ROOT, 'recordings/step4-trace.txt'), 'utf8')
    const lines = text.trimEnd().split('\n')
    assert.equal(lines[0], '# schema: step4-trace/1')
    assert.match(text, /^# machine: .+ Node v\d+/m)
    assert.match(text, /^# command: npm run trace:record$/m)
    assert.match(text, /^# step 4 --trace: one GET \/\d+/m)
    for (const part of ['startup', 'accept', 'request', 'answer', 'close']) {
      assert.match(text, new RegExp(`^# #region ${part}\\n[\\s\\S]+?^# #endregion ${part}$`, 'm'), `part ${part}`)
    }
    // Every other line is a line the server printed: time, who, what.
    const other = lines.filter((l) => !l.startsWith('#') && !/^\s*\d+\.\d{3} {2}\S/.test(l))
    assert.deepEqual(other, [])
    for (const step of ['reading -> sleeping', 'sleeping -> writing', 'writing -> reading', 'closing -> closed'])
      assert.ok(text.includes(step), step)
    assert.ok(scripts.includes('trace:record'))
  })

  test('the recorded --read-once trace is real --trace output: a wait with bytes left, then only the deadline', () => {
    const text = readFileSync(join(REPO_ROOT, 'recordings/step4-read-once-trace.txt'), 'utf8')
    assert.match(text, /^# schema: step4-read-once-trace\/1$/m)
    assert.match(text, /^# machine: .+ Node v\d+/m)
    assert.match(text, /^# command: npm run trace:read-once$/m)
    assert.match(text, /^# step 4 --trace --read-once: /m)
    assert.match(text, /^#\s+the client got "HTTP\/1\.1 408 /m)
    for (const part of ['hang', 'deadline'])
      assert.match(text, new RegExp(`^# #region ${part}\\n[\\s\\S]+?^# #endregion ${part}$`, 'm'), `part ${part}`)
    const other = text
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('#') && !/^\s*\d+\.\d{3} {2}\S/.test(l))
    assert.deepEqual(other, [])
    const hang = regionLines(text, 'hang')!.join('\n')
    assert.match(hang, /\d+ bytes, \d+ left unread; waits \(--read-once\)/)
    assert.match(hang, /runtime\s+poll\(timeout \d/, 'the hang ends in a wait with a timeout: the header deadline')
    assert.match(regionLines(text, 'deadline')!.join('\n'), /reading -> writing: 408/)
    assert.ok(scripts.includes('trace:read-once'))
  })

  test('the recorded demo:microtasks run is what the demo prints, with its machine and the counted race', () => {
    const text = readFileSync(join(REPO_ROOT, 'recordings/demo-microtasks.txt'), 'utf8')
    assert.match(text, /^# schema: demo-microtasks\/1$/m)
    assert.match(text, /^# machine: .+ Node v\d+/m)
    assert.match(text, /^# command: npm run microtasks:record$/m)
    const io = regionLines(text, 'io')!
    assert.match(io[0]!, /^in an I\/O callback/)
    assert.deepEqual(
      io.slice(1).map((l) => /^\s*\d\. (\S+(?: 0)?)/.exec(l)?.[1]),
      ['process.nextTick', 'Promise.then', 'queueMicrotask', 'setImmediate', 'setTimeout 0'],
    )
    const main = regionLines(text, 'main')!
    assert.match(main[0]!, /^in the main module/)
    assert.equal(main.length, 6)
    assert.match(regionLines(text, 'race')!.join('\n'), /setTimeout 0 ran before setImmediate in \d+ of \d+/)
    assert.ok(scripts.includes('microtasks:record') && scripts.includes('demo:microtasks'))
  })

  test('the recorded thread cost the deck renders is there, measured on a named machine', () => {
    const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/thread-cost.json'), 'utf8')) as {
      schema: string
      command: string
      machine: { cpuModel: string; node: string }
      node: {
        sequential: { startMsAvg: number }
        burst: { spawned: number }
        live: { threads: number; rssPerThreadBytes: number }
      }
      native: { sequential: { startUsAvg: number }; live: { rssPerThreadBytes: number } } | { missing: string }
    }
    assert.equal(recorded.schema, 'thread-cost/1')
    assert.ok(recorded.machine.cpuModel && recorded.machine.node)
    assert.equal(recorded.command, 'npm run threads:record')
    assert.ok(scripts.includes('threads:record'))
    assert.ok(recorded.node.sequential.startMsAvg > 0 && recorded.node.live.rssPerThreadBytes > 0)
    assert.equal(recorded.node.burst.spawned, recorded.node.live.threads)
    if ('missing' in recorded.native) assert.ok(recorded.native.missing.length > 0)
    else assert.ok(recorded.native.sequential.startUsAvg > 0 && recorded.native.live.rssPerThreadBytes > 0)
    assert.ok(
      slides.some((s) => s.content.includes('<ThreadCost')),
      'a slide renders it',
    )
  })

  test('the recorded demo:buffers result the deck renders is there, measured on a named machine', () => {
    const recorded = JSON.parse(readFileSync(join(REPO_ROOT, 'recordings/demo-buffers.json'), 'utf8')) as {
      schema: string
      machine: { cpuModel: string; node: string }
      results: { strategy: string; perConnection: { arrayBuffersBytes: number } }[]
    }
    assert.equal(recorded.schema, 'demo-buffers/2')
    assert.ok(recorded.machine.cpuModel && recorded.machine.node)
    assert.deepEqual(
      recorded.results.map((r) => r.strategy),
      ['readiness', 'completion'],
    )
    assert.ok(
      slides.some((s) => s.content.includes('<BufferDemo')),
      'a slide renders it',
    )
  })
})

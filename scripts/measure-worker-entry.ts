// `npm run workers:measure`: what a worker thread's code costs to load, by how it is written and
// loaded. The steps start workers from `.mjs` files, and start the threads that run the shared
// TypeScript connection code (step 6's workers, step 2 `--own-socket`) with their types stripped
// once by the parent (examples/shared/thread-modules.ts); this is the measurement behind both
// choices (docs/decisions.md).
//
// Two small workers written into a temporary folder, once as `.mjs` + `.mjs` module and once as
// `.ts` + `.ts` module (type annotations, `import type`); and scripts/worker-entry-probe.ts, which
// imports the real examples/shared/connection.ts, loaded three ways: stripped by Node inside the
// thread, by the tsx loader inside the thread (the parent runs under `--import tsx` and the thread
// inherits it), and stripped once by the parent (`startThread`). For each, in a fresh `node`
// process: spawn workers one after another and time `new Worker` → first message, then keep as
// many alive and divide the RSS they add by their number. The kinds alternate, three rounds.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { readFlagsOrExit } from '../examples/shared/flags.ts'

const { workers: count } = readFlagsOrExit('workers:measure', {
  workers: { kind: 'int', default: 30, min: 5, max: 200, help: 'workers per kind and round' },
}).flags

const JS_MODULE = `export function answer(work) { return 'slept ' + work.ms + ' ms\\n' }\n`
const TS_MODULE = `export interface Work { kind: 'sleep'; ms: number }
export function answer(work: Work): string { return 'slept ' + work.ms + ' ms\\n' }\n`
const entry = (ext: string, typed: boolean) => `import { parentPort, workerData } from 'node:worker_threads'
import { answer${typed ? ', type Work' : ''} } from './work.${ext}'
const port = parentPort${typed ? '!' : ''}
if (workerData) port.postMessage(answer(workerData${typed ? ' as Work' : ''}))
else port.on('message', (work${typed ? ': Work' : ''}) => port.postMessage(answer(work)))
`

// The measuring program, run in a fresh process per kind and round, so one kind's freed memory
// cannot be reused by the next and flatter its RSS. `how`: plain (no loader in the thread), inherit
// (the thread inherits the parent's `--import tsx`), stripped (examples/shared/thread-modules.ts).
const MEASURE = `import { Worker } from 'node:worker_threads'
const [url, n] = [new URL(process.argv[2]), Number(process.argv[3])]
const [how, threadModules] = [process.argv[4], process.argv[5]]
const { startThread } = how === 'stripped' ? await import(threadModules) : {}
const data = { kind: 'sleep', ms: 0 }
const start = (workerData) =>
  how === 'stripped' ? startThread(url, workerData)
  : how === 'inherit' ? new Worker(url, { workerData })
  : new Worker(url, { workerData, execArgv: [] })
if (how === 'stripped') startThread(url, null).terminate() // strip once, before timing, as a server does at start-up
const times = []
for (let i = 0; i < n; i++) {
  const started = performance.now()
  const worker = start(data)
  await new Promise((resolve) => worker.once('message', resolve))
  times.push(performance.now() - started)
  await worker.terminate()
}
const before = process.memoryUsage().rss
const live = []
for (let i = 0; i < n; i++) {
  const worker = start(undefined)
  worker.postMessage(data)
  await new Promise((resolve) => worker.once('message', resolve))
  live.push(worker)
}
const mibPerWorker = (process.memoryUsage().rss - before) / n / 2 ** 20
await Promise.all(live.map((worker) => worker.terminate()))
times.sort((a, b) => a - b)
console.log(JSON.stringify({ spawnMs: times[n >> 1], mibPerWorker }))
`

// What Node's stripper costs a process that loads it: the RSS it adds, in a fresh process, after
// stripping connection.ts once (the alternative to stripping in a child process).
const STRIP_COST = `import { stripTypeScriptTypes } from 'node:module'
import { readFileSync } from 'node:fs'
const source = readFileSync(new URL(process.argv[2]), 'utf8')
const before = process.memoryUsage().rss
stripTypeScriptTypes(source)
console.log(JSON.stringify({ mib: (process.memoryUsage().rss - before) / 2 ** 20 }))
`

const REPO = fileURLToPath(new URL('..', import.meta.url))
const PROBE = new URL('./worker-entry-probe.ts', import.meta.url).href
const THREAD_MODULES = new URL('../examples/shared/thread-modules.ts', import.meta.url).href

const dir = mkdtempSync(join(tmpdir(), 'worker-entry-'))
try {
  writeFileSync(join(dir, 'measure.mjs'), MEASURE)
  writeFileSync(join(dir, 'strip-cost.mjs'), STRIP_COST)
  writeFileSync(join(dir, 'work.mjs'), JS_MODULE)
  writeFileSync(join(dir, 'worker.mjs'), entry('mjs', false))
  writeFileSync(join(dir, 'work.ts'), TS_MODULE)
  writeFileSync(join(dir, 'worker.ts'), entry('ts', true))

  const kinds = [
    { label: '`.mjs` entry', url: pathToFileURL(join(dir, 'worker.mjs')).href, how: 'plain', tsx: false },
    {
      label: '`.ts` entry, stripped by Node in the thread',
      url: pathToFileURL(join(dir, 'worker.ts')).href,
      how: 'plain',
      tsx: false,
    },
    { label: 'connection.ts, stripped by Node in the thread', url: PROBE, how: 'plain', tsx: false },
    { label: 'connection.ts, tsx loader in the thread', url: PROBE, how: 'inherit', tsx: true },
    { label: 'connection.ts, stripped once by the parent', url: PROBE, how: 'stripped', tsx: true },
  ]
  const results = new Map(kinds.map((k) => [k.label, { spawnMs: [] as number[], mibPerWorker: [] as number[] }]))
  for (const round of [1, 2, 3]) {
    for (const kind of kinds) {
      const args = [
        ...(kind.tsx ? ['--import', 'tsx'] : []),
        join(dir, 'measure.mjs'),
        kind.url,
        String(count),
        kind.how,
        THREAD_MODULES,
      ]
      const out = execFileSync(process.execPath, args, { cwd: REPO, encoding: 'utf8' })
      const { spawnMs, mibPerWorker } = JSON.parse(out) as { spawnMs: number; mibPerWorker: number }
      results.get(kind.label)!.spawnMs.push(spawnMs)
      results.get(kind.label)!.mibPerWorker.push(mibPerWorker)
      console.error(`round ${round} ${kind.label}: ${spawnMs.toFixed(1)} ms, ${mibPerWorker.toFixed(1)} MiB`)
    }
  }
  console.log(`Worker threads: ${count} workers per kind and round, three rounds alternating, each in a fresh process`)
  console.log(
    `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform} ${process.arch}\n`,
  )
  console.log('| worker code | spawn → first message, median ms (rounds) | RSS per live worker, MiB (rounds) |')
  console.log('| --- | --- | --- |')
  for (const [label, r] of results) {
    const ms = r.spawnMs.map((v) => v.toFixed(1)).join(' / ')
    const mib = r.mibPerWorker.map((v) => v.toFixed(1)).join(' / ')
    console.log(`| ${label} | ${ms} | ${mib} |`)
  }
  const connection = new URL('../examples/shared/connection.ts', import.meta.url).href
  const stripCost = [1, 2, 3].map(() => {
    const out = execFileSync(process.execPath, ['--no-warnings', join(dir, 'strip-cost.mjs'), connection], {
      encoding: 'utf8',
    })
    return (JSON.parse(out) as { mib: number }).mib.toFixed(1)
  })
  console.log(
    `\nStripping in the process itself: its RSS grows by ${stripCost.join(' / ')} MiB (three fresh processes).`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}

// `npm run workers:measure`: what a worker thread's entry file costs, plain JavaScript (`.mjs`) or
// TypeScript (`.ts`, which Node 22.18+ strips natively, in workers too). The steps start workers
// from `.mjs` files; this is the measurement behind that choice (README, "Decisions").
//
// It writes the same small worker twice into a temporary folder, once as `.mjs` + `.mjs` module and
// once as `.ts` + `.ts` module (type annotations, `import type`), then for each, in a fresh plain
// `node` process: spawns workers one after another and times `new Worker` → first answer, then
// keeps as many alive and divides the RSS they add by their number. The kinds alternate, three
// rounds; no loader reaches the measured processes (they run `.mjs`, workers get `execArgv: []`).

import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
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
// cannot be reused by the next and flatter its RSS.
const MEASURE = `import { Worker } from 'node:worker_threads'
const [url, n] = [new URL(process.argv[2]), Number(process.argv[3])]
const times = []
for (let i = 0; i < n; i++) {
  const started = performance.now()
  const worker = new Worker(url, { workerData: { kind: 'sleep', ms: 0 }, execArgv: [] })
  await new Promise((resolve) => worker.once('message', resolve))
  times.push(performance.now() - started)
  await worker.terminate()
}
const before = process.memoryUsage().rss
const live = []
for (let i = 0; i < n; i++) {
  const worker = new Worker(url, { execArgv: [] })
  worker.postMessage({ kind: 'sleep', ms: 0 })
  await new Promise((resolve) => worker.once('message', resolve))
  live.push(worker)
}
const mibPerWorker = (process.memoryUsage().rss - before) / n / 2 ** 20
await Promise.all(live.map((worker) => worker.terminate()))
times.sort((a, b) => a - b)
console.log(JSON.stringify({ spawnMs: times[n >> 1], mibPerWorker }))
`

const dir = mkdtempSync(join(tmpdir(), 'worker-entry-'))
try {
  writeFileSync(join(dir, 'measure.mjs'), MEASURE)
  writeFileSync(join(dir, 'work.mjs'), JS_MODULE)
  writeFileSync(join(dir, 'worker.mjs'), entry('mjs', false))
  writeFileSync(join(dir, 'work.ts'), TS_MODULE)
  writeFileSync(join(dir, 'worker.ts'), entry('ts', true))

  const results: Record<string, { spawnMs: number[]; mibPerWorker: number[] }> = {
    '.mjs': { spawnMs: [], mibPerWorker: [] },
    '.ts': { spawnMs: [], mibPerWorker: [] },
  }
  for (const round of [1, 2, 3]) {
    for (const ext of ['.mjs', '.ts']) {
      const url = pathToFileURL(join(dir, `worker${ext}`)).href
      const out = execFileSync(process.execPath, [join(dir, 'measure.mjs'), url, String(count)], { encoding: 'utf8' })
      const { spawnMs, mibPerWorker } = JSON.parse(out) as { spawnMs: number; mibPerWorker: number }
      results[ext]!.spawnMs.push(spawnMs)
      results[ext]!.mibPerWorker.push(mibPerWorker)
      console.error(`round ${round} ${ext}: ${spawnMs.toFixed(1)} ms, ${mibPerWorker.toFixed(1)} MiB`)
    }
  }
  console.log(
    `Worker entry files: ${count} workers per kind and round, three rounds alternating, each in a fresh process`,
  )
  console.log(
    `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform} ${process.arch}\n`,
  )
  console.log('| entry | spawn → first answer, median ms (rounds) | RSS per live worker, MiB (rounds) |')
  console.log('| --- | --- | --- |')
  for (const [ext, r] of Object.entries(results)) {
    const ms = r.spawnMs.map((v) => v.toFixed(1)).join(' / ')
    const mib = r.mibPerWorker.map((v) => v.toFixed(1)).join(' / ')
    console.log(`| \`${ext}\` | ${ms} | ${mib} |`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

// examples/shared/thread-modules.ts and thread-entry.mjs: threads whose code is TypeScript, with
// the types stripped once by a child process instead of in every thread.
// - the stripped sources cover the thread's module and every TypeScript module it imports, and keep
//   every line where it was (stack traces still point into the .ts files);
// - a thread loads its modules from those sources, not from disk;
// - a module missing from them is still loaded, by Node's own loader;
// - the thread gets its input, and transferred objects arrive.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { startThread, strippedSources, type ThreadStart } from '../../examples/shared/thread-modules.ts'

const ENTRY = new URL('../../examples/shared/thread-entry.mjs', import.meta.url)
const THREAD_MODULES_URL = new URL('../../examples/shared/thread-modules.ts', import.meta.url).href
const dir = mkdtempSync(join(tmpdir(), 'thread-modules-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function firstMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  }).finally(() => worker.terminate())
}

describe('TypeScript threads, stripped once', () => {
  test("the sources cover step 6's worker and all it imports, line for line", () => {
    const sources = strippedSources(new URL('../../examples/06-every-core/worker.ts', import.meta.url))
    const files = Object.keys(sources).map((url) => url.slice(url.indexOf('/examples/') + 1))
    for (const file of [
      'examples/06-every-core/worker.ts',
      'examples/06-every-core/cpu-cap.ts',
      'examples/06-every-core/worker-stats.ts',
      'examples/shared/fifo.ts',
      'examples/shared/connection.ts',
      'examples/shared/http-parser.ts',
      'examples/shared/routes.ts',
      'examples/shared/stats.ts',
      'examples/shared/shared-stats.ts',
    ]) {
      assert.ok(files.includes(file), `${file} is stripped (have ${files.join(', ')})`)
    }
    assert.ok(
      files.every((f) => f.endsWith('.ts')),
      'plain JavaScript modules are left to the loader',
    )
    for (const [url, source] of Object.entries(sources)) {
      const original = readFileSync(new URL(url), 'utf8')
      assert.equal(source.split('\n').length, original.split('\n').length, `${url} keeps its lines`)
      assert.doesNotMatch(source, /^import type /m, `${url} has no type-only imports left`)
    }
  })

  test('a thread loads its module from the sources it was given, not from disk', async () => {
    const file = join(dir, 'says.ts')
    writeFileSync(file, "import { parentPort } from 'node:worker_threads'\nparentPort!.postMessage('from disk')\n")
    const url = pathToFileURL(file).href
    const given = "import { parentPort } from 'node:worker_threads'\nparentPort.postMessage('from the sources')\n"
    const start: ThreadStart = { module: url, sources: { [url]: given }, data: null }
    assert.equal(await firstMessage(new Worker(ENTRY, { execArgv: [], workerData: start })), 'from the sources')
  })

  test("a module missing from the sources is loaded by Node's own loader", async () => {
    const file = join(dir, 'missing.ts')
    writeFileSync(
      file,
      "import { parentPort } from 'node:worker_threads'\n" +
        "const answer: string = 'stripped in the thread'\nparentPort!.postMessage(answer)\n",
    )
    const start: ThreadStart = { module: pathToFileURL(file).href, sources: {}, data: null }
    assert.equal(await firstMessage(new Worker(ENTRY, { execArgv: [], workerData: start })), 'stripped in the thread')
  })

  test('startThread hands the thread its data, and moves what the transfer list names', async () => {
    const file = join(dir, 'echo.ts')
    writeFileSync(
      file,
      [
        "import { parentPort } from 'node:worker_threads'",
        `import { threadData } from ${JSON.stringify(THREAD_MODULES_URL)}`,
        'const data = threadData<{ n: number; bytes: ArrayBuffer }>()',
        'parentPort!.postMessage({ n: data.n, length: data.bytes.byteLength })',
        '',
      ].join('\n'),
    )
    const bytes = new ArrayBuffer(8)
    const reply = await firstMessage(startThread(pathToFileURL(file), { n: 42, bytes }, [bytes]))
    assert.deepEqual(reply, { n: 42, length: 8 })
    assert.equal(bytes.byteLength, 0, 'moved, not copied')
  })
})

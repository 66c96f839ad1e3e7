// The bench's options: bad flags and bad values get one line (exit 2 on the command line), an
// unreachable --url gets a clear error (exit 1), and nothing is started for either.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseBenchArgs, UsageError } from '../../bench/cli/args.ts'
import { BenchOptionError, resolveRunOptions, type RunInput, throughputLimit } from '../../bench/options.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'

const oneLine = (e: unknown) => e instanceof Error && e.message.length > 0 && !e.message.includes('\n')

describe('bench flags', () => {
  test('good flags become a RunInput; defaults are step 3 and drill', () => {
    const args = parseBenchArgs([
      '--step',
      '2',
      '--scenario=hello',
      '--connections',
      '10',
      '--duration',
      '1.5',
      '--path',
      '/5',
      '--json',
      'out.json',
    ])
    assert.deepEqual(args.input, { step: '2', scenario: 'hello', connections: 10, durationS: 1.5, path: '/5' })
    assert.equal(args.json, 'out.json')
    const drill = resolveRunOptions({})
    assert.deepEqual(
      [drill.step, drill.scenario, drill.connections, drill.requests, drill.path, drill.capS],
      ['3', 'drill', 150, 150, '/1000', 10],
    )
    // One request per connection in drill: --connections 20 asks 20 requests.
    assert.equal(resolveRunOptions({ connections: 20 }).requests, 20)
  })

  test('--rate makes a run open loop: the paced scenario unless one is named, a duration, a connection bound', () => {
    assert.deepEqual(parseBenchArgs(['--rate', '250', '--duration', '2']).input, { rate: 250, durationS: 2 })
    const paced = resolveRunOptions({ rate: 250, durationS: 2 })
    assert.deepEqual(
      [paced.scenario, paced.path, paced.durationS, paced.requests, paced.connections, paced.open],
      ['paced', '/0', 2, null, 500, { ratePerSec: 250, preopened: 10 }],
    )
    assert.deepEqual(resolveRunOptions({ scenario: 'paced' }).open, { ratePerSec: 200, preopened: 10 })
    // A closed-loop scenario run open loop keeps its path; the bound is the open loop's default.
    const drill = resolveRunOptions({ scenario: 'drill', rate: 5000, durationS: 3 })
    assert.deepEqual(
      [drill.path, drill.requests, drill.connections, drill.open],
      ['/1000', null, 1000, { ratePerSec: 5000, preopened: 50 }],
    )
    assert.equal(resolveRunOptions({ rate: 100, durationS: 1, connections: 4 }).open?.preopened, 4)
    // No closed-loop limit for an open loop: it offers its rate whatever the server does.
    assert.equal(throughputLimit(drill), null)
  })

  test('unknown or malformed flags are a one-line UsageError', () => {
    for (const argv of [
      ['--bogus'],
      ['--connections'],
      ['--connections', 'many'],
      ['--requests', '-5'],
      ['--duration', '2s'],
      ['stray'],
      ['--step', '--scenario'],
      ['--all', '--step', '1'],
    ]) {
      assert.throws(
        () => parseBenchArgs(argv),
        (e: unknown) => e instanceof UsageError && oneLine(e),
        argv.join(' '),
      )
    }
  })

  test('values out of range are a one-line BenchOptionError', () => {
    const bad: RunInput[] = [
      { scenario: 'nope' },
      { step: '9' },
      { connections: 0 },
      { connections: 10_001 },
      { requests: 10, connections: 20 },
      { requests: 10, durationS: 1 },
      { durationS: 30 },
      { capS: 0 },
      { path: 'no-slash' },
      { path: '/has space' },
      { scenario: 'cpu-mix', path: '/0' },
      { scenario: 'drill', cpuN: 5 },
      { url: 'ftp://127.0.0.1:1' },
      { url: 'http://127.0.0.1:6969/1000' },
      { url: 'not a url' },
      { url: 'http://127.0.0.1:6969', step: '3' },
      { rate: 0 },
      { rate: 100_001 },
      { rate: 100, requests: 1000 },
      { scenario: 'drill', rate: 100 },
      { scenario: 'cpu-mix', rate: 100 },
    ]
    for (const input of bad) {
      assert.throws(
        () => resolveRunOptions(input),
        (e: unknown) => e instanceof BenchOptionError && oneLine(e),
        JSON.stringify(input),
      )
    }
  })
})

describe('npm run bench on the command line', () => {
  const bench = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/cli/bench.ts'), ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    })

  test('a bad flag or value prints one line and exits 2', () => {
    for (const args of [['--bogus'], ['--connections', '0']]) {
      const run = bench(args)
      assert.equal(run.status, 2, run.stderr)
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
      assert.match(run.stderr, /^bench: /)
      assert.equal(run.stdout, '')
    }
  })

  test('an unreachable --url is a clear error and exit 1', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    await new Promise((resolve) => server.close(resolve))
    const run = bench(['--url', `http://127.0.0.1:${port}`, '--scenario', 'hello', '--duration', '1'])
    assert.equal(run.status, 1, run.stderr)
    assert.match(run.stderr, new RegExp(`bench: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`))
  })

  test('--help lists the flags and the scenarios', () => {
    const run = bench(['--help'])
    assert.equal(run.status, 0)
    for (const word of ['--connections', '--url', '--markdown', 'drill', 'burst512', 'hello', 'c10k', 'cpu-mix'])
      assert.ok(run.stdout.includes(word), word)
  })
})

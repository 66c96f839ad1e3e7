// Command-line flags: good ones parse, bad ones get one line and exit code 2.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseFlags, UsageError } from '../../examples/shared/cli.ts'
import { STEPS } from '../../bench/steps.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'

describe('parseFlags', () => {
  const spec = {
    pool: { kind: 'int', default: 0, min: 0, max: 8, help: '' },
    trace: { kind: 'bool', help: '' },
  } as const
  test('defaults, PORT, and both --flag value and --flag=value', () => {
    assert.deepEqual(parseFlags([], spec, {}), {
      server: { host: '127.0.0.1', port: 6969, headerTimeoutMs: 10000 },
      flags: { pool: 0, trace: false },
    })
    assert.equal(parseFlags([], spec, { PORT: '8080' }).server.port, 8080)
    const r = parseFlags(['--port=0', '--host', '::1', '--header-timeout', '250', '--pool', '4', '--trace'], spec, {
      PORT: '8080',
    })
    assert.deepEqual(r, { server: { host: '::1', port: 0, headerTimeoutMs: 250 }, flags: { pool: 4, trace: true } })
  })
  test('bad input is a UsageError with a one-line message', () => {
    for (const argv of [
      ['--nope'],
      ['--port'],
      ['--port', 'x'],
      ['--port', '70000'],
      ['--pool', '9'],
      ['--trace=1'],
      ['stray'],
      ['--port', '--pool'],
    ]) {
      assert.throws(
        () => parseFlags(argv, spec, {}),
        (e: unknown) => e instanceof UsageError && !e.message.includes('\n'),
        argv.join(' '),
      )
    }
    assert.throws(() => parseFlags([], spec, { PORT: 'abc' }), UsageError)
  })
  test('a choice flag takes one of its words, and names them when given another', () => {
    const choice = {
      dispatch: { kind: 'text', choices: ['acceptor', 'kernel'], default: 'acceptor', help: '' },
    } as const
    assert.equal(parseFlags([], choice, {}).flags.dispatch, 'acceptor')
    assert.equal(parseFlags(['--dispatch', 'kernel'], choice, {}).flags.dispatch, 'kernel')
    assert.equal(parseFlags(['--dispatch=kernel'], choice, {}).flags.dispatch, 'kernel')
    assert.throws(
      () => parseFlags(['--dispatch', 'both'], choice, {}),
      (e: unknown) => e instanceof UsageError && e.message === "--dispatch must be one of acceptor, kernel, got 'both'",
    )
    assert.throws(() => parseFlags(['--dispatch'], choice, {}), UsageError)
  })
})

describe('step servers on the command line', { concurrency: true }, () => {
  // Once per entry file, not per registry entry: entries that share a file (2, 2-pool, 2-own) share
  // its flag parser. The files are checked at the same time, each in its own processes.
  const entries = [...new Set(STEPS.map((step) => step.entry))]
  for (const entry of entries) {
    test(`${entry}: a bad flag prints one line and exits 2; --help exits 0`, async () => {
      const [bad, help] = await Promise.all([run(entry, ['--bogus']), run(entry, ['--help'])])
      assert.equal(bad.status, 2)
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr)
      assert.match(bad.stderr, /unknown flag --bogus/)
      assert.equal(help.status, 0)
      assert.match(help.stdout, /--header-timeout/)
    })
  }
})

/** Runs the server entry `entry` with `args` to its end; its exit code and what it wrote. */
function run(entry: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, entry), ...args],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error)
        else resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr })
      },
    )
  })
}

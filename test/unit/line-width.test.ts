// No line of code over 120 columns. Biome's formatter keeps code within 120 where it can break a
// line; a string literal or a template line it cannot break must be split by hand, and this test
// finds the ones that were not. Recorded data (bench/results/, recordings/*.json and *.txt) and the
// lockfile are not code.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'

const CODE = /\.(ts|mjs|vue|css|c|sh|json)$|^\.ci\/run$/
const DATA = /^(bench\/results\/|recordings\/.*\.(json|txt)$|package-lock\.json$)/
const WIDTH = 120

test(`no line of code is longer than ${WIDTH} columns`, () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => CODE.test(f) && !DATA.test(f))
  assert.ok(files.length > 100, `${files.length} files`)
  const long: string[] = []
  for (const file of files) {
    const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      // Columns are characters as an editor counts them ("—" is one column, not three bytes).
      const width = [...line].length
      if (width > WIDTH) long.push(`${file}:${i + 1} (${width})`)
    })
  }
  assert.deepEqual(long, [])
})

// `npm run export` writes the talk as a PDF, one page per slide, through the system Chromium.
// Needs Chromium (see scripts/chromium.ts); run with `npm run test:browser`, not part of `npm test`.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import { requireChromium } from '../../scripts/chromium.ts'
import { loadDeck } from '../helpers/deck.ts'
import { countPdfPages } from './pdf.ts'

test('npm run export writes a PDF with one page per slide', async () => {
  requireChromium() // a missing browser fails here, loudly
  const slides = await loadDeck()
  const dir = mkdtempSync(join(tmpdir(), 'deck-export-'))
  try {
    const output = join(dir, 'talk.pdf')
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const run = spawnSync(npm, ['run', '--silent', 'export', '--', '--output', output], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    })
    assert.equal(run.status, 0, `export failed:\n${run.stdout}\n${run.stderr}`)
    const pages = countPdfPages(readFileSync(output))
    assert.equal(pages, slides.length, `the PDF has ${pages} pages for ${slides.length} slides`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

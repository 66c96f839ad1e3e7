// The deck's browser code imports nothing from Node. The components share modules with the bench
// (the step registry, the number formatter, the envelope of a recording, the live protocol); one
// `node:` import in any of them would break the static build, or warn in every window. The
// typechecker cannot catch it (Vite's types pull in Node's), so this test follows the imports.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'

/** Imports that exist at run time: `import type` and `export type` are erased by the compiler. */
function runtimeImports(source: string): string[] {
  const found: string[] = []
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm
  for (const m of source.matchAll(statement)) if (!m[1]) found.push(m[2]!)
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!)
  return found
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(REPO_ROOT, dir, f))
}

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

test("the deck's browser code, and every repository file it imports, imports nothing from Node", () => {
  const entries = [
    ...filesUnder('components', /\.(ts|vue)$/),
    ...filesUnder('setup', /\.ts$/),
    ...filesUnder('layouts', /\.vue$/),
    join(REPO_ROOT, 'slide-bottom.vue'),
  ].filter((f) => !f.endsWith('.d.ts'))
  const seen = new Set<string>()
  const offences: string[] = []
  const queue = [...entries]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file) || !/\.(ts|mjs|vue)$/.test(file)) continue
    seen.add(file)
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (NODE.has(specifier) || specifier.startsWith('node:'))
        offences.push(`${relative(REPO_ROOT, file)} imports ${specifier}`)
      else if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier))
    }
  }
  assert.deepEqual(offences, [])
  // The modules the components share with the bench were followed, so the check covers them.
  const reached = [...seen].map((f) => relative(REPO_ROOT, f))
  for (const shared of ['bench/steps.ts', 'bench/format.ts', 'bench/recording.ts', 'bench/live/messages.ts'])
    assert.ok(reached.includes(shared), `${shared} is imported by the deck (reached: ${reached.join(', ')})`)
})

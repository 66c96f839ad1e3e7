// Strips the types from a TypeScript module and every TypeScript module it imports, and prints the
// JavaScript as JSON: `{ "<file URL>": "<source>" }`. Run as a short-lived child process by
// thread-modules.ts, once per server start; see there for why.
//
//   node --no-warnings examples/shared/strip-types.mjs <file URL of the root module>...
//
// `stripTypeScriptTypes` (Node 22.13+, marked experimental) replaces each type annotation with
// blanks, so every line and column stays where it was and stack traces still point into the .ts
// file. It refuses syntax that is not erasable (enums, parameter properties, namespaces): the files
// a thread loads must be erasable TypeScript, as new code in this project is anyway.
//
// Which modules: the root, then whatever its code imports by a relative `.ts` path, transitively.
// Imports of types only are gone after stripping, so they are not followed. A pattern, not a parser:
// a module it misses is still loaded correctly by the thread, only more slowly (thread-entry.mjs).

import { readFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'

const IMPORT = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"\n]+\.ts)['"]/g

/** @type {Record<string, string>} */
const sources = {}
const todo = process.argv.slice(2)
for (let url = todo.pop(); url !== undefined; url = todo.pop()) {
  if (url in sources) continue
  let source
  try {
    source = stripTypeScriptTypes(readFileSync(new URL(url), 'utf8'))
  } catch (error) {
    process.stderr.write(`${url}: ${/** @type {Error} */ (error).message}\n`)
    process.exit(1)
  }
  sources[url] = source
  for (const [, specifier] of source.matchAll(IMPORT)) todo.push(new URL(/** @type {string} */ (specifier), url).href)
}
process.stdout.write(JSON.stringify(sources))

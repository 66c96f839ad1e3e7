// Runs before every `npm run` entry point (dev, test, step:*, demo:*, …): on a Node this project
// does not support, one line saying what it needs, and exit 1, instead of a stack trace from deep
// inside a dependency or a TypeScript file the old Node cannot load. Plain JavaScript, so it runs
// on any Node. The range is node-range.mjs (npm ci checks the same range from package.json's
// `engines`, with `engine-strict` in .npmrc).
import { supported, unsupportedLine } from './node-range.mjs'

if (!supported()) {
  console.error(unsupportedLine())
  process.exit(1)
}

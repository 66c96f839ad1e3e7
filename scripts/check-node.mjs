// Runs before `npm run dev` and `npm test` (their `pre` scripts): on a Node this project does not
// support, one line saying what it needs, and exit 1, instead of a stack trace from deep inside a
// dependency. Plain JavaScript with no imports, so it runs on any Node. The range is package.json's
// `engines` (npm ci checks the same range, with `engine-strict` in .npmrc).
const [major, minor] = process.versions.node.split('.').map(Number)
const supported = (major === 22 && minor >= 22) || (major === 24 && minor >= 11) || major >= 26
if (!supported) {
  console.error(`This project needs Node 22.22+, 24.11+ or 26 (26 LTS recommended); this is Node ${process.version}.`)
  process.exit(1)
}

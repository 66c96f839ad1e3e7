// Loaded with `node --import` in front of `slidev export` (see export.ts).
//
// Slidev's exporter imports `playwright-chromium`, which is `playwright-core` plus a browser
// download at install time. We already have a browser (the system Chromium, passed with
// --executable-path) and `playwright-core`, so instead of a second package that would try to
// download one, this resolve hook answers `playwright-chromium` with `playwright-core`: same API.
import { register } from 'node:module'

const hooks = `
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier === 'playwright-chromium' ? 'playwright-core' : specifier, context)
}
`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)

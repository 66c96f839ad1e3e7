// What an entry point needs from the running Node beyond its version, asked of Node itself.
//
// `npm run step:N` checks the version first (scripts/check-node.mjs). Started any other way (plain
// `node file.ts` on a Node line we do not support, or through a TypeScript loader on an old Node),
// an entry that needs a feature the running Node lacks would fail later with a stack trace from
// deep inside; instead it calls `requireFeatures` first and refuses with one line naming what is
// missing. A namespace import, so a missing export is `undefined` here, not a link error.

import * as nodeModule from 'node:module'
import { SUPPORTED } from '../../scripts/node-range.mjs'

const FEATURES = {
  /** Running `.ts` files with no loader: a child process, a forked holder (Node 22.18+ unflagged). */
  'type-stripping': {
    what: 'type stripping (node file.ts)',
    present: () => Boolean((process.features as { typescript?: string | false }).typescript),
  },
  /** Stripping the TypeScript of a worker thread once, in a child (thread-modules.ts). */
  'strip-types-api': {
    what: 'module.stripTypeScriptTypes',
    present: () => typeof nodeModule.stripTypeScriptTypes === 'function',
  },
  /** A worker thread's own module hook (thread-entry.mjs). */
  'module-hooks': { what: 'module.registerHooks', present: () => typeof nodeModule.registerHooks === 'function' },
} as const

export type Feature = keyof typeof FEATURES

/** The features of `needed` this Node lacks, by name (e.g. 'module.registerHooks'). */
export function missingFeatures(needed: readonly Feature[]): string[] {
  return needed.filter((name) => !FEATURES[name].present()).map((name) => FEATURES[name].what)
}

/** One line and exit 1 if this Node lacks any of `needed`: `<script>: Node vX lacks ...: use ...`. */
export function requireFeatures(script: string, needed: readonly Feature[]): void {
  const missing = missingFeatures(needed)
  if (missing.length === 0) return
  console.error(`${script}: Node ${process.version} lacks ${missing.join(' and ')}: use ${SUPPORTED}`)
  process.exit(1)
}

// The repository's root directory, for code that runs under Node: server entries, recordings and
// the deck's files are named relative to it. Apart from steps.ts so that the registry of steps
// stays importable in the browser (the deck's components read step titles from it).

import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

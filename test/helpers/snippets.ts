// What a slide's `<<< @/examples/x.ts#region lang {2-5|7|all}` shows, worked out the way Slidev
// works it out, so a test can check each line highlight against the lines it lands on.
//
// Slidev (@slidev/cli, node/syntax/markdown-it/markdown-it-snippet.ts) takes the lines between
// the first `// #region name` and its matching `// #endregion name` (or a bare `// #endregion`),
// drops every region marker of the same comment style inside them (nested regions), removes the
// common indentation, and numbers what is left from 1. A highlight `{2-5|7|all}` is one click per
// `|`, each a comma-separated list of lines or ranges; `all`, `*`, `none` and `hide` name no line.
// This file re-derives those rules (Slidev does not export them).

import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** The comment styles the deck's files use: `// #region` in code, `# #region` in recorded text. */
const MARKERS = [
  { start: /^\s*\/\/\s*#?region\b\s*(.*?)\s*$/, end: /^\s*\/\/\s*#?endregion\b\s*(.*?)\s*$/ },
  { start: /^\s*#\s*#?region\b\s*(.*?)\s*$/, end: /^\s*#\s*#?endregion\b\s*(.*?)\s*$/ },
]

export interface SnippetImport {
  /** The `<<<` line as written. */
  line: string
  /** Absolute path of the imported file. */
  file: string
  region: string | undefined
  /** The line highlights, e.g. `{2-5|7|all}`, or undefined. */
  highlights: string | undefined
}

const SNIPPET = /^<<<[ \t]*(\S.*?)(#[\w-]+)?[ \t]*(?:[ \t](\S+?))?[ \t]*(\{.*)?$/

/** Parses one `<<< path#region lang {meta}` line; `resolvePath` turns `@/x` or `./x` into a file. */
export function parseSnippetImport(text: string, resolvePath: (path: string) => string): SnippetImport | null {
  const m = SNIPPET.exec(text.trim())
  if (m === null) return null
  const meta = m[4]?.trim()
  // Only the first `{...}` group is the highlight list; a second one would hold options.
  const highlights = meta === undefined ? undefined : /^\{[^}]*\}/.exec(meta)?.[0]
  return { line: text.trim(), file: resolvePath(m[1]!), region: m[2]?.slice(1), highlights }
}

/** The lines a region shows on the slide, numbered from 1 (index 0 is line 1); null if there is no such region. */
export function regionLines(text: string, region: string): string[] | null {
  const lines = text.split(/\r?\n/)
  for (const marker of MARKERS) {
    const start = lines.findIndex((l) => marker.start.exec(l)?.[1] === region)
    if (start < 0) continue
    let depth = 1
    for (let i = start + 1; i < lines.length; i++) {
      if (marker.start.exec(lines[i]!)?.[1] === region) depth++
      const end = marker.end.exec(lines[i]!)?.[1]
      if ((end === region || end === '') && --depth === 0) {
        const body = lines.slice(start + 1, i).filter((l) => !marker.start.test(l) && !marker.end.test(l))
        return dedent(body)
      }
    }
    return null
  }
  return null
}

function dedent(lines: string[]): string[] {
  let indent = Number.POSITIVE_INFINITY
  for (const line of lines) {
    const first = line.search(/[^ \t]/)
    if (first >= 0) indent = Math.min(indent, first)
  }
  return indent === Number.POSITIVE_INFINITY ? lines : lines.map((l) => l.slice(indent))
}

/**
 * What is wrong with `highlights` (`{2-5|7|all}`) on `lines`: a line or range end outside the
 * region, a range running backwards, or a line or range end that is blank. Empty when all is well.
 */
export function highlightProblems(highlights: string, lines: string[]): string[] {
  const problems: string[] = []
  const body = highlights.replace(/^\{|\}$/g, '')
  const count = lines.length
  const blank = (n: number) => (lines[n - 1] ?? '').trim() === ''
  for (const step of body.split('|')) {
    for (const item of step.split(',').map((s) => s.trim())) {
      if (item === '' || item === 'all' || item === '*' || item === 'none' || item === 'hide') continue
      const m = /^(\d+)(?:-(\d+))?$/.exec(item)
      if (m === null) {
        problems.push(`'${item}' is not a line or a range`)
        continue
      }
      const from = Number(m[1])
      const to = m[2] === undefined ? from : Number(m[2])
      if (from < 1 || to > count) problems.push(`'${item}' is outside the region's ${count} lines`)
      else if (to < from) problems.push(`'${item}' runs backwards`)
      else if (blank(from) || blank(to)) problems.push(`'${item}' starts or ends on a blank line`)
    }
  }
  return problems
}

export interface RegionMarker {
  /** Path relative to the repository root. */
  file: string
  region: string
  /** 1-based line of the `#region` marker. */
  line: number
}

/** Every `#region` marker in the given files (code: `// #region x`; recorded text: `# #region x`). */
export function regionMarkers(root: string, files: string[]): RegionMarker[] {
  const found: RegionMarker[] = []
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/)
    lines.forEach((line, i) => {
      for (const marker of MARKERS) {
        const name = marker.start.exec(line)?.[1]
        if (name) found.push({ file: relative(root, file), region: name, line: i + 1 })
      }
    })
  }
  return found
}

/** Files under `dir` (recursively) whose names end with one of `extensions`. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path, extensions))
    else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(path)
  }
  return out.sort()
}

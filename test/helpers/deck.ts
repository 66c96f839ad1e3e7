// A deck as Slidev itself sees it: slides.md (the talk) or workshop.md, with every `src:` chapter
// range pulled in, hidden slides left out, in order. Uses Slidev's own parser (@slidev/parser,
// installed with @slidev/cli at the same pinned version), so "slide 7" here is slide 7 in the browser
// and page 7 of the PDF.

import { load } from '@slidev/parser/fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../../bench/repo-root.ts'

export interface DeckSlide {
  /** 1-based, as in the URL `/7` and the PDF. */
  no: number
  title: string | undefined
  /** The markdown body (frontmatter and presenter notes excluded). */
  content: string
  /** The presenter notes, from the trailing `<!-- ... -->`. */
  note: string | undefined
  /** The file the slide is written in. */
  filepath: string
  /** Its frontmatter, with what its chapter import sets (`section:`) merged in. */
  frontmatter: Record<string, unknown>
  /** 0-based position of the slide in the file it is written in. */
  index: number
}

/** The two entries: the 45-minute talk and the workshop, both cut from the chapters in slides/. */
export const DECKS = { talk: 'slides.md', workshop: 'workshop.md' } as const
export type DeckName = keyof typeof DECKS

export async function loadDeck(deck: DeckName = 'talk'): Promise<DeckSlide[]> {
  const data = await load({ userRoot: REPO_ROOT, roots: [REPO_ROOT] }, join(REPO_ROOT, DECKS[deck]))
  const problems = data.markdownFiles ? Object.values(data.markdownFiles).flatMap((md) => md.errors ?? []) : []
  if (problems.length > 0) throw new Error(`the deck does not parse: ${problems.map((p) => p.message).join('; ')}`)
  return data.slides.map((slide, i) => ({
    no: i + 1,
    title: slide.title,
    content: slide.content,
    note: slide.note,
    filepath: slide.source.filepath,
    frontmatter: slide.frontmatter,
    index: slide.source.index,
  }))
}

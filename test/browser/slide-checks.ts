// What "a slide rendered well" means, checked inside the page.

import type { Page } from 'playwright-core'

/**
 * Waits until slide `no` is on screen: its transition over, its async parts (lazy chunks, mermaid)
 * rendered, its fonts in, and no request in flight (`quiet`).
 */
export async function waitForSlide(page: Page, no: number, quiet: () => Promise<void>): Promise<void> {
  const slide = page.locator(`[data-slidev-no="${no}"]`).first()
  await slide.waitFor({ state: 'attached', timeout: 15_000 })
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector(`[data-slidev-no="${n}"]`)
      if (el === null || el.querySelector('.slidev-slide-loading') !== null) return false
      const rendering = document.getElementById('mermaid-rendering-container')
      if (rendering !== null && rendering.children.length > 0) return false
      // Slidev draws each mermaid diagram into a shadow root (or, on a syntax error, a red <pre>).
      if (Array.from(el.querySelectorAll('.mermaid')).some((m) => m.shadowRoot?.querySelector('svg') == null))
        return false
      return document.querySelector('[class*="-enter-active"], [class*="-leave-active"]') === null
    },
    no,
    { timeout: 15_000 },
  )
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  await quiet()
}

/**
 * Content that does not fit: an element of the slide reaching outside the slide frame, or an
 * element clipping or scrolling its own content (a code block too wide, a table too long).
 * Returns one line per problem, outermost elements first, at most a few per slide.
 */
export async function findOverflow(page: Page, no: number): Promise<string[]> {
  return page.evaluate((n) => {
    const slide =
      document.querySelector(`.slidev-page[data-slidev-no="${n}"]`) ?? document.querySelector(`[data-slidev-no="${n}"]`)
    const frame = document.getElementById('slide-content')
    if (slide === null || frame === null) return [`slide ${n} or the slide frame is missing`]
    const broken = Array.from(slide.querySelectorAll('pre.text-wrap')).filter((pre) =>
      /error/i.test(pre.textContent ?? ''),
    )
    if (broken.length > 0)
      return broken.map((pre) => `a diagram failed to render: ${(pre.textContent ?? '').slice(0, 120)}`)
    const box = frame.getBoundingClientRect()
    const scale = box.width / frame.offsetWidth || 1
    const TOLERANCE = 1.5
    const issues: string[] = []
    const reported = new Set<Element>()
    // (No helper functions in here: the test runner's TypeScript loader would wrap them in a
    // `__name` call that does not exist in the page.)
    // Mermaid draws each diagram into a shadow root: its <svg> is checked too (a diagram too wide
    // for the slide sticks out of the frame without its host element doing so).
    const elements: Element[] = []
    for (const el of Array.from(slide.querySelectorAll('*'))) {
      elements.push(el)
      if (el.shadowRoot) elements.push(...Array.from(el.shadowRoot.querySelectorAll('svg')))
    }
    for (const el of elements) {
      if (issues.length >= 5) break
      let ancestor = el.parentElement
      let inside = false
      while (ancestor !== null) {
        if (reported.has(ancestor)) inside = true
        ancestor = ancestor.parentElement
      }
      if (inside) continue
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) continue
      const style = getComputedStyle(el)
      if (style.display === 'none' || style.position === 'fixed') continue
      let problem = ''
      const out = [
        r.left < box.left - TOLERANCE && `left by ${Math.round((box.left - r.left) / scale)}px`,
        r.right > box.right + TOLERANCE && `right by ${Math.round((r.right - box.right) / scale)}px`,
        r.top < box.top - TOLERANCE && `top by ${Math.round((box.top - r.top) / scale)}px`,
        r.bottom > box.bottom + TOLERANCE && `bottom by ${Math.round((r.bottom - box.bottom) / scale)}px`,
      ].filter(Boolean)
      const clipsX = style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1
      const clipsY = style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1
      if (out.length > 0) problem = `sticks out of the frame (${out.join(', ')})`
      else if (clipsX || clipsY) {
        const how = [
          clipsX && `${el.scrollWidth - el.clientWidth}px wide`,
          clipsY && `${el.scrollHeight - el.clientHeight}px tall`,
        ]
        problem = `hides content that does not fit (${how.filter(Boolean).join(', ')})`
      }
      if (problem === '') continue
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50)
      const cls = typeof el.className === 'string' && el.className ? ` class="${el.className.slice(0, 40)}"` : ''
      issues.push(`<${el.tagName.toLowerCase()}${cls}> "${text}" ${problem}`)
      reported.add(el)
    }
    return issues
  }, no)
}

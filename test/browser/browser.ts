// The browser for the deck's tests: the system Chromium driven by playwright-core, with a fresh
// profile that is deleted afterwards, and a net around it that records (and refuses) every request
// leaving the machine, every console error and every page error.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, requireChromium } from '../../scripts/chromium.ts'

export interface Problem {
  where: string
  what: string
}

export interface WatchedBrowser {
  context: BrowserContext
  page: Page
  /** Everything that went wrong so far, with the URL it happened on. */
  problems: Problem[]
  /** Resolves once no request of the page has been in flight for a moment. */
  quiet(timeoutMs?: number): Promise<void>
  /** Another tab in the same browser, watched the same way (its problems land in `problems`). */
  newPage(): Promise<Page>
  close(): Promise<void>
}

/** True for URLs that stay on this machine. */
export function isLocal(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true
  try {
    const { protocol, hostname } = new URL(url)
    return (
      (protocol === 'http:' || protocol === 'https:' || protocol === 'ws:' || protocol === 'wss:') &&
      (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]')
    )
  } catch {
    return false
  }
}

export async function launchWatched(viewport = { width: 1280, height: 720 }): Promise<WatchedBrowser> {
  const executablePath = requireChromium() // throws when missing: the tests fail, they never skip
  const profile = mkdtempSync(join(tmpdir(), 'deck-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    offline: false,
  })
  const problems: Problem[] = []
  const page = context.pages()[0] ?? (await context.newPage())

  // Off-machine requests are recorded and aborted, so a stray CDN link fails fast instead of hanging.
  await context.route('**/*', (route) => {
    const url = route.request().url()
    if (isLocal(url)) return route.continue()
    problems.push({ where: page.url(), what: `request leaves the machine: ${url}` })
    return route.abort('blockedbyclient')
  })
  watchPage(page, problems)
  let inFlight = 0
  page.on('request', () => inFlight++)
  page.on('requestfinished', () => inFlight--)
  page.on('requestfailed', (request) => {
    inFlight--
    if (isLocal(request.url()))
      problems.push({ where: page.url(), what: `request failed: ${request.url()} (${request.failure()?.errorText})` })
  })
  const quiet = async (timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs
    let calm = 0
    while (calm < 3) {
      if (Date.now() > deadline) throw new Error(`requests still in flight after ${timeoutMs} ms on ${page.url()}`)
      calm = inFlight === 0 ? calm + 1 : 0
      await new Promise((resolve) => setTimeout(resolve, 30))
    }
  }

  return {
    context,
    page,
    problems,
    quiet,
    async newPage() {
      const other = await context.newPage()
      watchPage(other, problems)
      return other
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Record a page's WebSockets leaving the machine, console errors and warnings, and page errors. */
function watchPage(page: Page, problems: Problem[]): void {
  page.on('websocket', (socket) => {
    if (!isLocal(socket.url()))
      problems.push({ where: page.url(), what: `websocket leaves the machine: ${socket.url()}` })
  })
  // Warnings count too: a mermaid diagram that fails to parse is only a console.warn.
  page.on('console', (message) => {
    const type = message.type()
    if (type === 'error' || type === 'warning')
      problems.push({ where: page.url(), what: `console ${type}: ${message.text()}` })
  })
  page.on('pageerror', (error) => problems.push({ where: page.url(), what: `page error: ${error.message}` }))
}

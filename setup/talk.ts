// What a presenter fills in once, for both decks: talk.config.json at the repository's root holds
// the title, speaker, event, date, the repository's address, whom the talk is for and the three
// things to take home. The cover, the promise (second) and the closing layouts read it from here,
// and the repository's QR code is drawn from the same address, by uqr, with no network at run time.
import { renderSVG } from 'uqr'
import config from '../talk.config.json'

export interface TalkConfig {
  title: string
  subtitle: string
  speaker: string
  event: string
  date: string
  repository: string
  audience: string
  takeaways: [string, string, string]
}

export const talk: TalkConfig = config as TalkConfig

/** The repository's address as an SVG QR code (dark modules on white, a quiet zone of 2). */
export const repositoryQr: string = renderSVG(talk.repository, { border: 2 })

/** The address as shown on a slide: without the scheme. */
export const repositoryLabel: string = talk.repository.replace(/^https?:\/\//, '')

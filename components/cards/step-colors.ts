// A step as the deck's cards name and draw it: "3 event loop" (the title from the bench's registry,
// bench/steps.ts) and one colour per step, the same on every card and chart (and a colour per
// scenario for the one card that draws a step under several).

import { findStep } from '../../bench/steps.ts'

export const STEP_COLOURS: Readonly<Record<string, string>> = {
  '1': '#dc2626',
  '2': '#ea580c',
  '2-pool': '#a16207',
  '3': '#2563eb',
  '4': '#7c3aed',
  '5': '#16a34a',
  '5-spare-core': '#65a30d',
  '2-own': '#c2410c',
  '6': '#0891b2',
  '6-kernel': '#0e7490',
  '6-least': '#155e75',
  piscina: '#0d9488',
}

export function stepColour(step: string): string {
  return STEP_COLOURS[step] ?? '#6b7280'
}

/** The `/0` probe's colour, apart from every step's (step 6's teal included). */
export const PROBE_COLOUR = '#be185d'

/**
 * A family's variants share a hue (2 / 2-own / 2-pool, 6 / 6-kernel / 6-least, and piscina beside
 * step 6), too close to tell apart on a projector or by a colour-blind viewer; each variant also
 * has its own dash on a chart line and its own marker shape on a swatch.
 */
const VARIANTS: Record<string, { dash: number[] | undefined; marker: Marker }> = {
  '2-own': { dash: [7, 3], marker: 'triangle' },
  '2-pool': { dash: [2, 3], marker: 'diamond' },
  '5-spare-core': { dash: [7, 3], marker: 'triangle' },
  '6-kernel': { dash: [7, 3], marker: 'triangle' },
  '6-least': { dash: [2, 3], marker: 'diamond' },
  piscina: { dash: [9, 3, 2, 3], marker: 'circle' },
}

export type Marker = 'square' | 'triangle' | 'diamond' | 'circle'

/** The dash of a step's chart line: none (solid) for a family's base step. */
export function stepDash(step: string): number[] | undefined {
  return VARIANTS[step]?.dash
}

/** The shape of a step's swatch: a square for a family's base step. */
export function stepMarker(step: string): Marker {
  return VARIANTS[step]?.marker ?? 'square'
}

/**
 * A chart line of one step under several scenarios (LoopLag's microtask trap) needs a colour per
 * scenario: the loop that never yields in the colour of trouble, the one that yields in green.
 */
const SCENARIO_COLOURS: Record<string, string> = {
  'await-trap': '#dc2626',
  'await-yield': '#16a34a',
}

/** The colour of a line: its scenario's, when the card draws one step under several; else its step's. */
export function lineColour(step: string, scenario?: string): string {
  return (scenario === undefined ? undefined : SCENARIO_COLOURS[scenario]) ?? stepColour(step)
}

/**
 * "3 event loop", from the registry of steps (bench/steps.ts); a peer whose title starts with its
 * id ("piscina peer of step 5") is named by its title alone, not "piscina piscina peer of step 5".
 */
export function stepName(step: string): string {
  const title = findStep(step)?.title
  if (title === undefined) return `step ${step}`
  return title.startsWith(step) ? title : `${step} ${title}`
}

// Dots in a grid, one per thing counted (a socket, a task, a timer, a request in line): what the
// runtime pictures draw, so a count is something the audience sees grow and shrink.

export interface Dot {
  cx: number
  cy: number
}

/** Up to `max` dots, `columns` to a row, `pitch` px apart, the first at (x, y). */
export function dotGrid(count: number, x: number, y: number, columns: number, pitch: number, max: number): Dot[] {
  const n = Math.max(0, Math.min(Math.round(count), max))
  const dots: Dot[] = []
  for (let i = 0; i < n; i++) dots.push({ cx: x + (i % columns) * pitch, cy: y + Math.floor(i / columns) * pitch })
  return dots
}

/** A number as a picture's label shows it: whole, with thousands separated; a dash when unknown. */
export function whole(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en-US')
}

/** One decimal below 10, whole above: "3.4 tasks per pass", "210 per pass". */
export function short(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–'
  return Math.abs(x) < 10 ? x.toFixed(1) : whole(x)
}

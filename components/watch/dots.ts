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

/** A rectangle of whole cells, in px. */
export interface CellRect {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Cells `from` … `from + count - 1` of a grid (`columns` to a row, `pitch` px apart, the first at
 * (x, y)), as at most three rectangles: the rest of a row begun, whole rows, the start of the last.
 * Filled with an SVG pattern of one dot per cell (`<pattern>` with the same origin and pitch), they
 * draw `count` dots with three elements however many there are: a picture that changes ten times
 * a second stays cheap to draw in every window.
 */
export function cellRects(
  from: number,
  count: number,
  x: number,
  y: number,
  columns: number,
  pitch: number,
  max: number,
): CellRect[] {
  let start = Math.max(0, Math.round(from))
  const end = Math.min(Math.round(from + count), max)
  const rects: CellRect[] = []
  // (x, y) is the centre of the first dot: a cell is the square around its dot.
  const rect = (row: number, col: number, cols: number, rows: number) =>
    rects.push({
      x: x + col * pitch - pitch / 2,
      y: y + row * pitch - pitch / 2,
      width: cols * pitch,
      height: rows * pitch,
    })
  if (end <= start) return rects
  if (start % columns !== 0) {
    const row = Math.floor(start / columns)
    const stop = Math.min(end, (row + 1) * columns)
    rect(row, start % columns, stop - start, 1)
    start = stop
  }
  const wholeRows = Math.floor((end - start) / columns)
  if (wholeRows > 0) {
    rect(start / columns, 0, columns, wholeRows)
    start += wholeRows * columns
  }
  if (end > start) rect(start / columns, 0, end - start, 1)
  return rects
}

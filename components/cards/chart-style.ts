// How the uPlot charts draw their axes and their gaps, the same on every chart, sized for a
// projector: tick labels in a font big enough to read from the back, axes wide and tall enough that
// no label is cut (uPlot clips what falls outside an axis's `size`), and a label on every stretch
// where a line has no sample, so a gap reads as "no sample" rather than as a fault of the chart.

import type uPlot from 'uplot'

/** Tick labels, in CSS px (uPlot scales them by its pixel ratio). */
export const AXIS_FONT_PX = 12
export const AXIS_FONT = `${AXIS_FONT_PX}px sans-serif`

/** The x axis's height: the tick (about 8 px), its gap, and one line of label with its descent. */
export const X_AXIS_SIZE = AXIS_FONT_PX + 20

/** A y axis's width for tick labels of up to `chars` characters ("1.03 s": 6). */
export function yAxisSize(chars: number): number {
  return Math.ceil(chars * AXIS_FONT_PX * 0.62) + 18
}

/** What a gap says on the chart. */
export const GAP_LABEL = 'no sample: loop frozen'

/** A uPlot draw hook: a light band over each gap, with its label, in the line's colour. */
export function gapLabels(gaps: () => readonly { from: number; to: number; colour: string }[]) {
  return (u: uPlot): void => {
    const ctx = u.ctx
    const ratio = u.bbox.width / Math.max(1, u.width) || 1
    ctx.save()
    ctx.font = `${Math.round(11 * ratio)}px sans-serif`
    ctx.textBaseline = 'top'
    for (const gap of gaps()) {
      const left = Math.max(u.bbox.left, u.valToPos(gap.from, 'x', true))
      const right = Math.min(u.bbox.left + u.bbox.width, u.valToPos(gap.to, 'x', true))
      if (right <= left) continue
      ctx.fillStyle = 'rgba(148, 163, 184, 0.18)'
      ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height)
      // The label where it fits in the band, else from the band's start over the plot.
      ctx.fillStyle = '#334155'
      ctx.fillText(GAP_LABEL, left + 4 * ratio, u.bbox.top + 4 * ratio)
    }
    ctx.restore()
  }
}

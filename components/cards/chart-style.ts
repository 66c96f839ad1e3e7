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

/**
 * How much finer than its layout a chart is drawn. uPlot sizes its canvas at the window's
 * devicePixelRatio, but Slidev scales the whole slide up with a CSS transform (980 px of slide fill
 * 1280 px of a laptop screen, 1920 of a projector) and the PDF is printed at 1×: a chart drawn at its
 * layout size is stretched and blurred. UPlotChart draws it at OVERSAMPLE × its size, with every
 * size in its options scaled by `oversample`, and zooms it back down: 2 covers a 1080p projector and
 * prints at 2×.
 */
export const OVERSAMPLE = 2

const scalePx = (font: string, k: number) =>
  font.replace(/(\d+(?:\.\d+)?)px/, (_m, px: string) => `${Number(px) * k}px`)

/** A chart's uPlot options, but its size: UPlotChart sizes it to its box. */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>

/**
 * uPlot options with every pixel size (axes, fonts, line widths, dashes, points) multiplied by `k`.
 * Only the sizes a series or axis gives are touched (uPlot fills in the rest), except the axis's tick
 * length and label gap, whose defaults (10 and 5) are scaled too.
 */
export function oversample(options: ChartOptions, k: number): ChartOptions {
  const axes = options.axes?.map((a) => {
    const out: uPlot.Axis = { ...a, gap: (a.gap ?? 5) * k, ticks: { ...a.ticks, size: (a.ticks?.size ?? 10) * k } }
    if (typeof a.size === 'number') out.size = a.size * k
    if (typeof a.font === 'string') out.font = scalePx(a.font, k)
    if (typeof a.labelSize === 'number') out.labelSize = a.labelSize * k
    if (typeof a.labelFont === 'string') out.labelFont = scalePx(a.labelFont, k)
    return out
  })
  const series = options.series.map((sr, i) => {
    if (i === 0) return sr // the x values: nothing drawn
    const out: uPlot.Series = { ...sr, width: (sr.width ?? 1) * k }
    if (sr.dash) out.dash = sr.dash.map((d) => d * k)
    if (sr.points) {
      const points: uPlot.Series.Points = { ...sr.points }
      if (typeof sr.points.size === 'number') points.size = sr.points.size * k
      if (typeof sr.points.width === 'number') points.width = sr.points.width * k
      out.points = points
    }
    return out
  })
  return axes === undefined ? { ...options, series } : { ...options, axes, series }
}

/** Canvas pixels per CSS px of the slide's layout, for a draw hook's own text and lines. */
export function canvasScale(u: uPlot): number {
  return (u.ctx.canvas.width / Math.max(1, u.width)) * OVERSAMPLE
}

/** What a gap says on the chart. */
export const GAP_LABEL = 'no sample: loop frozen'

/** A uPlot draw hook: a light band over each gap, with its label, in the line's colour. */
export function gapLabels(gaps: () => readonly { from: number; to: number; colour: string }[]) {
  return (u: uPlot): void => {
    const ctx = u.ctx
    const ratio = canvasScale(u)
    ctx.save()
    ctx.font = `${Math.round(11 * ratio)}px sans-serif`
    ctx.textBaseline = 'top'
    ctx.textAlign = 'left'
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

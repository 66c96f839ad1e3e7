// How the deck's uPlot charts are sized for a projector (components/cards/chart-style.ts): every
// pixel size scaled together when a chart is drawn finer than its layout, axes big enough for their
// labels, figures on bars legible on every step's colour, and sizes in binary units.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../bench/repo-root.ts'
import {
  AXIS_FONT,
  AXIS_FONT_PX,
  OVERSAMPLE,
  oversample,
  X_AXIS_SIZE,
  yAxisSize,
} from '../../components/cards/chart-style.ts'
import { PROBE_COLOUR, STEP_COLOURS } from '../../components/cards/step-colors.ts'
import { binaryTotal } from '../../components/cards/units.ts'

test('charts are drawn at two canvas pixels or more per CSS px of the slide', () => {
  assert.ok(OVERSAMPLE >= 2)
})

test('oversample scales axes, fonts, line widths, dashes and points together', () => {
  const scaled = oversample(
    {
      series: [{}, { width: 2, dash: [7, 3], points: { show: true, size: 6, width: 2 } }],
      axes: [{ size: 30, font: '12px sans-serif', labelSize: 18, labelFont: '12px sans-serif' }],
    },
    2,
  )
  assert.deepEqual(scaled.series[1], { width: 4, dash: [14, 6], points: { show: true, size: 12, width: 4 } })
  const axis = scaled.axes![0]!
  assert.equal(axis.size, 60)
  assert.equal(axis.font, '24px sans-serif')
  assert.equal(axis.labelSize, 36)
  assert.equal(axis.labelFont, '24px sans-serif')
  assert.equal(axis.gap, 10)
  assert.equal(axis.ticks?.size, 20)
})

test('axis labels have room: the x axis holds a line of its font below the ticks, a y axis six characters', () => {
  assert.equal(AXIS_FONT, `${AXIS_FONT_PX}px sans-serif`)
  assert.ok(AXIS_FONT_PX >= 12, 'tick labels no smaller than the deck text')
  // uPlot puts a label `gap` (5) below a tick (10): the line of text must fit under both.
  assert.ok(X_AXIS_SIZE >= 10 + 5 + AXIS_FONT_PX * 1.2, `x axis ${X_AXIS_SIZE} px`)
  // "1.03 s" in a 12 px sans: about 0.6 em a character, plus the tick and gap.
  assert.ok(yAxisSize(6) >= 6 * AXIS_FONT_PX * 0.6 + 15, `y axis ${yAxisSize(6)} px`)
})

/** WCAG's relative luminance of an sRGB colour given as 0–255 channels. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!)
}
function contrast(a: number[], b: number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}
const hex = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16))

test("a figure written on a bar reads at 4.5:1 or better on every step's colour", () => {
  for (const [file, selector] of [
    ['components/cards/bars.css', '.value {'],
    ['components/WorkerShares.vue', '.segment-label {'],
  ] as const) {
    const css = readFileSync(join(REPO_ROOT, file), 'utf8')
    const rule = css.slice(css.indexOf(selector), css.indexOf('}', css.indexOf(selector)))
    const chip = /background: rgba\((\d+), (\d+), (\d+), ([\d.]+)\)/.exec(rule)
    const ink = /\n\s*color: (#[0-9a-f]{6})/.exec(rule)
    assert.ok(chip && ink, `${file} ${selector} has a chip and an ink colour`)
    const alpha = Number(chip[4])
    for (const [step, colour] of Object.entries({ ...STEP_COLOURS, probe: PROBE_COLOUR })) {
      // The chip over the bar (the bar's own opacity only lightens it further).
      const under = hex(colour).map((c, i) => alpha * Number(chip[i + 1]) + (1 - alpha) * c)
      const ratio = contrast(hex(ink[1]!), under)
      assert.ok(ratio >= 4.5, `${file}: ink on the chip over step ${step}'s ${colour}: ${ratio.toFixed(2)}:1`)
    }
  }
})

test('sizes are binary: a total in GiB, below that MiB or KiB', () => {
  assert.equal(binaryTotal(10_000 * 8 * 1024 * 1024), '78.1 GiB')
  assert.equal(binaryTotal(312.5 * 1024 * 1024), '312.5 MiB')
  assert.equal(binaryTotal(64 * 1024), '64.0 KiB')
})

test("the /0 probe's colour, also its label's, reads at 4.5:1 on white and is no step's colour", () => {
  const ratio = contrast(hex(PROBE_COLOUR), [255, 255, 255])
  assert.ok(ratio >= 4.5, `${PROBE_COLOUR} on white: ${ratio.toFixed(2)}:1`)
  assert.ok(!Object.values(STEP_COLOURS).includes(PROBE_COLOUR))
})

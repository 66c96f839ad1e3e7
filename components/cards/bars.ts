// A bar of a bench card (BenchCompare, OverloadCompare): its width on the card's scale, solid in
// its colour, or hatched and outlined for a run the cap cut (its figure is what was done, or a lower
// bound), so a cut run reads apart from a whole one in print and in grey as well as in colour.

/** The width of `value` on a scale up to `max`, at least a sliver so a small figure still shows. */
export function barWidth(value: number | null, max: number): string {
  return `${value === null ? 0 : Math.max(0.5, (100 * value) / Math.max(max, 1e-9))}%`
}

export function barStyle(colour: string, value: number | null, max: number, cut: boolean): Record<string, string> {
  const width = barWidth(value, max)
  if (!cut) return { width, background: colour }
  return {
    width,
    background: `repeating-linear-gradient(135deg, ${colour} 0 3px, transparent 3px 6px)`,
    border: `1px solid ${colour}`,
  }
}

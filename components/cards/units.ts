// Sizes on the deck's cards, in binary units throughout (KiB, MiB, GiB: memory is counted in pages
// of 4 KiB, and a slide that showed MB beside MiB made a reader convert). bench/format.ts has the
// KiB and MiB; the GiB for totals is here until it joins them.

import { binarySize } from '../../bench/format.ts'

const GiB = 1024 ** 3

/** A total: "87.3 GiB" from 1 GiB up, else MiB or KiB ("312.5 MiB"). */
export function binaryTotal(bytes: number | null | undefined): string {
  return bytes !== null && bytes !== undefined && Number.isFinite(bytes) && bytes >= GiB
    ? `${(bytes / GiB).toFixed(1)} GiB`
    : binarySize(bytes)
}

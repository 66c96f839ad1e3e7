// Counting the pages of a PDF without a PDF library: every page is a dictionary with
// `/Type /Page`. Writers may pack those dictionaries into compressed object streams (pdf-lib,
// which Slidev's exporter uses, does), so every Flate stream is inflated and searched as well.

import { inflateSync } from 'node:zlib'

const PAGE = /\/Type\s*\/Page(?![a-zA-Z])/g

export function countPdfPages(pdf: Buffer): number {
  const text = pdf.toString('latin1')
  if (!text.startsWith('%PDF-')) throw new Error('not a PDF file')
  let pages = (text.match(PAGE) ?? []).length
  const streams = /(?<!end)stream\r?\n/g
  for (let m = streams.exec(text); m !== null; m = streams.exec(text)) {
    const start = m.index + m[0].length
    const end = text.indexOf('endstream', start)
    if (end === -1) break
    try {
      pages += (inflateSync(pdf.subarray(start, end)).toString('latin1').match(PAGE) ?? []).length
    } catch {
      // not a Flate stream (an image, a font): no page dictionaries in there
    }
    streams.lastIndex = end
  }
  return pages
}

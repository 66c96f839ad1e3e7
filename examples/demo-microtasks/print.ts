// How the demo prints one context's order, line by line: shared by the demo (main.ts) and the
// deck's live run of it (components/MicrotaskOrder.vue), so both look like the recording
// (recordings/demo-microtasks.txt). Pure functions of the data: safe in the browser.

import type { Context, Ran } from './order.ts'

/** "in an I/O callback (fs.readFile), they ran:" */
export function heading(context: Context): string {
  const where =
    context === 'main module' ? "in the main module (an ES module's top level)" : 'in an I/O callback (fs.readFile)'
  return `${where}, they ran:`
}

/** "  1. process.nextTick  microtask: Node's next-tick queue" */
export function ranLine(ran: Ran): string {
  return `  ${ran.order}. ${ran.kind.padEnd(17)} ${ran.queue}`
}

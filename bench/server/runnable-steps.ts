// Which registered servers the running Node can start. The registry (steps.ts) says what a server
// needs as data; this asks Node, so it runs under Node only. A server whose need is missing refuses
// to start with one line and exit 2 (its own tests check that); suites that run every server
// (the protocol suite, `bench:all`, `bench:record`) take the ones this Node can run.

import { handleTransferMissing } from '../../examples/shared/handle-transfer.ts'
import { STEPS, type StepEntry } from '../steps.ts'

/** Why this Node cannot start `step` (the end of a sentence), or undefined if it can. */
export function stepUnsupported(step: StepEntry): string | undefined {
  if (step.needs === 'socket-transfer') return handleTransferMissing()
  return undefined
}

/** The registry, less the servers the running Node cannot start. */
export function runnableSteps(): StepEntry[] {
  return STEPS.filter((step) => stepUnsupported(step) === undefined)
}

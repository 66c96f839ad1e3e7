// The kinds of scenario, one module each, and the one table from a kind's name to its module.
// Ask `kindOf` (kind.ts) what a scenario, its options or a result is; ask `kindReport` what that
// kind prints. Browser-safe: the deck's components import it.

import type { BenchResult } from '../types.ts'
import { awaitChain } from './await-chain.ts'
import { busyWorker, churn } from './churn.ts'
import { closed } from './closed.ts'
import { cpuMix } from './cpu-mix.ts'
import { type KindName, kindOf } from './kind.ts'
import { open } from './open.ts'
import { overload } from './overload.ts'
import type { KindReport } from './parts.ts'

export { hasProbe, isOpenLoop, type KindName, kindOf, sizesCpuTask } from './kind.ts'
export type { Column, KindReport } from './parts.ts'

const KINDS: Record<KindName, KindReport> = {
  closed,
  open,
  'cpu-mix': cpuMix,
  overload,
  'await-chain': awaitChain,
  churn,
  'busy-worker': busyWorker,
}

export function kindReport(kind: KindName): KindReport {
  return KINDS[kind]
}

/**
 * The kind of a set of results, for their one table. A comparison is one scenario, so one kind;
 * should they differ, the kind with the most columns of its own wins, so none of them goes missing.
 */
export function kindOfResults(results: readonly Pick<BenchResult, 'options'>[]): KindName {
  const kinds = new Set(results.map((r) => kindOf(r.options)))
  const order: KindName[] = ['overload', 'await-chain', 'cpu-mix', 'open', 'busy-worker', 'churn', 'closed']
  return order.find((k) => kinds.has(k)) ?? 'closed'
}

// One-off: the recorded files in the one envelope (bench/recording.ts), without re-running anything.
// Moves fields, renames them, regenerates the Markdown tables from the JSON; no number is touched.
//   bench/results/<scenario>.json  schemaVersion 1 + kind → schema 'bench-comparison/2';
//                                  the results lose their own schemaVersion and kind
//   bench/results/<scenario>.md    markdownReport() of the reshaped JSON
//   recordings/demo-buffers.json   'demo-buffers/1' → 'demo-buffers/2': machine as MachineInfo
//   recordings/thread-cost.json    the C source's new path in `native.what`
//   recordings/step4-trace.txt     the header's machine, time and command as envelope lines
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { envelopeLines, type MachineInfo } from '../bench/recording.ts'
import { REPO_ROOT } from '../bench/repo-root.ts'
import { markdownReport } from '../bench/report.ts'
import type { BenchComparison } from '../bench/types.ts'

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8')
const write = (path: string, text: string) => writeFileSync(join(REPO_ROOT, path), text)
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

for (const scenario of ['drill', 'burst512', 'hello', 'cpu-mix']) {
  const old = JSON.parse(read(`bench/results/${scenario}.json`))
  if (old.schemaVersion !== 1 || old.kind !== 'bench-comparison') throw new Error(`${scenario}: not a v1 comparison`)
  const results = old.results.map(({ schemaVersion: _v, kind: _k, ...rest }: Record<string, unknown>) => rest)
  const doc = {
    schema: 'bench-comparison/2',
    recordedAt: old.recordedAt,
    command: old.command,
    machine: old.machine,
    scenario: old.scenario,
    results,
  } as BenchComparison
  write(`bench/results/${scenario}.json`, json(doc))
  write(`bench/results/${scenario}.md`, markdownReport(doc))
}

{
  const old = JSON.parse(read('recordings/demo-buffers.json'))
  if (old.schema !== 'demo-buffers/1') throw new Error('demo-buffers: not v1')
  const { schema: _s, recordedAt, command, machine: m, ...body } = old
  const machine: MachineInfo = {
    cpuModel: m.cpu,
    cores: m.cores,
    totalMemoryBytes: m.memoryBytes,
    node: m.node,
    os: `${m.platform} ${m.release} (${m.arch})`,
    loadAverage1m: null,
  }
  write('recordings/demo-buffers.json', json({ schema: 'demo-buffers/2', recordedAt, command, machine, ...body }))
}

{
  const old = JSON.parse(read('recordings/thread-cost.json'))
  if ('what' in old.native) old.native.what = old.native.what.replace('bench/native/', 'recordings/')
  write('recordings/thread-cost.json', json(old))
}

{
  const lines = read('recordings/step4-trace.txt').split('\n')
  const recorded = /^# Recorded (\S+) on (.+) \((\d+) cores\), Node (\S+), (.+), load average ([\d.]+)\.$/.exec(
    lines[1]!,
  )
  if (
    !lines[0]!.startsWith('# step 4 --trace') ||
    !recorded ||
    !lines[2]!.startsWith('# Command: npm run trace:record')
  )
    throw new Error('step4-trace: not the old header')
  const [, recordedAt, cpuModel, cores, node, os, load] = recorded as unknown as string[]
  const machine: MachineInfo = {
    cpuModel: cpuModel!,
    cores: Number(cores),
    totalMemoryBytes: null,
    node: node!,
    os: os!,
    loadAverage1m: Number(load),
  }
  const envelope = { schema: 'step4-trace/1', recordedAt: recordedAt!, command: 'npm run trace:record', machine }
  const header = [
    ...envelopeLines(envelope),
    lines[0]!,
    '# The command starts node --import tsx examples/04-poller/server.ts --trace --port 0,',
    '#   sends one GET /100 (keep-alive, the client closes after the answer), then stops the server.',
  ]
  write('recordings/step4-trace.txt', [...header, ...lines.slice(4)].join('\n'))
}

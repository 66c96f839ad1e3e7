// The envelope of every recorded file: bench/results/<scenario>.json (a comparison of every step),
// recordings/thread-cost.json, recordings/demo-buffers.json, and the header of
// recordings/step4-trace.txt. Whatever a file holds, it says in the same four fields what it is
// and where it came from, so a reader (a person, a component, a test) checks one shape:
//
//   schema      what the file holds and the version of its shape: 'bench-comparison/2'
//   recordedAt  ISO time
//   command     the command that wrote it: 'npm run bench:record'
//   machine     CPU model, cores, memory, Node, OS, and the load average when it started
//   note        optional: what the recorder wants a reader to know, e.g. that the machine was
//               shared with other work while it ran (`--note` on the recorders)
//
// The version after the slash changes when a field changes meaning or disappears (adding one does
// not need it). Types and pure functions only: the deck's components import this in the browser.
// `envelopeOf` builds one; under Node, `newEnvelope` (server/machine.ts) calls it with the running
// machine, which only Node can read.

export interface MachineInfo {
  cpuModel: string
  /** Cores Node may use (`os.availableParallelism()`). */
  cores: number
  /** Null where it was not recorded (the first trace recordings did not say). */
  totalMemoryBytes: number | null
  /** `process.version`, e.g. `v26.12.1`. */
  node: string
  /** e.g. `linux 6.1.0-18-amd64 (x64)`. */
  os: string
  /**
   * One-minute load average when the recording started: a busy machine makes noisy numbers. Null
   * where it was not recorded.
   */
  loadAverage1m: number | null
}

export interface Envelope<Schema extends string = string> {
  schema: Schema
  recordedAt: string
  command: string
  machine: MachineInfo
  /** What whoever recorded it wants a reader to know ("shared machine: …"); absent when nothing. */
  note?: string
}

/** The envelope of a file recorded now on `machine` by `command` (with the recorder's `note`). */
export function envelopeOf<Schema extends string>(
  schema: Schema,
  command: string,
  machine: MachineInfo,
  note?: string,
): Envelope<Schema> {
  const envelope: Envelope<Schema> = { schema, recordedAt: new Date().toISOString(), command, machine }
  return note ? { ...envelope, note } : envelope
}

/** A recorded file: the envelope, then the fields of what it holds. */
export type Recording<Schema extends string, Body> = Envelope<Schema> & Body

/** Whether `value` is a recording of exactly this schema (name and version). */
export function isRecording<Schema extends string>(value: unknown, schema: Schema): value is Envelope<Schema> {
  if (typeof value !== 'object' || value === null) return false
  const { schema: actual, recordedAt, command, machine } = value as Partial<Envelope>
  return (
    actual === schema &&
    typeof recordedAt === 'string' &&
    typeof command === 'string' &&
    typeof machine === 'object' &&
    machine !== null
  )
}

/** "AMD EPYC, 2 cores, 24 GiB, Node v26.12.1, linux 6.1.0 (x64); load average 0.37 at start". */
export function machineLine(m: MachineInfo): string {
  const memory = m.totalMemoryBytes === null ? '' : ` ${(m.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB,`
  const load = m.loadAverage1m === null ? '' : `; load average ${m.loadAverage1m} at start`
  return `${m.cpuModel}, ${m.cores} cores,${memory} Node ${m.node}, ${m.os}${load}`
}

/** The envelope as one sentence, under the title of a Markdown recording. */
export function recordedLine(envelope: Envelope): string {
  const note = envelope.note ? ` ${envelope.note}` : ''
  return `Recorded ${envelope.recordedAt} with \`${envelope.command}\` on ${machineLine(envelope.machine)}.${note}`
}

/** The envelope as the comment lines that open a text recording (`# schema: step4-trace/1`, ...). */
export function envelopeLines(envelope: Envelope): string[] {
  return [
    `# schema: ${envelope.schema}`,
    `# recordedAt: ${envelope.recordedAt}`,
    `# command: ${envelope.command}`,
    `# machine: ${machineLine(envelope.machine)}`,
  ]
}

// The Node lines this project supports, in one place: scripts/check-node.mjs refuses any other
// before `npm run …` starts anything, and scripts/doctor.mjs reports it. package.json's `engines`
// states the same range for npm (a JSON file cannot import it). Plain JavaScript with no imports,
// so it loads on any Node.

/** As people say it, for the one-line refusals. */
export const SUPPORTED = 'Node 22.22+, 24.11+ or 26'

/** Is `version` (e.g. '26.12.1') on a supported line? */
export function supported(version = process.versions.node) {
  const [major = 0, minor = 0] = version.split('.').map(Number)
  return (major === 22 && minor >= 22) || (major === 24 && minor >= 11) || major >= 26
}

/** The line every entry point prints on an unsupported Node. */
export function unsupportedLine() {
  return `This project needs ${SUPPORTED} (26 LTS recommended); this is Node ${process.version}.`
}

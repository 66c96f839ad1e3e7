// Runs before `npm run dev` and `npm run dev:workshop`: is the deck's port free? Slidev, asked for
// no port, silently moves to the next free one (3031, ...), and a presenter who bookmarked
// localhost:3030 gets the other deck, or nothing. So the scripts ask for their port by name
// (`--port`, which Slidev then holds strictly), and this says in one line when it is taken.
// Plain JavaScript with no imports but node:net, so it runs on any Node.
//   node scripts/check-port.mjs 3030
import { createServer } from 'node:net'

const port = Number(process.argv[2])
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`check-port: expected a port number, got "${process.argv[2] ?? ''}"`)
  process.exit(2)
}
// Slidev listens on "localhost" (127.0.0.1 or ::1, as the system resolves it): try the same.
const server = createServer()
server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
  const why =
    error.code === 'EADDRINUSE'
      ? `port ${port} is taken (another \`npm run dev\` or \`npm run present\`?): ` +
        'stop it, or start `npm run present -- --port N`'
      : `cannot listen on localhost:${port}: ${error.message}`
  console.error(`deck: ${why}`)
  process.exit(1)
})
server.listen(port, 'localhost', () => server.close())

// Ctrl-C for the command-line front ends. The first Ctrl-C aborts the returned signal: the work in
// progress stops in order (the bench kills its server and load generator, and the command still
// prints what was measured). A second one exits at once with 130, the shell's code for SIGINT;
// child-processes.ts then kills any child still running.

/** Handle SIGINT from now on; `doing` says what stopping means ("stopping", "nothing more is written"). */
export function stopOnCtrlC(doing = 'stopping'): AbortSignal {
  const controller = new AbortController()
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write(`\n${doing} (Ctrl-C again to quit at once)…\n`)
    controller.abort(new Error('interrupted'))
  })
  return controller.signal
}

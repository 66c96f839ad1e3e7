// The Lua script that paces wrk for the cross-check's open loop (bench/cli/wrk-paced.lua), run for
// real against a server in this process: wrk sends at the rate it is given, whatever the number of
// connections. It needs wrk (Debian's package): this tier fails, rather than skips, without it, so
// a run that did not check the script never passes as one that did.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parseWrk, WRK } from '../../bench/tools/crosscheck.ts'
import { REPO_ROOT } from '../../bench/repo-root.ts'

describe('the cross-check against wrk', () => {
  test('wrk-paced.lua: 100 req/s for 2 s on 10 connections is ~200 requests, not as many as wrk can send', async () => {
    assert.ok(existsSync(WRK), `the load tier needs wrk at ${WRK} (apt-get install -y wrk; .ci/run installs it)`)
    const server = createServer((_req, res) => res.end('ok\n'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const lua = join(REPO_ROOT, 'bench/cli/wrk-paced.lua')
      const args = ['-t1', '-c10', '-d2s', '--latency', '-s', lua, `http://127.0.0.1:${port}/`, '--', '100']
      const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t))
      child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      assert.equal(code, 0, out)
      const row = parseWrk(out)
      assert.ok(row.requests >= 170 && row.requests <= 215, `${row.requests} requests in 2 s at 100/s`)
    } finally {
      server.close()
    }
  })
})

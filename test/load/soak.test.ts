// `npm run soak`, briefly: a few seconds, a few connections, against steps 3 and 4 (the shared
// connection handling, and step 4's own). The well-behaved load gets every answer, each kind of
// hostile connection runs and ends (answered or closed, never hung), the server keeps serving and
// holds no connection afterwards. The long run (1,000 connections, 30 s) is `npm run soak`.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ATTACKS } from '../../bench/tools/soak-clients.ts'
import { runSoak, soakProblems } from '../../bench/tools/soak.ts'

for (const step of ['3', '4']) {
  test(`step ${step}: 20 keep-alive connections and 4 hostile clients for 2 s`, async () => {
    const report = await runSoak({
      step,
      connections: 20,
      durationS: 2,
      attackers: 4,
      path: '/50',
      headerTimeoutMs: 300,
    })
    assert.deepEqual(soakProblems(report), [])
    assert.ok(report.load.answered >= 20, `${report.load.answered} answers`)
    for (const kind of ATTACKS) assert.ok(report.attacks[kind].sent > 0, `${kind} ran`)
    assert.ok((report.attacks['half-head'].answers['408'] ?? 0) > 0, 'a half head got its 408')
    assert.ok((report.attacks['oversized-head'].answers['431'] ?? 0) > 0, 'an oversized head got its 431')
    assert.equal(report.server.connectionsAfter, 0)
  })
}

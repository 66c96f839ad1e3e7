// The live bench (bench/live/): what a window may ask for (the names it may send, the caps) and
// who may ask (this deck's origin, on loopback). Pure functions, no process started. The host and
// the plugin are in live-host.test.ts, the plugin on a real dev server in
// test/load/live-plugin.test.ts, the browser side in test/browser/live-bench.test.ts.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isDeckOrigin, isLoopbackAddress, refusePeer } from '../../bench/live/origin.ts'
import { checkRunRequest, LIVE_MAX_STEPS, liveRefusal } from '../../bench/live/requests.ts'
import { findScenario } from '../../bench/scenarios.ts'

describe('live bench: what a window may ask for', () => {
  test('known step and scenario names are accepted, for one step or a comparison', () => {
    assert.deepEqual(checkRunRequest({ requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' }), {
      ok: true,
      value: { requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' },
    })
    const compare = checkRunRequest({
      requestId: 'r2',
      kind: 'compare',
      scenario: 'cpu-mix',
      steps: ['3', '5', 'piscina'],
    })
    assert.ok(compare.ok)
    assert.deepEqual(compare.value, {
      requestId: 'r2',
      kind: 'compare',
      scenario: 'cpu-mix',
      steps: ['3', '5', 'piscina'],
    })
    assert.ok(checkRunRequest({ requestId: 'r3', kind: 'single', scenario: 'drill', step: '2-pool' }).ok)
    // An open-loop scenario within the caps runs live like any other.
    assert.ok(checkRunRequest({ requestId: 'r4', kind: 'compare', scenario: 'paced', steps: ['3', '4'] }).ok)
    // The microtask trap, one scenario per run (LoopLag's two buttons), and step 5 with a spare core.
    for (const scenario of ['await-trap', 'await-yield'])
      assert.ok(checkRunRequest({ requestId: 'r5', kind: 'compare', scenario, steps: ['3'] }).ok, scenario)
    assert.ok(checkRunRequest({ requestId: 'r6', kind: 'single', scenario: 'cpu-mix', step: '5-spare-core' }).ok)
  })

  test("a scenario beyond the caps is refused: connections, an open loop's rate, a duration past the cap", () => {
    const paced = findScenario('paced')!
    assert.equal(liveRefusal(paced), null)
    for (const [scenario, why] of [
      [{ ...paced, connections: 601 }, /opens 601 connections, more than a live run may \(600\)/],
      [{ ...paced, open: { ratePerSec: 10_001 } }, /offers 10001 req\/s, more than a live run may \(10000\)/],
      [{ ...paced, durationS: 11 }, /runs longer than a live run may \(10 s\)/],
    ] as const) {
      assert.match(liveRefusal(scenario) ?? '', why)
    }
  })

  test('anything else is refused with a one-line reason: unknown names, paths, commands, URLs, extra fields', () => {
    const base = { requestId: 'r1', kind: 'single', scenario: 'drill', step: '3' }
    const cases: [unknown, RegExp][] = [
      [{ ...base, step: '9' }, /unknown step '9'/],
      [{ ...base, step: '../../etc/passwd' }, /unknown step/],
      [{ ...base, step: 'examples/01-blocking/server.ts' }, /unknown step/],
      [{ ...base, step: '3; rm -rf /' }, /unknown step/],
      [{ ...base, step: 3 }, /step must be a step name/],
      [{ ...base, scenario: 'nope' }, /unknown scenario 'nope'/],
      [{ ...base, scenario: 'c10k' }, /c10k opens 10000 connections, more than a live run may \(600\)/],
      [{ ...base, url: 'http://127.0.0.1:22' }, /unexpected field 'url'/],
      [{ ...base, path: '/cpu/1000000000' }, /unexpected field 'path'/],
      [{ ...base, connections: 1, capS: 300 }, /unexpected fields 'connections', 'capS'/],
      [{ ...base, kind: 'shell' }, /kind must be/],
      [{ ...base, requestId: 'x'.repeat(65) }, /requestId/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: [] }, /1 to 8 step names/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: Array(LIVE_MAX_STEPS + 1).fill('3') }, /1 to 8/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: ['3', '3'] }, /listed twice/],
      [{ requestId: 'r', kind: 'compare', scenario: 'drill', steps: ['3', 'rm'] }, /unknown step 'rm'/],
      [null, /an object/],
      [['drill', '3'], /an object/],
      ['drill', /an object/],
    ]
    for (const [input, reason] of cases) {
      const checked = checkRunRequest(input)
      assert.equal(checked.ok, false, JSON.stringify(input))
      if (!checked.ok) {
        assert.match(checked.message, reason, JSON.stringify(input))
        assert.ok(!checked.message.includes('\n'))
      }
    }
  })
})

describe('live bench: who may start a run', () => {
  test('the origin must be this dev server, on loopback, on its port', () => {
    assert.ok(isDeckOrigin('http://localhost:3032', 3032))
    assert.ok(isDeckOrigin('http://127.0.0.1:3032', 3032))
    assert.ok(isDeckOrigin('http://[::1]:3032', 3032))
    for (const origin of [
      'http://localhost:3033',
      'http://evil.example:3032',
      'http://localhost.evil.example:3032',
      'null',
      'file://',
      'http://localhost:3032/x',
      'http://user@localhost:3032',
      'ws://localhost:3032',
      '',
    ]) {
      assert.equal(isDeckOrigin(origin, 3032), false, origin)
    }
    assert.equal(isDeckOrigin('http://localhost:3032', null), false)
  })

  test('the peer must be on loopback, and a connection without an Origin is refused', () => {
    assert.ok(isLoopbackAddress('127.0.0.1') && isLoopbackAddress('::1') && isLoopbackAddress('::ffff:127.0.0.1'))
    assert.ok(
      !isLoopbackAddress('192.168.1.20') && !isLoopbackAddress('::ffff:10.0.0.1') && !isLoopbackAddress(undefined),
    )
    assert.equal(refusePeer({ origin: 'http://localhost:3032', address: '127.0.0.1' }, 3032), null)
    assert.match(
      refusePeer({ origin: 'http://localhost:3032', address: '192.168.1.20' }, 3032)!,
      /only from this machine/,
    )
    assert.match(refusePeer({ origin: undefined, address: '127.0.0.1' }, 3032)!, /no Origin/)
    assert.match(refusePeer({ origin: 'http://evil.example', address: '127.0.0.1' }, 3032)!, /not this deck/)
    assert.match(refusePeer(undefined, 3032)!, /unknown connection/)
  })
})

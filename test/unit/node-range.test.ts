// The supported Node lines (scripts/node-range.mjs), which every entry point's check and
// `npm run doctor` use, and the feature check an entry runs before it starts.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { missingFeatures } from '../../examples/shared/node-features.ts'
import { supported } from '../../scripts/node-range.mjs'

test('supported lines: 22.22+, 24.11+, 26 and later; not 20, 23, 25 or an early 22 or 24', () => {
  for (const version of ['22.22.0', '22.30.1', '24.11.0', '24.20.0', '26.0.0', '26.12.1', '28.1.0'])
    assert.equal(supported(version), true, version)
  for (const version of ['20.20.2', '22.21.9', '23.11.0', '24.10.0', '25.2.0'])
    assert.equal(supported(version), false, version)
})

test('this Node has every feature an entry point may ask for', () => {
  assert.deepEqual(missingFeatures(['type-stripping', 'strip-types-api', 'module-hooks']), [])
})

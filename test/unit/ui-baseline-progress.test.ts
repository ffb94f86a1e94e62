// A new infant's timeline says how many baseline cries and recordings are still needed.
import { describe, expect, it } from 'vitest'
import { baselineChip, baselineNeeds } from '../../src/renderer/src/view-model/baseline-progress'

const goal = { minCries: 30, minRecordings: 3 }

describe('baselineNeeds', () => {
  it('says what completes the baseline of an infant without cries', () => {
    expect(baselineNeeds({ phase: 'no-cries', baseline: { cries: 0, recordings: 0, ...goal } })).toBe(
      "No baseline cries yet. This infant's cries are scored once its baseline holds 30 cries from 3 recordings.",
    )
  })

  it('counts what is in and what is still needed', () => {
    expect(baselineNeeds({ phase: 'baseline', baseline: { cries: 29, recordings: 1, ...goal } })).toBe(
      'Collecting the baseline: 29 cries from 1 recording so far, of 30 cries from 3 recordings. ' +
        'Still needed: 1 more cry and 2 more recordings; cries are scored after that.',
    )
    expect(baselineNeeds({ phase: 'baseline', baseline: { cries: 41, recordings: 2, ...goal } })).toContain(
      'Still needed: 1 more recording;',
    )
    expect(baselineChip({ phase: 'baseline', baseline: { cries: 41, recordings: 2, ...goal } })).toBe(
      '30/30 cries, 2/3 recordings',
    )
  })

  it('says nothing once the infant is tracked', () => {
    const tracked = { phase: 'tracking' as const, baseline: { cries: 30, recordings: 3, ...goal } }
    expect(baselineNeeds(tracked)).toBeNull()
    expect(baselineChip(tracked)).toBeNull()
  })
})

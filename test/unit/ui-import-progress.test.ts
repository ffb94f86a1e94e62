// The import screen's arithmetic: the running file's own progress from the job's size-weighted fraction, and
// time left from the rate so far.
import { describe, expect, it } from 'vitest'
import { fileFractions, secondsLeft } from '../../src/renderer/src/view-model/import-progress'

describe('fileFractions', () => {
  it('derives the running file’s fraction from the size-weighted overall progress', () => {
    const files = [
      { status: 'imported' },
      { status: 'refused' },
      { status: 'pending' },
      { status: 'pending' },
    ] as const
    // sizes 100, 100, 200, 600: settled 200 of 1000; overall 0.3 → 100 of the running file's 200
    expect(fileFractions(files, [100, 100, 200, 600], 0.3)).toEqual([1, null, 0.5, 0])
  })

  it('clamps to [0, 1] and treats duplicates as done, cancelled as no bar', () => {
    const files = [{ status: 'duplicate' }, { status: 'pending' }, { status: 'cancelled' }] as const
    expect(fileFractions(files, [10, 10, 10], 1)).toEqual([1, 1, null])
    expect(fileFractions(files, [10, 10, 10], 0.1)).toEqual([1, 0, null]) // behind the settled files: 0, not negative
    expect(fileFractions([{ status: 'pending' }], [0], 0)).toEqual([0])
  })
})

describe('secondsLeft', () => {
  it('extrapolates the average rate', () => {
    expect(secondsLeft(25, 100, 10_000)).toBe(30)
  })
  it('says nothing until there is enough to go on, and 0 when done', () => {
    expect(secondsLeft(0, 100, 10_000)).toBeNull()
    expect(secondsLeft(10, 100, 500)).toBeNull()
    expect(secondsLeft(100, 100, 5000)).toBe(0)
  })
})

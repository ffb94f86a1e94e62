// `iclas bench --json FILE` used to take FILE for a suite name: both spellings reach the suites as --json=FILE.
import { describe, expect, it } from 'vitest'
import { BenchUsageError } from '../../bench/suite'
import { parseBenchArgs } from '../../bench/registry'

const SUITES = ['audio', 'anomaly', 'embed']

describe('iclas bench arguments', () => {
  it('accepts --json FILE and --json=FILE', () => {
    expect(parseBenchArgs(['anomaly', '--json', 'out.json'], SUITES)).toEqual({
      names: ['anomaly'],
      json: 'out.json',
      suiteArgv: ['anomaly'],
    })
    expect(parseBenchArgs(['--json=out.json', 'anomaly'], SUITES).json).toBe('out.json')
    expect(parseBenchArgs(['--json', 'out.json'], SUITES)).toEqual({
      names: [],
      json: 'out.json',
      suiteArgv: [],
    })
  })

  it('keeps other options and their values for the suites', () => {
    expect(parseBenchArgs(['audio', '--hours', '1,24', '--no-16k', 'embed', '--sizes=50'], SUITES)).toEqual({
      names: ['audio', 'embed'],
      json: null,
      suiteArgv: ['audio', '--hours', '1,24', '--no-16k', 'embed', '--sizes=50'],
    })
  })

  it('refuses unknown suites and a --json without a file', () => {
    expect(() => parseBenchArgs(['anomly'], SUITES)).toThrow(BenchUsageError)
    expect(() => parseBenchArgs(['anomaly', '--json'], SUITES)).toThrow(/--json needs a file name/)
    expect(() => parseBenchArgs(['--json', '--sizes=50'], SUITES)).toThrow(/--json needs a file name/)
  })
})

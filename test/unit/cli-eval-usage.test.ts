import { describe, expect, it } from 'vitest'
import { evalCommand } from '../../src/main/cli/commands/eval'

describe('iclas eval <protocol> --help', () => {
  it("shows the protocol's own options", () => {
    for (const p of ['segmentation', 'gate', 'verification', 'anomaly', 'drift'])
      expect(evalCommand.usageFor!([p, '--help'])).toContain(`iclas eval ${p}`)
  })
  it('falls back to the list of protocols when none is named', () => {
    expect(evalCommand.usageFor!(['--help'])).toBeUndefined()
    expect(evalCommand.usage).toContain('verification')
  })
})

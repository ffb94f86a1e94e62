// The demo ward's shape: the default week (6 infants, 2 deviating, recent dates), deviations in the second
// half of the week so each baseline comes first, and ICLAS_DEMO_CONFIG read or refused plainly.
import { describe, expect, it } from 'vitest'
import { demoShapeFromEnv } from '../../src/main/core/services/demo'
import { demoInfants, simulatedDemoParams } from '../../src/main/core/services/demo-sources'
import { planWard } from '../../src/main/engine/sim'

describe('demo ward parameters', () => {
  it('default: six infants over the seven days before today, two deviating in the second half of the week', () => {
    const now = new Date(2026, 10, 25, 11, 30)
    const p = simulatedDemoParams({}, now)
    if (p.source !== 'simulated') throw new Error('expected a simulated ward')
    expect(p.ward).toMatchObject({
      infants: 6,
      days: 7,
      seed: 1,
      start: '2026-11-18T00:00:00',
      labelPrefix: 'DEMO',
    })
    const plan = planWard(p.ward)
    const deviating = plan.infants.filter((i) => i.deviation)
    expect(deviating).toHaveLength(2)
    for (const i of deviating) {
      const share = i.deviation!.startS / (7 * 86400)
      expect(share).toBeGreaterThanOrEqual(0.5 - 1 / 168)
      expect(share).toBeLessThanOrEqual(0.65 + 1 / 168)
    }
    // The last recording ends before today's first minute: the ward is recent, never in the future.
    const last = plan.recordings.at(-1)!
    expect(last.startS + last.durationS).toBeLessThanOrEqual(7 * 86400)
    expect(demoInfants(p).map((i) => [i.label, i.externalId, i.bed])).toEqual(
      Array.from({ length: 6 }, (_, k) => [`Demo ${k + 1} (simulated)`, `DEMO-0${k + 1}`, `D${k + 1}`]),
    )
  })

  it('the same options give the same ward; options reshape it', () => {
    const now = new Date(2026, 0, 10)
    expect(simulatedDemoParams({ seed: 4 }, now)).toEqual(simulatedDemoParams({ seed: 4 }, now))
    const small = simulatedDemoParams({ infants: 2, days: 2, hoursPerDay: 0.1 }, now)
    if (small.source !== 'simulated') throw new Error('expected a simulated ward')
    expect(small.ward).toMatchObject({ infants: 2, days: 2, hoursPerDay: 0.1, deviating: 0 })
    expect(() => simulatedDemoParams({ infants: 0 }, now)).toThrow(RangeError)
  })

  it('ICLAS_DEMO_CONFIG is JSON or a plain refusal', () => {
    expect(demoShapeFromEnv({})).toEqual({})
    expect(demoShapeFromEnv({ ICLAS_DEMO_CONFIG: '{"infants":2,"days":3}' })).toEqual({ infants: 2, days: 3 })
    expect(() => demoShapeFromEnv({ ICLAS_DEMO_CONFIG: '{infants:2' })).toThrow(
      /ICLAS_DEMO_CONFIG is not JSON/,
    )
  })
})

// The ward's sound bed: every kind of event occurs, busier by day than by night, at the levels declared.
import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/main/engine/sim'
import { WardBackground } from '../../src/main/engine/sim/ward-background'
import { rmsDb } from './sim-measure'

const FS = 16000

describe('WardBackground', () => {
  it('schedules every kind of event, more of them by day than by night', () => {
    const day = new WardBackground(new Rng('bg-day'), FS, 6 * 3600, 9, { distantInfants: true, activity: 1 })
    const night = new WardBackground(new Rng('bg-night'), FS, 6 * 3600, 0, {
      distantInfants: true,
      activity: 1,
    })
    const kinds = new Set(day.events.map((e) => e.kind))
    expect([...kinds].sort()).toEqual(['alarm', 'distant-cry', 'door', 'monitor-beeps', 'speech'])
    const count = (bg: WardBackground, kind: string) => bg.events.filter((e) => e.kind === kind).length
    expect(count(day, 'speech') + count(day, 'door')).toBeGreaterThan(
      1.5 * (count(night, 'speech') + count(night, 'door')),
    )
    for (const e of day.events) {
      expect(e.endS).toBeGreaterThan(e.startS)
      expect(e.endS).toBeLessThanOrEqual(6 * 3600)
    }
    const quiet = new WardBackground(new Rng('bg'), FS, 3600, 12, { distantInfants: false, activity: 0 })
    expect(quiet.events).toEqual([])
  })

  it('renders the same audio whatever the chunk size, with events at their declared peak level', () => {
    const make = () =>
      new WardBackground(new Rng('chunks'), FS, 600, 12, { distantInfants: true, activity: 6 })
    const whole = new Float32Array(600 * FS)
    make().renderInto(whole, 0)
    const bg = make()
    const pieces = new Float32Array(600 * FS)
    for (let at = 0, k = 0; at < pieces.length; k++) {
      const n = Math.min(pieces.length - at, [777, 16000, 123457][k % 3]!)
      const chunk = new Float32Array(n)
      bg.renderInto(chunk, at)
      pieces.set(chunk, at)
      at += n
    }
    let differing = 0
    for (let i = 0; i < whole.length; i++) if (pieces[i] !== whole[i]) differing++
    expect(differing).toBe(0)

    // The bed stays around -60…-40 dBFS; an event's peak is near its declared level.
    const quietest = Math.min(
      ...Array.from({ length: 60 }, (_, s) => rmsDb(whole, s * 10 * FS, (s * 10 + 1) * FS)),
    )
    expect(quietest).toBeGreaterThan(-65)
    expect(quietest).toBeLessThan(-38)
    const alone = bg.events.filter((e) =>
      bg.events.every((o) => o === e || o.endS < e.startS || o.startS > e.endS),
    )
    const events = alone.filter((e) => e.kind === 'door' || e.kind === 'alarm')
    expect(events.length).toBeGreaterThan(2)
    for (const e of events) {
      let peak = 0
      for (let i = Math.round(e.startS * FS); i < Math.round(e.endS * FS); i++)
        peak = Math.max(peak, Math.abs(whole[i]!))
      expect(20 * Math.log10(peak)).toBeGreaterThan(e.peakDb - 1.5)
      expect(20 * Math.log10(peak)).toBeLessThan(e.peakDb + 3)
    }
  })
})

import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/main/engine/sim'

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next())

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draw(new Rng(42), 100)).toEqual(draw(new Rng(42), 100))
    expect(draw(new Rng(42), 100)).not.toEqual(draw(new Rng(43), 100))
    expect(draw(new Rng('42'), 10)).toEqual(draw(new Rng(42), 10))
  })

  it('forks by name, not by how far the parent has drawn', () => {
    const a = new Rng(7)
    const b = new Rng(7)
    draw(b, 1000)
    expect(draw(a.fork('infant-1'), 50)).toEqual(draw(b.fork('infant-1'), 50))
    expect(draw(a.fork('infant-1'), 50)).not.toEqual(draw(a.fork('infant-2'), 50))
  })

  it('draws uniform, normal and integer values with the right moments and ranges', () => {
    const rng = new Rng('moments')
    const n = 200_000
    const u = draw(rng, n)
    expect(u.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(0)
    expect(u.reduce((a, b) => Math.max(a, b))).toBeLessThan(1)
    expect(u.reduce((a, b) => a + b) / n).toBeCloseTo(0.5, 2)
    const z = Array.from({ length: n }, () => rng.normal())
    const m = z.reduce((a, b) => a + b) / n
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - m) ** 2, 0) / n)
    expect(m).toBeCloseTo(0, 1)
    expect(sd).toBeCloseTo(1, 1)
    const ints = new Set(Array.from({ length: 10_000 }, () => rng.int(3, 6)))
    expect([...ints].sort()).toEqual([3, 4, 5, 6])
    const picks = Array.from({ length: 30_000 }, () => rng.weighted([1, 2, 0, 1]))
    expect(picks.filter((p) => p === 2)).toHaveLength(0)
    expect(picks.filter((p) => p === 1).length / picks.length).toBeCloseTo(0.5, 1)
  })
})

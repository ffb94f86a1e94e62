// The synthesizer's cries, measured with an independent tracker: phonation types in their literature ranges,
// expirations where it says they are, deviations moving the measures the right way, infants told apart.
import { describe, expect, it } from 'vitest'
import { Rng, makeVoice, synthesizeCry, type SynthesizedCry } from '../../src/main/engine/sim'
import { bandSpectrum, mean, median, rmsDb, trackPitch } from './sim-measure'

const FS = 16000
const slice = (cry: SynthesizedCry, e: { startS: number; endS: number }) =>
  cry.samples.subarray(Math.round(e.startS * cry.sampleRate), Math.round(e.endS * cry.sampleRate))

function cries(
  voiceSeed: string,
  n: number,
  severity = 0,
  extra: Parameters<typeof synthesizeCry>[1] = { severity },
) {
  const voice = makeVoice(voiceSeed)
  const rng = new Rng(`test/${voiceSeed}/${severity}`)
  return Array.from({ length: n }, () => synthesizeCry(voice, { ...extra, severity }, rng))
}

describe('makeVoice', () => {
  it('gives the same infant for the same seed and a different one for another', () => {
    expect(makeVoice('a')).toEqual(makeVoice('a'))
    const a = makeVoice('a')
    const b = makeVoice('b')
    expect(a.f0MeanHz).not.toBe(b.f0MeanHz)
    expect(a.formantsHz).not.toEqual(b.formantsHz)
  })

  it('keeps mean f0 in the range of infant phonation', () => {
    const f0 = Array.from({ length: 200 }, (_, i) => makeVoice(i).f0MeanHz)
    expect(Math.min(...f0)).toBeGreaterThanOrEqual(300)
    expect(Math.max(...f0)).toBeLessThanOrEqual(620)
    const typical = f0.filter((f) => f >= 350 && f <= 550).length / f0.length
    expect(typical).toBeGreaterThan(0.8)
  })
})

describe('synthesizeCry', () => {
  it('is deterministic for a voice and a seed', () => {
    const voice = makeVoice('det')
    const a = synthesizeCry(voice, { severity: 0.3 }, new Rng('x'))
    const b = synthesizeCry(voice, { severity: 0.3 }, new Rng('x'))
    expect(a.samples).toEqual(b.samples)
    expect(a.expirations).toEqual(b.expirations)
  })

  it('lays out expirations and quieter inspirations in order, inside the audio, with silence around', () => {
    for (const cry of cries('layout', 6)) {
      expect(cry.sampleRate).toBe(FS)
      const dur = cry.samples.length / FS
      let last = 0
      cry.expirations.forEach((e, i) => {
        expect(e.startS).toBeGreaterThanOrEqual(last)
        expect(e.endS - e.startS).toBeGreaterThanOrEqual(0.08)
        expect(e.endS - e.startS).toBeLessThanOrEqual(4)
        expect(e.endS).toBeLessThanOrEqual(dur)
        last = e.endS
        const insp = cry.inspirations[i]
        if (insp) {
          expect(insp.startS).toBeGreaterThanOrEqual(e.endS)
          expect(insp.endS).toBeLessThanOrEqual(cry.expirations[i + 1]!.startS)
          expect(rmsDb(slice(cry, insp))).toBeLessThan(rmsDb(slice(cry, e)) - 6)
        }
      })
      expect(cry.inspirations).toHaveLength(cry.expirations.length - 1)
      expect(rmsDb(cry.samples, 0, Math.floor(cry.expirations[0]!.startS * FS) - 1)).toBeLessThan(-150)
      expect(cry.samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0)).toBeLessThan(1)
    }
  })

  it('measures phonation at 250–700 Hz, mostly voiced', () => {
    const f0s: number[] = []
    const voiced: number[] = []
    for (let v = 0; v < 8; v++) {
      for (const cry of cries(`phon-${v}`, 2)) {
        for (const e of cry.expirations.filter(
          (x) => x.phonation === 'phonation' && x.endS - x.startS > 0.3,
        )) {
          const t = trackPitch(slice(cry, e), FS)
          voiced.push(t.f0Hz.length / t.frames)
          if (t.f0Hz.length) f0s.push(median(t.f0Hz))
        }
      }
    }
    expect(f0s.length).toBeGreaterThan(30)
    const inRange = f0s.filter((f) => f >= 250 && f <= 700).length / f0s.length
    expect(inRange).toBeGreaterThan(0.9)
    expect(median(voiced)).toBeGreaterThan(0.8)
  })

  it('measures hyperphonation at 1000–2000 Hz', () => {
    const all = cries('hyper', 4, 1, { severity: 1, deviation: { hyperphonationAdd: 1, f0RiseSemitones: 0 } })
    const f0s: number[] = []
    for (const cry of all) {
      for (const e of cry.expirations.filter(
        (x) => x.phonation === 'hyperphonation' && x.endS - x.startS > 0.2,
      )) {
        const t = trackPitch(slice(cry, e), FS, 600, 2400)
        if (t.f0Hz.length) f0s.push(median(t.f0Hz))
      }
    }
    expect(f0s.length).toBeGreaterThan(8)
    for (const f of f0s) {
      expect(f).toBeGreaterThan(950)
      expect(f).toBeLessThan(2100)
    }
  })

  it('makes dysphonation aperiodic', () => {
    const extra = { severity: 1, deviation: { dysphonationAdd: 1, hyperphonationAdd: 0, noiseAddDb: 0 } }
    const periodicity = (phonation: string, list: SynthesizedCry[]) =>
      list.flatMap((cry) =>
        cry.expirations
          .filter((e) => e.phonation === phonation && e.endS - e.startS > 0.3)
          .map((e) => median(trackPitch(slice(cry, e), FS).periodicity)),
      )
    const dys = periodicity('dysphonation', cries('dys', 8, 1, extra))
    const phon = periodicity('phonation', cries('dys', 4))
    expect(dys.length).toBeGreaterThan(8)
    expect(median(dys)).toBeLessThan(median(phon) - 0.1)
  })

  it('synthesizes at 48 kHz with the same timing and pitch', () => {
    const voice = makeVoice('rate')
    const a = synthesizeCry(voice, { severity: 0, sampleRate: 48000, expirations: 3 }, new Rng('r'))
    expect(a.sampleRate).toBe(48000)
    const e = a.expirations.find((x) => x.phonation === 'phonation' && x.endS - x.startS > 0.3)
    if (!e) return
    const t = trackPitch(slice(a, e), 48000)
    expect(Math.abs(Math.log2(median(t.f0Hz) / e.f0MeanHz))).toBeLessThan(0.25)
  })

  it('moves a deviating infant the right way: higher f0, flatter, shorter, quieter, noisier', () => {
    const measure = (severity: number) => {
      const f0: number[] = []
      const range: number[] = []
      const dur: number[] = []
      const level: number[] = []
      const hyper: number[] = []
      for (const cry of cries('deviant', severity ? 100 : 30, severity)) {
        for (const e of cry.expirations) {
          dur.push(e.endS - e.startS)
          level.push(rmsDb(slice(cry, e)))
          hyper.push(e.phonation === 'hyperphonation' ? 1 : 0)
          if (e.phonation !== 'phonation' || e.endS - e.startS < 0.3) continue
          const t = trackPitch(slice(cry, e), FS)
          if (t.f0Hz.length < 20) continue
          // Melody range: 10th to 90th percentile in semitones, octave errors of the tracker left out.
          const centre = 12 * Math.log2(median(t.f0Hz))
          const st = t.f0Hz
            .map((f) => 12 * Math.log2(f))
            .filter((x) => Math.abs(x - centre) < 7)
            .sort((a, b) => a - b)
          f0.push(median(t.f0Hz))
          range.push(st[Math.floor(0.9 * st.length)]! - st[Math.floor(0.1 * st.length)]!)
        }
      }
      return {
        f0: median(f0),
        range: median(range),
        dur: median(dur),
        level: mean(level),
        hyper: mean(hyper),
      }
    }
    const well = measure(0)
    const ill = measure(1)
    expect(12 * Math.log2(ill.f0 / well.f0)).toBeGreaterThan(2)
    expect(ill.range).toBeLessThan(well.range * 0.8)
    expect(ill.dur).toBeLessThan(well.dur * 0.85)
    expect(ill.level).toBeLessThan(well.level - 3)
    expect(ill.hyper).toBeGreaterThan(well.hyper + 0.1)
  })

  it('gives infants voices a simple classifier tells apart', () => {
    // Nearest centroid on measured f0 and a coarse spectrum: 6 infants, 4 cries to learn, 4 to test.
    const features = (cry: SynthesizedCry) => {
      const voicedParts = cry.expirations.filter((e) => e.phonation === 'phonation')
      const f0 = voicedParts.flatMap((e) => trackPitch(slice(cry, e), FS).f0Hz)
      const audio = new Float32Array(voicedParts.reduce((n, e) => n + slice(cry, e).length, 0))
      let at = 0
      for (const e of voicedParts) {
        audio.set(slice(cry, e), at)
        at += slice(cry, e).length
      }
      return [3 * Math.log2(median(f0)), ...bandSpectrum(audio, FS).map((x) => x / 6)]
    }
    const infants = Array.from({ length: 6 }, (_, i) => cries(`who-${i}`, 8).map(features))
    const centroids = infants.map((list) =>
      list.slice(0, 4)[0]!.map((_, k) => mean(list.slice(0, 4).map((f) => f[k]!))),
    )
    let right = 0
    let total = 0
    infants.forEach((list, who) => {
      for (const f of list.slice(4)) {
        const d = centroids.map((c) => c.reduce((s, x, k) => s + (x - f[k]!) ** 2, 0))
        if (d.indexOf(Math.min(...d)) === who) right++
        total++
      }
    })
    expect(right / total).toBeGreaterThan(0.7)
  })
})

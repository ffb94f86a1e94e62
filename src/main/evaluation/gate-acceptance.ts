// Does the cry / non-cry classifier keep the cries the workstation exists for? Its acceptance (P(cry) at or above
// the ward's minimum) of deviating cries — the simulator's hyperphonated and dysphonated expirations, from usual
// and deviating voices, and real cries pitch-raised or made aperiodic — beside its acceptance of what it must
// reject (alarms, speech, laughter, ward sounds). The gate uses P(cry) only to keep sounds out of the baseline, so
// a doubted deviating cry is still flagged; this says how often the classifier doubts one.
import { makeVoice, Rng, synthesizeCry } from '../engine/sim'
import { median } from '../engine/stats'

export interface AcceptanceGroup {
  group: string
  sounds: number
  /** Share of sounds with P(cry) ≥ the minimum. */
  accepted: number
  median_p_cry: number | null
}

/** P(cry) of each sound: 16 kHz samples of one sound each (not normalised). */
export type PCryOf = (sounds: Float32Array[]) => Promise<Float64Array>

export function acceptance(group: string, p: ArrayLike<number>, minCry: number): AcceptanceGroup {
  const v = Array.from(p)
  return {
    group,
    sounds: v.length,
    accepted: v.length ? v.filter((x) => x >= minCry).length / v.length : NaN,
    median_p_cry: median(v),
  }
}

/**
 * The simulator's expirations by phonation type and state: `voices` voices, each with `cries` usual cries
 * (severity 0) and as many deviating ones (severity 1).
 */
export async function simulatedAcceptance(
  pCry: PCryOf,
  minCry: number,
  opts: { voices?: number; cries?: number; seed?: string } = {},
): Promise<AcceptanceGroup[]> {
  const voices = opts.voices ?? 8
  const cries = opts.cries ?? 6
  const byGroup = new Map<string, number[]>()
  for (let v = 0; v < voices; v++) {
    const name = `${opts.seed ?? 'gate-acceptance'}-${v}`
    const voice = makeVoice(name)
    for (const severity of [0, 1]) {
      const pieces: Float32Array[] = []
      const labels: string[] = []
      for (let c = 0; c < cries; c++) {
        const cry = synthesizeCry(voice, { severity, expirations: 3 }, new Rng(`${name}-${severity}-${c}`))
        for (const e of cry.expirations) {
          pieces.push(cry.samples.slice(Math.round(e.startS * 16000), Math.round(e.endS * 16000)))
          labels.push(e.phonation)
        }
      }
      const p = await pCry(pieces)
      labels.forEach((phonation, i) => {
        for (const g of [`sim ${phonation}`, `sim ${severity ? 'deviating' : 'usual'} voice`]) {
          const list = byGroup.get(g) ?? []
          list.push(p[i]!)
          byGroup.set(g, list)
        }
      })
    }
  }
  return [...byGroup.entries()].map(([g, p]) => acceptance(g, p, minCry))
}

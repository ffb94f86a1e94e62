// When an infant cries during one recording, and the cries themselves. Infants cry in spells (one to five
// minutes of bouts every half-minute or so, more in the evening and around three-hourly feeds) with the odd isolated
// bout between; a bout is one synthesizeCry call (several expirations). Bouts are synthesized only when the
// stream reaches them, and each draws from its own named Rng stream, so the audio does not depend on chunking.
import { synthesizeCry } from './cry-synth'
import { dbToGain } from './dsp'
import { clockText, roundTo, severityAt, type CryTruth, type DeviationTruth } from './ground-truth'
import type { Rng } from './rng'
import type { Voice } from './voice'

/** How an infant's crying is paced, drawn once per infant. */
export interface CryingHabit {
  /** Crying spells per hour at the infant's busiest time of day (before `cryRate`). */
  spellsPerHour: number
  /** Mean gap between bout starts within a spell, s. */
  boutGapS: number
  /** Isolated bouts per hour outside spells. */
  isolatedPerHour: number
}

export function drawCryingHabit(rng: Rng): CryingHabit {
  return { spellsPerHour: rng.uniform(1.5, 3), boutGapS: rng.uniform(15, 40), isolatedPerHour: 1 }
}

/** Relative crying by hour of day: an evening peak on top of a three-hourly feeding rhythm. */
function cryingActivity(hourOfDay: number): number {
  const evening = Math.exp(-(((((hourOfDay - 20 + 36) % 24) - 12) / 3.5) ** 2))
  const feeds = 0.5 + 0.5 * Math.cos((2 * Math.PI * hourOfDay) / 3)
  return 0.45 + 0.7 * evening + 0.35 * feeds
}
const MAX_CRYING_ACTIVITY = 1.5

/** Planned bout start times, seconds into a recording of `durationS` starting at `clockHour` (0–24). */
export function planBouts(
  rng: Rng,
  durationS: number,
  clockHour: number,
  habit: CryingHabit,
  cryRate: number,
): number[] {
  const starts: number[] = []
  const spellGapS = 3600 / (habit.spellsPerHour * cryRate * MAX_CRYING_ACTIVITY)
  if (Number.isFinite(spellGapS)) {
    // Begin before the recording so that it can open in the middle of a spell.
    for (let t = -600 + rng.exponential(spellGapS); t < durationS; t += rng.exponential(spellGapS)) {
      const hour = (((clockHour + t / 3600) % 24) + 24) % 24
      if (!rng.chance(cryingActivity(hour) / MAX_CRYING_ACTIVITY)) continue
      const spellEnd = t + rng.uniform(60, 300)
      for (let b = t; b < spellEnd && b < durationS; b += 4 + rng.exponential(habit.boutGapS)) {
        if (b >= 0) starts.push(b)
      }
    }
  }
  const isolatedGapS = 3600 / (habit.isolatedPerHour * cryRate)
  if (Number.isFinite(isolatedGapS)) {
    for (let t = rng.exponential(isolatedGapS); t < durationS; t += rng.exponential(isolatedGapS))
      starts.push(t)
  }
  return starts.sort((a, b) => a - b)
}

interface SoundingBout {
  startSample: number
  samples: Float32Array
}

/** The cries of one infant in one recording, synthesized on demand and mixed into the stream. */
export class CryTrack {
  readonly cries: CryTruth[] = []
  private nextBout = 0
  private boutIndex = 0
  private previousEndS = -Infinity
  private sounding: SoundingBout[] = []

  constructor(
    private readonly rng: Rng,
    private readonly plannedStartsS: number[],
    private readonly voice: Voice,
    private readonly deviation: DeviationTruth | null,
    private readonly recording: {
      startS: number
      durationS: number
      sampleRate: number
      clockStartMs: number
    },
  ) {}

  /** Adds the cries sounding in samples [startSample, startSample + out.length) to `out`. */
  mixInto(out: Float32Array, startSample: number): void {
    const fs = this.recording.sampleRate
    const endSample = startSample + out.length
    while (
      this.nextBout < this.plannedStartsS.length &&
      this.plannedStartsS[this.nextBout]! * fs < endSample
    ) {
      this.synthesizeBout(this.nextBout++)
    }
    for (const bout of this.sounding) {
      const from = Math.max(startSample, bout.startSample)
      const to = Math.min(endSample, bout.startSample + bout.samples.length)
      for (let s = from; s < to; s++) out[s - startSample]! += bout.samples[s - bout.startSample]!
    }
    this.sounding = this.sounding.filter((b) => b.startSample + b.samples.length > endSample)
  }

  private synthesizeBout(planned: number): void {
    const { sampleRate: fs, durationS, startS: recordingWardS, clockStartMs } = this.recording
    const rng = this.rng.fork(`bout/${planned}`)
    // A bout never starts before the previous one has ended.
    const startS = Math.max(this.plannedStartsS[planned]!, this.previousEndS + rng.uniform(1, 4))
    const severity = severityAt(this.deviation, recordingWardS + startS)
    const cry = synthesizeCry(
      this.voice,
      { severity, deviation: this.deviation?.profile, sampleRate: fs },
      rng,
    )
    const startSample = Math.round(startS * fs)
    // Bouts that would run past the end of the recording are left out rather than cut.
    if ((startSample + cry.samples.length) / fs > durationS) return
    // The infant turns and moves: the level at the microphone varies from bout to bout.
    const gain = dbToGain(Math.max(-6, Math.min(4, rng.gauss(0, 2))))
    for (let i = 0; i < cry.samples.length; i++) cry.samples[i]! *= gain
    this.sounding.push({ startSample, samples: cry.samples })
    this.previousEndS = (startSample + cry.samples.length) / fs
    const bout = this.boutIndex++
    for (const e of cry.expirations) {
      const s = startSample / fs + e.startS
      this.cries.push({
        startS: roundTo(s, 3),
        endS: roundTo(startSample / fs + e.endS, 3),
        time: clockText(clockStartMs + s * 1000, true),
        wardS: roundTo(recordingWardS + s, 3),
        bout,
        phonation: e.phonation,
        f0MeanHz: roundTo(e.f0MeanHz, 1),
        severity: roundTo(severity, 4),
      })
    }
  }
}

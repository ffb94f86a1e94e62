// The ward's sound bed under one recording: HVAC (mains hum with harmonics, fan noise) all the time, and
// events scheduled up front (so they can go into the ground truth) but rendered only when the stream reaches
// them, so a multi-hour recording never holds more than the events currently sounding.
import { dbToGain } from './dsp'
import type { Rng } from './rng'
import { alarm, distantCry, door, monitorBeeps, speech, type AlarmPriority } from './ward-sounds'

export type BackgroundKind = 'monitor-beeps' | 'alarm' | 'speech' | 'door' | 'distant-cry'

export interface BackgroundEvent {
  kind: BackgroundKind
  /** Seconds from the start of the recording. */
  startS: number
  endS: number
  /** Peak level, dBFS. */
  peakDb: number
  /** Alarm priority (IEC 60601-1-8), for alarms. */
  priority?: AlarmPriority
}

export interface BackgroundOptions {
  /** Far-away infants crying now and then (other beds). */
  distantInfants: boolean
  /** Scales every event rate; 0 leaves only the HVAC bed. */
  activity: number
}

interface ScheduledEvent extends BackgroundEvent {
  seed: number
  audio: Float32Array | null
  startSample: number
}

/** Relative ward activity by hour of day: busy at the shift handovers, quiet in the small hours. */
function wardActivity(hourOfDay: number): number {
  const handover = Math.exp(-(((hourOfDay - 7.5) / 1) ** 2)) + Math.exp(-(((hourOfDay - 19.5) / 1) ** 2))
  const day = hourOfDay >= 7 && hourOfDay < 22 ? 1 : 0.35
  return day + 0.6 * handover
}

const MAX_ACTIVITY = 1.6

export class WardBackground {
  readonly events: BackgroundEvent[]
  private readonly scheduled: ScheduledEvent[]
  private readonly hum: Float32Array
  /** The HVAC bed: noise generator state, fan rumble and hiss low-pass states, their coefficients and gains. */
  private readonly bed: {
    noise: number
    low: number
    hiss: number
    kLow: number
    kHiss: number
    fanGain: number
    hissGain: number
  }
  private next = 0

  /**
   * @param clockHourAtStart hour of day (0–24, fractional) when the recording starts, for the activity cycle
   */
  constructor(
    private readonly rng: Rng,
    private readonly sampleRate: number,
    durationS: number,
    clockHourAtStart: number,
    options: BackgroundOptions,
  ) {
    const fs = sampleRate
    const onePole = (hz: number) => 1 - Math.exp((-2 * Math.PI * hz) / fs)
    const noiseDb = rng.uniform(-54, -44)
    this.bed = {
      noise: rng.nextUint32() | 1,
      low: 0,
      hiss: 0,
      kLow: onePole(rng.uniform(200, 500)),
      kHiss: onePole(rng.uniform(3000, 6000)),
      fanGain: dbToGain(noiseDb) * 6,
      hissGain: dbToGain(noiseDb - rng.uniform(4, 10)) * 1.7,
    }
    // Mains hum is exactly periodic: one second of it, looped, costs a table read per sample.
    const mains = rng.chance(0.5) ? 50 : 60
    const humGain = dbToGain(rng.uniform(-62, -48))
    const harmonics = [
      1,
      rng.uniform(0.3, 1),
      rng.uniform(0.2, 0.6),
      rng.uniform(0.05, 0.3),
      rng.uniform(0, 0.2),
    ]
    this.hum = new Float32Array(fs)
    for (let i = 0; i < fs; i++) {
      let s = 0
      for (let k = 0; k < harmonics.length; k++)
        s += harmonics[k]! * Math.sin((2 * Math.PI * mains * (k + 1) * i) / fs)
      this.hum[i] = humGain * s
    }
    this.scheduled = this.schedule(durationS, clockHourAtStart, options)
    this.events = this.scheduled.map(({ kind, startS, endS, peakDb, priority }) =>
      priority ? { kind, startS, endS, peakDb, priority } : { kind, startS, endS, peakDb },
    )
  }

  private schedule(durationS: number, clockHour: number, options: BackgroundOptions): ScheduledEvent[] {
    const rng = this.rng.fork('events')
    const kinds: { kind: BackgroundKind; perHour: number; length: () => number; peakDb: () => number }[] = [
      {
        kind: 'monitor-beeps',
        perHour: 1.5,
        length: () => rng.uniform(10, 150),
        peakDb: () => rng.uniform(-36, -24),
      },
      { kind: 'alarm', perHour: 3, length: () => rng.uniform(4, 60), peakDb: () => rng.uniform(-30, -16) },
      { kind: 'speech', perHour: 5, length: () => rng.uniform(5, 80), peakDb: () => rng.uniform(-38, -22) },
      { kind: 'door', perHour: 4, length: () => 0, peakDb: () => rng.uniform(-26, -10) },
    ]
    if (options.distantInfants) {
      kinds.push({ kind: 'distant-cry', perHour: 1, length: () => 0, peakDb: () => rng.uniform(-40, -28) })
    }
    const events: ScheduledEvent[] = []
    for (const k of kinds) {
      // Poisson arrivals at the busiest rate, thinned by the ward's activity at that hour.
      const meanGapS = 3600 / (k.perHour * MAX_ACTIVITY * options.activity)
      if (!Number.isFinite(meanGapS)) continue
      for (let t = rng.exponential(meanGapS); t < durationS; t += rng.exponential(meanGapS)) {
        const hour = (clockHour + t / 3600) % 24
        if (!rng.chance(wardActivity(hour) / MAX_ACTIVITY)) continue
        const priority: AlarmPriority | undefined =
          k.kind === 'alarm' ? (['high', 'medium', 'low'] as const)[rng.weighted([1, 5, 3])] : undefined
        events.push({
          kind: k.kind,
          startS: t,
          endS: t + k.length(),
          peakDb: k.peakDb(),
          priority,
          seed: rng.nextUint32(),
          audio: null,
          startSample: Math.round(t * this.sampleRate),
        })
      }
    }
    events.sort((a, b) => a.startS - b.startS)
    // Doors and distant cries last as long as their sound: render them now (they are short) to know it.
    for (const e of events) {
      if (e.endS > e.startS) continue
      e.audio = this.render(e)
      e.endS = e.startS + e.audio.length / this.sampleRate
    }
    return events
      .filter((e) => e.startS < durationS)
      .map((e) => ({ ...e, endS: Math.min(e.endS, durationS) }))
  }

  private render(e: ScheduledEvent): Float32Array {
    const rng = this.rng.fork(`event/${e.seed}`)
    const fs = this.sampleRate
    const lengthS = e.endS - e.startS
    const shape =
      e.kind === 'monitor-beeps'
        ? monitorBeeps(rng, fs, lengthS)
        : e.kind === 'alarm'
          ? alarm(rng, fs, lengthS, e.priority ?? 'medium')
          : e.kind === 'speech'
            ? speech(rng, fs, lengthS)
            : e.kind === 'door'
              ? door(rng, fs)
              : distantCry(rng, fs)
    const gain = dbToGain(e.peakDb)
    for (let i = 0; i < shape.length; i++) shape[i]! *= gain
    return shape
  }

  /** Writes the background for samples [startSample, startSample + out.length) into `out` (overwrites). */
  renderInto(out: Float32Array, startSample: number): void {
    // The bed runs for every sample of hours of audio: xorshift32 noise and the two fan filters are inlined
    // here (about 3× faster than method calls); the state carries over, so chunking does not change a sample.
    const fs = this.sampleRate
    const hum = this.hum
    const { kLow, kHiss, fanGain, hissGain } = this.bed
    let { noise, low, hiss } = this.bed
    let h = startSample % fs
    for (let i = 0; i < out.length; i++) {
      noise ^= noise << 13
      noise ^= noise >>> 17
      noise ^= noise << 5
      const white = noise * 4.656612873077393e-10
      low += kLow * (white - low)
      hiss += kHiss * (white - hiss)
      out[i] = hum[h]! + fanGain * low + hissGain * hiss
      if (++h === fs) h = 0
    }
    this.bed.noise = noise
    this.bed.low = low
    this.bed.hiss = hiss
    const endSample = startSample + out.length
    // Events are sorted by start; `next` is the first not yet finished.
    while (this.next < this.scheduled.length && this.endSample(this.scheduled[this.next]!) <= startSample) {
      this.scheduled[this.next]!.audio = null
      this.next++
    }
    for (let j = this.next; j < this.scheduled.length; j++) {
      const e = this.scheduled[j]!
      if (e.startSample >= endSample) break
      if (this.endSample(e) <= startSample) {
        e.audio = null
        continue
      }
      e.audio ??= this.render(e)
      const from = Math.max(startSample, e.startSample)
      const to = Math.min(endSample, e.startSample + e.audio.length)
      for (let s = from; s < to; s++) out[s - startSample]! += e.audio[s - e.startSample]!
    }
  }

  private endSample(e: ScheduledEvent): number {
    return e.startSample + Math.round((e.endS - e.startS) * this.sampleRate)
  }
}

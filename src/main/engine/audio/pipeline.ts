// Stage 0 for one recording, in one streaming pass: decode → mono → 16 kHz → clipping check → high-pass →
// working copy + waveform peaks + cry segmentation, and the acoustic measures of each cry as it is found.
// Memory is bounded whatever the length: chunks flow through, and only the last RING_S seconds are kept to
// measure the cries the segmenter reports (it reports them a few seconds behind the input).
// A recording made above 16 kHz also gets a high-rate copy (mono, its own rate up to 48 kHz) in a second pass,
// so spectrograms reach the original recording's Nyquist; the analysis never reads it.
// Pure Node: no database, no Electron; runs inside a worker.
import fs from 'node:fs/promises'
import path from 'node:path'
import { HIGH_RATE_MAX_HZ } from '../../../shared/contract'
import { decode16k, decodeMonoAt, probeAudio, type AudioProbe } from './decode'
import { measureCry, type CryMeasures } from './measures'
import { noCryReason, type NoCryReason } from './no-cry'
import { PeakAccumulator, PEAKS_PER_SECOND } from './peaks'
import { ClipDetector, clippedWithin, HighPass } from './preprocess'
import { chooseRecordingTime } from './recording-time'
import { PIPELINE_RATE } from './resample'
import { CrySegmenter, SEGMENT_DEFAULTS, SEGMENTER_LATENCY_S, type CrySegment } from './segment'
import { WavWriter } from './wav-writer'

export interface ProcessedCry extends CrySegment {
  clipped: boolean
  measures: CryMeasures
}

export interface ProcessedRecording {
  probe: AudioProbe
  /** Frames written to the 16 kHz working copy. */
  frames: number
  durationS: number
  peaks: Int8Array
  clippedFraction: number
  cries: ProcessedCry[]
  /** Why no cry was found (too short, clipped, too quiet, only non-cry sound); null when cries were. */
  noCry: NoCryReason | null
  /** The rate of the high-rate copy written to `highRateCopyPath`; null when none was written. */
  highRateHz: number | null
}

export interface ProcessOptions {
  sourcePath: string
  workingCopyPath: string
  /** Where to write the high-rate copy when the recording was made above 16 kHz (none when absent). */
  highRateCopyPath?: string
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

/** Seconds of recent audio kept for measuring cries: more than the segmenter's latency plus the longest
 * expiration it reports. */
export const RING_S = Math.ceil(SEGMENTER_LATENCY_S + SEGMENT_DEFAULTS.maxExpirationS + 5)

/** The high-rate copy's rate for a recording, or null when it gets none: made at ≤ 16 kHz, or so long that the
 * copy would not fit a WAV file's 4 GiB (about 12 h at 48 kHz). */
export function highRateFor(probe: Pick<AudioProbe, 'sampleRate' | 'durationS'>): number | null {
  if (probe.sampleRate <= PIPELINE_RATE) return null
  const hz = Math.min(probe.sampleRate, HIGH_RATE_MAX_HZ)
  return probe.durationS * hz * 2 < 0xffff0000 ? hz : null
}

export async function processRecording(opts: ProcessOptions): Promise<ProcessedRecording> {
  const probe = await probeAudio(opts.sourcePath)
  const highRateHz = opts.highRateCopyPath ? highRateFor(probe) : null
  // With a high-rate copy to write, the first pass is about two thirds of the work.
  const share = highRateHz ? 0.65 : 1
  const writer = await WavWriter.create(opts.workingCopyPath, PIPELINE_RATE)
  const peaks = new PeakAccumulator(PIPELINE_RATE / PEAKS_PER_SECOND)
  const clipping = new ClipDetector()
  const highPass = new HighPass()
  const segmenter = new CrySegmenter()
  const recent = new RecentAudio(RING_S * PIPELINE_RATE)
  const cries: ProcessedCry[] = []
  const expected = Math.max(1, Math.round(probe.durationS * PIPELINE_RATE))
  const measure = (found: CrySegment[]) => {
    for (const c of found) {
      const samples = recent.range(Math.round(c.startS * PIPELINE_RATE), Math.round(c.endS * PIPELINE_RATE))
      cries.push({
        ...c,
        clipped: clippedWithin(clipping.clippedFrames, c.startS, c.endS),
        measures: measureCry(samples, PIPELINE_RATE),
      })
    }
  }
  try {
    for await (const chunk of decode16k(opts.sourcePath, probe, { signal: opts.signal })) {
      if (opts.signal?.aborted) throw new DOMException('import cancelled', 'AbortError')
      clipping.push(chunk)
      highPass.process(chunk)
      peaks.push(chunk)
      recent.push(chunk)
      measure(segmenter.push(chunk))
      await writer.write(chunk)
      opts.onProgress?.(share * Math.min(1, recent.total / expected))
    }
    measure(segmenter.finish())
  } catch (err) {
    await writer.abort()
    throw err
  }
  const frames = await writer.close()
  const durationS = frames / PIPELINE_RATE
  if (highRateHz)
    await writeHighRateCopy(opts, probe, highRateHz, durationS, (f) =>
      opts.onProgress?.(share + (1 - share) * f),
    )
  return {
    probe,
    frames,
    durationS,
    peaks: peaks.finish(),
    clippedFraction: clipping.fraction,
    cries,
    noCry: cries.length
      ? null
      : noCryReason({ durationS, clippedFraction: clipping.fraction, summary: segmenter.summary() }),
    highRateHz,
  }
}

/** The second pass: the file again, mono at `hz`, into a 16-bit WAV of exactly the working copy's duration. */
async function writeHighRateCopy(
  opts: ProcessOptions,
  probe: AudioProbe,
  hz: number,
  durationS: number,
  onProgress: (f: number) => void,
): Promise<void> {
  const writer = await WavWriter.create(opts.highRateCopyPath!, hz)
  const want = Math.round(durationS * hz)
  let n = 0
  try {
    for await (const chunk of decodeMonoAt(opts.sourcePath, probe, hz, { signal: opts.signal })) {
      if (opts.signal?.aborted) throw new DOMException('import cancelled', 'AbortError')
      const keep = chunk.subarray(0, Math.max(0, want - n))
      if (keep.length) await writer.write(keep)
      n += keep.length
      onProgress(Math.min(1, n / Math.max(1, want)))
    }
    if (n < want) await writer.write(new Float32Array(want - n))
  } catch (err) {
    await writer.abort()
    throw err
  }
  await writer.close()
}

export interface RecordingCheck {
  format: string
  sampleRate: number
  channels: number
  declaredS: number
  /** Duration of the decoded 16 kHz signal: what an import would store. */
  decodedS: number
  recordedAt: string
  timeSource: string
}

/** Probes and fully decodes a file without keeping anything: the import's view of it, for checks and tools. */
export async function inspectRecording(file: string, signal?: AbortSignal): Promise<RecordingCheck> {
  const probe = await probeAudio(file)
  let n = 0
  for await (const chunk of decode16k(file, probe, { signal })) n += chunk.length
  const t = chooseRecordingTime(path.basename(file), probe, (await fs.stat(file)).mtime)
  return {
    format: probe.format,
    sampleRate: probe.sampleRate,
    channels: probe.channels,
    declaredS: probe.durationS,
    decodedS: n / PIPELINE_RATE,
    recordedAt: t.recordedAt.toISOString(),
    timeSource: t.source,
  }
}

/** The last `capacity` samples of a stream, addressable by absolute sample index. */
export class RecentAudio {
  private readonly ring: Float32Array
  total = 0

  constructor(capacity: number) {
    this.ring = new Float32Array(capacity)
  }

  push(x: Float32Array): void {
    const cap = this.ring.length
    let src = x
    if (src.length > cap) src = src.subarray(src.length - cap)
    const at = (this.total + x.length - src.length) % cap
    const first = Math.min(src.length, cap - at)
    this.ring.set(src.subarray(0, first), at)
    if (first < src.length) this.ring.set(src.subarray(first), 0)
    this.total += x.length
  }

  /** Samples [from, to); parts that have left the ring (or not arrived) read as silence. */
  range(from: number, to: number): Float32Array {
    const out = new Float32Array(Math.max(0, to - from))
    const cap = this.ring.length
    const oldest = this.total - cap
    for (let i = Math.max(from, oldest, 0); i < Math.min(to, this.total); i++)
      out[i - from] = this.ring[i % cap]!
    return out
  }
}

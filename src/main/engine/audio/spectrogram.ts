// Spectrogram tiles for the review screen: log-magnitude STFT (fft.js) of a time range of the 16 kHz working
// copy, resampled onto a width × height grid of bytes. Only the samples a tile needs are read: a short range in
// one read, a long one (zoomed out on an hour-long recording) as a few FFT frames per column, so drawing an
// overview never reads the whole file. A zoomed-out column aims its few frames at its loudest moments (from
// the waveform peaks stored at import) and keeps the largest value per bin, so a short cry stays visible.
import fs from 'node:fs/promises'
import FFT from 'fft.js'
import { framesToMono, readWavInfo, type WavInfo } from './wav'

export const SPECTROGRAM_FFT_SIZE = 512 // 32 ms at 16 kHz: resolves cry harmonics (f0 ≥ 250 Hz) and onsets
/** The fixed dB scale of every tile, so neighbouring tiles join without seams. */
export const SPECTROGRAM_DB_MIN = -100
export const SPECTROGRAM_DB_MAX = -20
const MAX_FRAMES_PER_COLUMN = 8
/** Ranges up to this many samples (about a minute at 16 kHz) are read in one piece. */
const CONTIGUOUS_READ_MAX = 1 << 20

/** Mono samples of a recording, read on demand. */
export interface SampleSource {
  sampleRate: number
  frames: number
  /** Samples [start, start + count) — the caller keeps the range inside [0, frames). */
  read(start: number, count: number): Promise<Float32Array>
}

export interface TileRequest {
  startS: number
  endS: number
  width: number
  height: number
  maxHz: number
  loudness?: Loudness
  /** Analysis window, samples (a power of two; default SPECTROGRAM_FFT_SIZE). */
  fftSize?: number
  /** The dB scale bytes 0 and 255 stand for (default SPECTROGRAM_DB_MIN, SPECTROGRAM_DB_MAX). */
  dbMin?: number
  dbMax?: number
}

/** A loudness envelope (e.g. the waveform peaks stored at import): values[i] is the level at (offset + i) / perSecond s. */
export interface Loudness {
  perSecond: number
  offset: number
  values: ArrayLike<number>
}

export interface Tile {
  width: number
  height: number
  maxHz: number
  dbMin: number
  dbMax: number
  /** width × height bytes, row-major, row 0 = maxHz, column 0 = startS. */
  pixels: Uint8Array
}

/**
 * Frame centres (sample index) of each column of a tile: one in the middle when a column is narrower than half
 * a frame; else up to MAX_FRAMES_PER_COLUMN, at the column's loudest moments when a loudness envelope is
 * given, evenly spaced otherwise.
 */
export function columnFrames(
  startSample: number,
  samplesPerColumn: number,
  width: number,
  sampleRate: number,
  loudness?: Loudness,
  fftSize = SPECTROGRAM_FFT_SIZE,
): number[][] {
  const perColumn =
    samplesPerColumn <= fftSize / 2
      ? 1
      : Math.min(MAX_FRAMES_PER_COLUMN, Math.ceil(samplesPerColumn / (fftSize / 2)))
  const out: number[][] = []
  const step = loudness ? sampleRate / loudness.perSecond : 0
  for (let c = 0; c < width; c++) {
    const a = startSample + c * samplesPerColumn
    const b = a + samplesPerColumn
    let centres: number[] = []
    if (loudness && perColumn > 1) {
      const lo = Math.max(loudness.offset, Math.floor(a / step))
      const hi = Math.min(loudness.offset + loudness.values.length, Math.ceil(b / step))
      const idx: number[] = []
      for (let i = lo; i < hi; i++) idx.push(i)
      idx.sort((x, y) => loudness.values[y - loudness.offset]! - loudness.values[x - loudness.offset]!)
      centres = idx
        .slice(0, perColumn)
        .map((i) => Math.round(Math.min(b - 1, Math.max(a, (i + 0.5) * step))))
        .sort((x, y) => x - y)
    }
    if (!centres.length)
      for (let j = 0; j < perColumn; j++)
        centres.push(Math.round(a + ((j + 0.5) * samplesPerColumn) / perColumn))
    out.push(centres)
  }
  return out
}

export async function spectrogramTile(source: SampleSource, req: TileRequest): Promise<Tile> {
  const N = req.fftSize ?? SPECTROGRAM_FFT_SIZE
  if (!(N >= 16 && (N & (N - 1)) === 0)) throw new Error(`window of ${N} samples: not a power of two`)
  const dbMin = req.dbMin ?? SPECTROGRAM_DB_MIN
  const dbMax = req.dbMax ?? SPECTROGRAM_DB_MAX
  const half = N / 2
  const sr = source.sampleRate
  const maxHz = Math.min(req.maxHz, sr / 2)
  const { width, height } = req
  const columns = columnFrames(
    req.startS * sr,
    ((req.endS - req.startS) * sr) / width,
    width,
    sr,
    req.loudness,
    N,
  )

  // The samples the tile needs: one contiguous block when short, else each frame on its own.
  const first = Math.min(...columns.map((c) => c[0]!)) - half
  const last = Math.max(...columns.map((c) => c[c.length - 1]!)) + half
  let block: { start: number; samples: Float32Array } | null = null
  if (last - first <= CONTIGUOUS_READ_MAX) block = await readPadded(source, first, last - first)
  const frameAt = async (centre: number): Promise<Float32Array> => {
    const s = centre - half
    if (block) return block.samples.subarray(s - block.start, s - block.start + N)
    return (await readPadded(source, s, N)).samples
  }

  const fft = new FFT(N)
  const spectrum = fft.createComplexArray() as number[]
  const input = new Float64Array(N)
  const window = new Float64Array(N)
  let windowSum = 0
  for (let i = 0; i < N; i++) windowSum += window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N)
  // A full-scale sine reads 0 dB.
  const norm = (2 / windowSum) ** 2
  const binHz = sr / N
  const rowBins = rowBinRanges(height, maxHz, binHz, half)

  const power = new Float64Array(half + 1)
  const pixels = new Uint8Array(width * height)
  const scale = 255 / (dbMax - dbMin)
  for (let c = 0; c < width; c++) {
    power.fill(0)
    for (const centre of columns[c]!) {
      const frame = await frameAt(centre)
      for (let i = 0; i < N; i++) input[i] = frame[i]! * window[i]!
      fft.realTransform(spectrum, input)
      for (let k = 0; k <= half; k++) {
        const p = (spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2) * norm
        if (p > power[k]!) power[k] = p
      }
    }
    for (let r = 0; r < height; r++) {
      const [lo, hi] = rowBins[r]!
      let p = 0
      for (let k = lo; k <= hi; k++) if (power[k]! > p) p = power[k]!
      const db = 10 * Math.log10(p + 1e-20)
      pixels[r * width + c] = Math.max(0, Math.min(255, Math.round((db - dbMin) * scale)))
    }
  }
  return { width, height, maxHz, dbMin, dbMax, pixels }
}

/** FFT bins [lo, hi] each row covers; row 0 is the top (maxHz). */
function rowBinRanges(height: number, maxHz: number, binHz: number, half: number): [number, number][] {
  const out: [number, number][] = []
  for (let r = 0; r < height; r++) {
    const fHi = (maxHz * (height - r)) / height
    const fLo = (maxHz * (height - r - 1)) / height
    const lo = Math.min(half, Math.round(fLo / binHz))
    const hi = Math.min(half, Math.max(lo, Math.round(fHi / binHz) - (r === 0 ? 0 : 1)))
    out.push([lo, hi])
  }
  return out
}

/** Reads [start, start + count) with silence outside the recording. */
async function readPadded(
  source: SampleSource,
  start: number,
  count: number,
): Promise<{ start: number; samples: Float32Array }> {
  const out = new Float32Array(count)
  const a = Math.max(0, start)
  const b = Math.min(source.frames, start + count)
  if (b > a) out.set(await source.read(a, b - a), a - start)
  return { start, samples: out }
}

/** A SampleSource over a WAV file (the 16 kHz working copy) with positioned reads; close it when done. */
export async function openWavSource(
  file: string,
): Promise<SampleSource & { info: WavInfo; close(): Promise<void> }> {
  const info = await readWavInfo(file)
  const fh = await fs.open(file, 'r')
  return {
    info,
    sampleRate: info.sampleRate,
    frames: info.frames,
    async read(start, count) {
      const buf = Buffer.alloc(count * info.blockAlign)
      const { bytesRead } = await fh.read(buf, 0, buf.length, info.dataOffset + start * info.blockAlign)
      const frames = Math.floor(bytesRead / info.blockAlign)
      const mono = framesToMono(buf, frames, info)
      if (frames === count) return mono
      const padded = new Float32Array(count)
      padded.set(mono)
      return padded
    },
    close: () => fh.close(),
  }
}

/** The worker task: one tile of a working-copy WAV. */
export async function spectrogramTileFromWav(args: { wavPath: string } & TileRequest): Promise<Tile> {
  const { wavPath, ...req } = args
  const source = await openWavSource(wavPath)
  try {
    return await spectrogramTile(source, req)
  } finally {
    await source.close()
  }
}

// Streaming WAV / RF64 reader, written by hand because the npm WAV libraries read the whole file into memory
// (a 24 h 48 kHz stereo recording is 16 GB) and none handles RF64 plus hostile headers with clear refusals.
// Reads RIFF/WAVE, RF64 and BW64: PCM 8/16/24/32-bit, IEEE float 32/64-bit, WAVE_FORMAT_EXTENSIBLE, any
// channel count (mixed to mono by the caller), plus the bext and LIST/INFO dates used for recording time.
import fs from 'node:fs/promises'
import { AudioRefusal, nonFiniteRefusal } from './refusal'

export interface WavInfo {
  container: 'RIFF' | 'RF64' | 'BW64'
  encoding: 'pcm' | 'float'
  bitsPerSample: number
  channels: number
  sampleRate: number
  blockAlign: number
  dataOffset: number
  dataBytes: number
  frames: number
  durationS: number
  /** ISO date-time from the bext chunk (OriginationDate + OriginationTime), local time as written. */
  bextDate: string | null
  /** LIST/INFO ICRD (creation date) as written. */
  infoDate: string | null
  /** Human-readable codec name, e.g. "pcm_s16le". */
  codec: string
}

const WAVE_FORMAT_PCM = 0x0001
const WAVE_FORMAT_IEEE_FLOAT = 0x0003
const WAVE_FORMAT_EXTENSIBLE = 0xfffe
const MAX_CHUNKS = 10_000

/** Parses the header of a WAV file. Throws AudioRefusal with a plain reason for anything it cannot read. */
export async function readWavInfo(file: string): Promise<WavInfo> {
  const fh = await fs.open(file, 'r')
  try {
    const { size: fileSize } = await fh.stat()
    if (fileSize === 0) throw new AudioRefusal('zero-length', 'the file is empty (0 bytes)')
    const head = Buffer.alloc(12)
    const { bytesRead } = await fh.read(head, 0, 12, 0)
    if (bytesRead < 12)
      throw new AudioRefusal('truncated', `the file is only ${fileSize} bytes, too short for a WAV header`)
    const riff = head.toString('latin1', 0, 4)
    if (!['RIFF', 'RF64', 'BW64'].includes(riff) || head.toString('latin1', 8, 12) !== 'WAVE') {
      throw new AudioRefusal('not-wav', 'not a WAV file (no RIFF/WAVE header)')
    }
    const container = riff as WavInfo['container']
    let ds64DataSize: number | null = null
    let fmt: Buffer | null = null
    let dataOffset = -1
    let dataBytes = -1
    let bextDate: string | null = null
    let infoDate: string | null = null
    let pos = 12
    const chunkHead = Buffer.alloc(8)
    for (let n = 0; n < MAX_CHUNKS && pos + 8 <= fileSize; n++) {
      await fh.read(chunkHead, 0, 8, pos)
      const id = chunkHead.toString('latin1', 0, 4)
      let size = chunkHead.readUInt32LE(4)
      const body = pos + 8
      if (id === 'ds64') {
        const ds = Buffer.alloc(Math.min(size, 28))
        await fh.read(ds, 0, ds.length, body)
        if (ds.length >= 24) ds64DataSize = Number(ds.readBigUInt64LE(8))
      } else if (id === 'fmt ') {
        if (size < 16 || size > 1024) throw new AudioRefusal('bad-header', `absurd fmt chunk size ${size}`)
        fmt = Buffer.alloc(size)
        await fh.read(fmt, 0, size, body)
      } else if (id === 'bext' && size >= 338 && size < 1 << 20) {
        const b = Buffer.alloc(18)
        await fh.read(b, 0, 18, body + 320)
        bextDate = parseBextDate(b.toString('latin1', 0, 10), b.toString('latin1', 10, 18))
      } else if (id === 'LIST' && size >= 4 && size < 1 << 20) {
        const list = Buffer.alloc(size)
        await fh.read(list, 0, size, body)
        if (list.toString('latin1', 0, 4) === 'INFO') infoDate = parseInfoDate(list)
      } else if (id === 'data') {
        if (size === 0xffffffff && ds64DataSize !== null) size = ds64DataSize
        // Streaming writers that never finalised the header leave 0 or 0xFFFFFFFF: the data runs to the end.
        if (size === 0 || size === 0xffffffff) size = fileSize - body
        dataOffset = body
        dataBytes = size
        break
      }
      if (size > fileSize)
        throw new AudioRefusal(
          'bad-header',
          `chunk '${printable(id)}' claims ${size} bytes, more than the file holds`,
        )
      if (body + size > fileSize)
        throw new AudioRefusal('truncated', `truncated: the file ends inside its '${printable(id)}' chunk`)
      pos = body + size + (size & 1)
    }
    if (!fmt) throw new AudioRefusal('bad-header', 'the WAV file has no fmt chunk')
    if (dataOffset < 0) throw new AudioRefusal('bad-header', 'the WAV file has no data chunk')

    let tag = fmt.readUInt16LE(0)
    const channels = fmt.readUInt16LE(2)
    const sampleRate = fmt.readUInt32LE(4)
    const blockAlign = fmt.readUInt16LE(12)
    const bitsPerSample = fmt.readUInt16LE(14)
    if (tag === WAVE_FORMAT_EXTENSIBLE) {
      if (fmt.length < 40) throw new AudioRefusal('bad-header', 'WAVE_FORMAT_EXTENSIBLE header is too short')
      tag = fmt.readUInt16LE(24) // first two bytes of the SubFormat GUID are the format tag
    }
    if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
      throw new AudioRefusal(
        'unsupported-codec',
        `WAV codec 0x${tag.toString(16).padStart(4, '0')} is not PCM or IEEE float`,
      )
    }
    const encoding = tag === WAVE_FORMAT_PCM ? 'pcm' : 'float'
    if (channels < 1 || channels > 64)
      throw new AudioRefusal('bad-header', `absurd channel count ${channels}`)
    if (sampleRate < 1000 || sampleRate > 768_000)
      throw new AudioRefusal('bad-header', `absurd sample rate ${sampleRate} Hz`)
    const okBits = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64]
    if (!okBits.includes(bitsPerSample)) {
      throw new AudioRefusal(
        'unsupported-codec',
        `${bitsPerSample}-bit ${encoding === 'pcm' ? 'integer' : 'float'} WAV is not supported`,
      )
    }
    if (blockAlign !== (channels * bitsPerSample) / 8) {
      throw new AudioRefusal(
        'bad-header',
        `block align ${blockAlign} does not match ${channels} × ${bitsPerSample}-bit`,
      )
    }
    const available = fileSize - dataOffset
    if (dataBytes > available) {
      const declared = dataBytes / blockAlign / sampleRate
      const held = available / blockAlign / sampleRate
      throw new AudioRefusal(
        'truncated',
        `truncated: the header declares ${declared.toFixed(1)} s of audio but the file holds ${held.toFixed(1)} s`,
      )
    }
    const frames = Math.floor(dataBytes / blockAlign)
    if (frames === 0) throw new AudioRefusal('zero-length', 'the WAV file contains no audio samples')
    const codec =
      encoding === 'float'
        ? `pcm_f${bitsPerSample}le`
        : bitsPerSample === 8
          ? 'pcm_u8'
          : `pcm_s${bitsPerSample}le`
    return {
      container,
      encoding,
      bitsPerSample,
      channels,
      sampleRate,
      blockAlign,
      dataOffset,
      dataBytes: frames * blockAlign,
      frames,
      durationS: frames / sampleRate,
      bextDate,
      infoDate,
      codec,
    }
  } finally {
    await fh.close()
  }
}

/**
 * Streams the samples of a WAV file as mono Float32 chunks in [-1, 1] (channels averaged).
 * Memory is bounded by chunkFrames, whatever the file length.
 */
export async function* readWavMono(
  file: string,
  info: WavInfo,
  chunkFrames = 65536,
): AsyncGenerator<Float32Array> {
  const fh = await fs.open(file, 'r')
  try {
    const bytesPerChunk = chunkFrames * info.blockAlign
    const buf = Buffer.alloc(bytesPerChunk)
    let done = 0
    while (done < info.frames) {
      const want = Math.min(chunkFrames, info.frames - done)
      const { bytesRead } = await fh.read(
        buf,
        0,
        want * info.blockAlign,
        info.dataOffset + done * info.blockAlign,
      )
      const got = Math.floor(bytesRead / info.blockAlign)
      if (got === 0) throw new AudioRefusal('truncated', 'the file ended before its declared audio length')
      yield framesToMono(buf, got, info)
      done += got
    }
  } finally {
    await fh.close()
  }
}

export function framesToMono(
  buf: Buffer,
  frames: number,
  info: Pick<WavInfo, 'encoding' | 'bitsPerSample' | 'channels' | 'blockAlign'>,
): Float32Array {
  const out = new Float32Array(frames)
  const ch = info.channels
  const bytes = info.bitsPerSample / 8
  const inv = 1 / ch
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let off = 0
  if (info.encoding === 'pcm' && info.bitsPerSample === 16) {
    for (let i = 0; i < frames; i++) {
      let s = 0
      for (let c = 0; c < ch; c++, off += 2) s += dv.getInt16(off, true)
      out[i] = (s * inv) / 32768
    }
    return out
  }
  for (let i = 0; i < frames; i++) {
    let s = 0
    for (let c = 0; c < ch; c++, off += bytes) {
      if (info.encoding === 'float') {
        const x = info.bitsPerSample === 32 ? dv.getFloat32(off, true) : dv.getFloat64(off, true)
        // NaN/Infinity in a float file (found by test/unit/fuzz-wav.test.ts) would spread through the
        // resampler and every measure downstream: the file is damaged, and refused.
        if (!Number.isFinite(x)) throw nonFiniteRefusal()
        s += x
      } else if (info.bitsPerSample === 8) s += (buf[off]! - 128) / 128
      else if (info.bitsPerSample === 24) {
        const v = buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16)
        s += ((v << 8) >> 8) / 8388608
      } else s += dv.getInt32(off, true) / 2147483648
    }
    out[i] = s * inv
  }
  return out
}

function parseBextDate(date: string, time: string): string | null {
  const d = /^(\d{4})[-:/ .](\d{2})[-:/ .](\d{2})$/.exec(date.replace(/\0/g, '').trim())
  if (!d) return null
  const t = /^(\d{2})[-:/ .](\d{2})[-:/ .](\d{2})$/.exec(time.replace(/\0/g, '').trim())
  const iso = `${d[1]}-${d[2]}-${d[3]}T${t ? `${t[1]}:${t[2]}:${t[3]}` : '00:00:00'}`
  return Number.isNaN(Date.parse(iso)) ? null : iso
}

function parseInfoDate(list: Buffer): string | null {
  let p = 4
  while (p + 8 <= list.length) {
    const id = list.toString('latin1', p, p + 4)
    const size = list.readUInt32LE(p + 4)
    if (p + 8 + size > list.length) break
    if (id === 'ICRD') {
      const text = list
        .toString('latin1', p + 8, p + 8 + size)
        .replace(/\0/g, '')
        .trim()
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text)
      if (!m) return null
      const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`
      return Number.isNaN(Date.parse(iso)) ? null : iso
    }
    p += 8 + size + (size & 1)
  }
  return null
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?')
}

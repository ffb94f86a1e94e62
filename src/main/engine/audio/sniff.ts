// Recognises an audio container from its first bytes, so that only files that look like audio ever reach
// ffmpeg, with the demuxer forced: ffmpeg's own probing "detects" text files as ANSI video and random bytes
// as MP3 at a low score, and would then decode garbage.
export type Container = 'wav' | 'flac' | 'mp3' | 'ogg' | 'mp4' | 'caf' | 'amr' | 'aiff' | 'aac'

/** ffmpeg demuxer names for the containers it decodes. */
export const DEMUXER: Record<Exclude<Container, 'wav'>, string> = {
  flac: 'flac',
  mp3: 'mp3',
  ogg: 'ogg',
  mp4: 'mov',
  caf: 'caf',
  amr: 'amr',
  aiff: 'aiff',
  aac: 'aac',
}

export const SNIFF_BYTES = 4096

export type Sniffed = { container: Container } | { container: null; looksLikeText: boolean }

export function sniffContainer(head: Buffer): Sniffed {
  const tag = (o: number, n = 4) => head.toString('latin1', o, o + n)
  if (head.length >= 12 && ['RIFF', 'RF64', 'BW64'].includes(tag(0)) && tag(8) === 'WAVE')
    return { container: 'wav' }
  if (tag(0) === 'fLaC') return { container: 'flac' }
  if (tag(0) === 'OggS') return { container: 'ogg' }
  if (tag(0) === 'caff') return { container: 'caf' }
  if (tag(0, 5) === '#!AMR') return { container: 'amr' }
  if (tag(4) === 'ftyp') return { container: 'mp4' }
  if (tag(0) === 'FORM' && (tag(8) === 'AIFF' || tag(8) === 'AIFC')) return { container: 'aiff' }
  if (tag(0, 3) === 'ID3') {
    // An ID3v2 tag can precede MP3 frames, FLAC or ADTS AAC: look past it.
    const size =
      ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f)
    const after = 10 + size + (head[5]! & 0x10 ? 10 : 0)
    if (head.length >= after + 4) {
      const inner = sniffContainer(head.subarray(after))
      if (inner.container) return inner
    }
    return { container: 'mp3' }
  }
  const frames = mpegFrameRun(head)
  if (frames === 'mp3' || frames === 'aac') return { container: frames }
  return { container: null, looksLikeText: looksLikeText(head) }
}

const MP3_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const MP3_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const MP3_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
}

/**
 * Raw MPEG audio (no ID3) or ADTS AAC: one sync word could be chance, so demand a second valid frame header
 * exactly where the first frame says the next one starts.
 */
function mpegFrameRun(b: Buffer): 'mp3' | 'aac' | null {
  if (b.length < 4 || b[0] !== 0xff || (b[1]! & 0xe0) !== 0xe0) return null
  if ((b[1]! & 0xf6) === 0xf0) {
    // ADTS: 13-bit frame length at bits 30..42
    const len = ((b[3]! & 0x03) << 11) | (b[4]! << 3) | (b[5]! >> 5)
    return len >= 7 && b.length >= len + 2 && b[len] === 0xff && (b[len + 1]! & 0xf6) === 0xf0 ? 'aac' : null
  }
  const len = mp3FrameLength(b, 0)
  if (len === null) return null
  if (b.length < len + 4) return null
  return mp3FrameLength(b, len) !== null ? 'mp3' : null
}

function mp3FrameLength(b: Buffer, o: number): number | null {
  if (b[o] !== 0xff || (b[o + 1]! & 0xe0) !== 0xe0) return null
  const version = (b[o + 1]! >> 3) & 3 // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const layer = (b[o + 1]! >> 1) & 3 // 1 = layer III
  const brIdx = b[o + 2]! >> 4
  const srIdx = (b[o + 2]! >> 2) & 3
  const pad = (b[o + 2]! >> 1) & 1
  if (version === 1 || layer !== 1 || brIdx === 0 || brIdx === 15 || srIdx === 3) return null
  const kbps = (version === 3 ? MP3_BITRATES_V1_L3 : MP3_BITRATES_V2_L3)[brIdx]!
  const rate = MP3_RATES[version]![srIdx]!
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + pad
}

function looksLikeText(b: Buffer): boolean {
  if (b.length === 0) return false
  let printable = 0
  for (const c of b) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0xc2) printable++
  return printable / b.length > 0.95
}

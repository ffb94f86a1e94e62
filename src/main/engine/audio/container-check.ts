// Checks ffmpeg does not make: it decodes whatever frames it can find, so random bytes behind an AMR magic
// number became seconds of "audio" (with cries in them), and an Ogg file cut short was read as a shorter
// recording. These walk the container itself before ffmpeg sees the file.
import fs from 'node:fs/promises'
import { AudioRefusal } from './refusal'

/** Bytes per frame, header byte included, by frame type (RFC 4867 storage format; ffmpeg's amr.c). */
const AMR_NB_SIZES = [13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1]
const AMR_WB_SIZES = [18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1]
/** Frame types a recorder writes: speech modes, SID, and NO_DATA (WB also "speech lost"). */
const AMR_NB_VALID = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 15])
const AMR_WB_VALID = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15])

/**
 * An AMR storage file (`#!AMR\n` or `#!AMR-WB\n`) must be a run of well-formed frames to its end: every
 * frame header has its F bit and padding bits clear and a frame type recorders write. A last frame cut short
 * (at most 60 bytes, 20 ms) is tolerated; anything else is refused.
 */
export async function checkAmrFrames(file: string): Promise<void> {
  const fh = await fs.open(file, 'r')
  try {
    const head = Buffer.alloc(9)
    await fh.read(head, 0, 9, 0)
    const wb = head.toString('latin1', 0, 9) === '#!AMR-WB\n'
    const nb = head.toString('latin1', 0, 6) === '#!AMR\n'
    if (!wb && !nb)
      throw new AudioRefusal(
        'unsupported-codec',
        'unsupported AMR variant (only single-channel AMR-NB and AMR-WB)',
      )
    const sizes = wb ? AMR_WB_SIZES : AMR_NB_SIZES
    const valid = wb ? AMR_WB_VALID : AMR_NB_VALID
    const size = (await fh.stat()).size
    const buf = Buffer.alloc(1 << 16)
    let pos = wb ? 9 : 6
    let frames = 0
    let bufStart = 0
    let bufLen = 0
    while (pos < size) {
      if (pos >= bufStart + bufLen) {
        bufStart = pos
        bufLen = (await fh.read(buf, 0, buf.length, pos)).bytesRead
        if (bufLen === 0) break
      }
      const h = buf[pos - bufStart]!
      const ft = (h >> 3) & 0x0f
      if ((h & 0x83) !== 0 || !valid.has(ft))
        throw new AudioRefusal(
          frames === 0 ? 'not-audio' : 'decode-failed',
          frames === 0
            ? 'not audio: the file starts like AMR but holds no AMR frames'
            : `the AMR audio is damaged: frame ${frames + 1} (byte ${pos}) is not a valid AMR frame`,
        )
      pos += sizes[ft]!
      frames++
    }
    if (frames === 0) throw new AudioRefusal('zero-length', 'the file contains no audio samples')
  } finally {
    await fh.close()
  }
}

/** Largest Ogg page: 27-byte header, 255 lacing values, 255 × 255 bytes of segments. */
const MAX_OGG_PAGE = 27 + 255 + 255 * 255

/**
 * A complete Ogg file ends exactly at the end of a page that carries the end-of-stream flag. A file cut
 * short ends inside a page, or after a page without that flag: refused as truncated, as a WAV would be.
 */
export async function checkOggEnd(file: string): Promise<void> {
  const fh = await fs.open(file, 'r')
  try {
    const size = (await fh.stat()).size
    const n = Math.min(size, MAX_OGG_PAGE)
    const tail = Buffer.alloc(n)
    await fh.read(tail, 0, n, size - n)
    for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at > 0 ? tail.lastIndexOf('OggS', at - 1) : -1) {
      if (at + 27 > n || tail[at + 4] !== 0) continue
      const segments = tail[at + 26]!
      if (at + 27 + segments > n) continue
      let body = 0
      for (let i = 0; i < segments; i++) body += tail[at + 27 + i]!
      const end = at + 27 + segments + body
      if (end !== n) continue
      if ((tail[at + 5]! & 0x04) === 0)
        throw new AudioRefusal(
          'truncated',
          'truncated: the Ogg stream stops before its last page (the file was cut short)',
        )
      return
    }
    throw new AudioRefusal('truncated', 'truncated: the file ends in the middle of an Ogg page (cut short)')
  } finally {
    await fh.close()
  }
}

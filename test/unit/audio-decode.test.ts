import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decode16k, probeAudio } from '../../src/main/engine/audio/decode'
import { ffmpegF32Stream, ffmpegPath, parseProbe } from '../../src/main/engine/audio/ffmpeg'
import { AudioRefusal } from '../../src/main/engine/audio/refusal'
import { concat } from '../../src/main/engine/audio/resample'
import { sniffContainer } from '../../src/main/engine/audio/sniff'

const VALID = path.resolve(__dirname, '../fixtures/audio/valid')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-decode-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

async function decodeAll(file: string, opts = {}): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for await (const c of decode16k(file, await probeAudio(file), opts)) parts.push(c)
  return concat(parts)
}

describe('sniffing', () => {
  const b = (s: string, pad = 64) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.alloc(pad)])
  it('recognises containers by their magic bytes, not their names', () => {
    expect(sniffContainer(b('RIFF\0\0\0\0WAVE')).container).toBe('wav')
    expect(sniffContainer(b('RF64\xff\xff\xff\xffWAVE')).container).toBe('wav')
    expect(sniffContainer(b('fLaC')).container).toBe('flac')
    expect(sniffContainer(b('OggS')).container).toBe('ogg')
    expect(sniffContainer(b('caff')).container).toBe('caf')
    expect(sniffContainer(b('#!AMR\n')).container).toBe('amr')
    expect(sniffContainer(b('\0\0\0\x18ftyp3gp4')).container).toBe('mp4')
    expect(sniffContainer(b('FORM\0\0\0\0AIFF')).container).toBe('aiff')
    expect(sniffContainer(b('ID3\x04\0\0\0\0\0\0')).container).toBe('mp3')
    expect(sniffContainer(b('ID3\x04\0\0\0\0\0\0fLaC')).container).toBe('flac')
    expect(sniffContainer(b('RIFF\0\0\0\0AVI ')).container).toBe(null)
    expect(sniffContainer(Buffer.from('Bed 4 cried at 03:10\n'.repeat(10)))).toEqual({
      container: null,
      looksLikeText: true,
    })
  })

  it('takes raw MP3 only when a second frame header follows the first', () => {
    // MPEG-1 layer III, 128 kb/s, 44.1 kHz: 417-byte frames.
    const frame = Buffer.alloc(417)
    frame.set([0xff, 0xfb, 0x90, 0x00])
    expect(sniffContainer(Buffer.concat([frame, frame])).container).toBe('mp3')
    const lone = Buffer.concat([frame, Buffer.alloc(417)])
    expect(sniffContainer(lone).container).toBe(null)
  })
})

describe('probe banner parsing', () => {
  it('reads codec, rate, channels, duration and creation time', () => {
    const s = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.3gp':\n  Metadata:\n    creation_time   : 2015-05-07T20:01:28.000000Z\n  Duration: 00:01:02.50, start: 0.000000, bitrate: 12 kb/s\n    Stream #0:0(eng): Audio: amr_nb (samr / 0x726D6173), 8000 Hz, mono, flt, 12 kb/s (default)\n`
    expect(parseProbe(s, 'mov')).toMatchObject({
      codec: 'amr_nb',
      sampleRate: 8000,
      channels: 1,
      durationS: 62.5,
      metadataDate: '2015-05-07T20:01:28.000000Z',
    })
    const surround = `  Duration: N/A, bitrate: N/A\n    Stream #0:0: Audio: pcm_s24le, 48000 Hz, 5.1(side), s32, 6912 kb/s\n`
    expect(parseProbe(surround, 'wav')).toMatchObject({ channels: 6, durationS: null })
    expect(parseProbe(`    Stream #0:0: Audio: opus, 48000 Hz, 3 channels, fltp\n`, 'ogg').channels).toBe(3)
    expect(() => parseProbe(`x.flac: Invalid data found when processing input\n`, 'flac')).toThrow(
      /not a readable audio file/,
    )
    expect(() => parseProbe(`    Stream #0:0: Video: h264, yuv420p\n`, 'mov')).toThrow(/no audio stream/)
  })
})

const FORMATS: [string, string, number][] = [
  // file, format, decoded duration tolerance (s): codecs pad or trim a few ms at the edges
  ['flac-16k.flac', 'flac/flac', 0.001],
  ['mp3-16k.mp3', 'mp3/mp3', 0.05],
  ['vorbis-16k.ogg', 'ogg/vorbis', 0.01],
  ['opus-16k.opus', 'ogg/opus', 0.02],
  ['amrnb-8k.3gp', '3gp/amr_nb', 0.03],
  ['ima4-16k.caf', 'caf/adpcm_ima_qt', 0.01],
  ['aac-16k.m4a', 'm4a/aac', 0.05],
  ['pcm16-16k.aiff', 'aiff/pcm_s16be', 0.001],
  ['pcm24-44k1-stereo.wav', 'wav/pcm_s24le', 0.001],
  ['bw64-pcm16-48k-stereo.wav', 'wav/pcm_s16le', 0.001],
]

describe.skipIf(!ffmpegPath())('decoding every supported format to 16 kHz mono', () => {
  for (const [name, format, tol] of FORMATS) {
    it(name, async () => {
      const file = path.join(VALID, name)
      const probe = await probeAudio(file)
      expect(probe.format).toBe(format)
      const x = await decodeAll(file)
      expect(
        Math.abs(x.length / 16000 - (name.includes('k1') || name.includes('48k') ? 0.3 : 0.6)),
      ).toBeLessThanOrEqual(tol)
      expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(0.1)
    })
  }

  it('soxr (ffmpeg) and libsamplerate (in-process) give the same 16 kHz signal', async () => {
    const file = path.join(VALID, 'pcm24-44k1-stereo.wav')
    const a = await decodeAll(file)
    const b = await decodeAll(file, { resampler: 'libsamplerate' })
    expect(a.length).toBe(b.length)
    let num = 0
    let den = 0
    for (let i = 0; i < a.length; i++) {
      num += (a[i]! - b[i]!) ** 2
      den += a[i]! ** 2
    }
    // Two band-limited resamplers of the same class: differences 40 dB below the signal.
    expect(10 * Math.log10(num / den)).toBeLessThan(-40)
  })

  it('stops ffmpeg at once when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(decodeAll(path.join(VALID, 'flac-16k.flac'), { signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    })
  })

  it('gives up on a decoder that stops producing output, instead of hanging', async () => {
    const fifo = path.join(tmp, 'never.flac')
    execFileSync('mkfifo', [fifo])
    const t0 = Date.now()
    const run = async () => {
      for await (const _ of ffmpegF32Stream(['-f', 'flac', '-i', fifo, '-f', 'f32le', 'pipe:1'], {
        idleTimeoutMs: 300,
      }))
        void _
    }
    await expect(run()).rejects.toMatchObject({
      kind: 'decode-failed',
      message: expect.stringMatching(/stopped responding/),
    })
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('refuses a folder and a missing file plainly', async () => {
    await expect(probeAudio(tmp)).rejects.toBeInstanceOf(AudioRefusal)
    await expect(probeAudio(path.join(tmp, 'gone.wav'))).rejects.toMatchObject({ kind: 'unreadable' })
  })
})

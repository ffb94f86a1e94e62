#!/usr/bin/env node
// Generates test/fixtures/audio/: small valid recordings in every supported format (WAV variants written
// here byte by byte; FLAC, MP3, Ogg Vorbis/Opus, 3GP/AMR-NB, CAF/IMA4, M4A/AAC and AIFF encoded by the
// project's ffmpeg from one synthetic cry), and a corpus of malformed files, each listed in
// malformed/expected.json with the refusal kind the importer must give it. Deterministic: run it again and
// the committed files do not change. Usage: node scripts/make-audio-fixtures.mjs
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'test/fixtures/audio')
const valid = path.join(out, 'valid')
const bad = path.join(out, 'malformed')
const ffmpeg = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg').path

fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(valid, { recursive: true })
fs.mkdirSync(bad, { recursive: true })

// ── A synthetic cry: harmonics over a rising-falling f0 (350 → 500 → 330 Hz), with 0.1 s of quiet each side.
function cry(rate, seconds = 0.6) {
  const n = Math.round(rate * seconds)
  const x = new Float64Array(n)
  let seed = 7
  let phase = 0
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    x[i] = 0.002 * ((seed / 2147483648) * 2 - 1)
    const len = seconds - 0.2
    const t = i / rate - 0.1
    if (t < 0 || t > len) continue
    const u = t / len
    const f0 = u < 0.5 ? 350 + 300 * u : 500 - 340 * (u - 0.5)
    phase += (2 * Math.PI * f0) / rate
    let v = 0
    for (let k = 1; k <= 8 && k * f0 < rate / 2; k++) v += Math.sin(k * phase) / k
    x[i] += 0.3 * Math.min(1, t / 0.02, (len - t) / 0.02) * v
  }
  return x
}

// ── WAV writing, every variant the reader supports.
function sample(v, bits, float) {
  if (float) return v
  const max = bits === 8 ? 127 : 2 ** (bits - 1) - 1
  return Math.max(-max - 1, Math.min(max, Math.round(v * max)))
}

function pcmBytes(x, { channels = 1, bits = 16, float = false }) {
  const bytes = bits / 8
  const buf = Buffer.alloc(x.length * channels * bytes)
  let o = 0
  for (let i = 0; i < x.length; i++) {
    for (let c = 0; c < channels; c++) {
      // Channels differ (gain), so averaging is tested, not copying.
      const v = sample(x[i] * (1 - 0.1 * c), bits, float)
      if (float && bits === 32) buf.writeFloatLE(v, o)
      else if (float) buf.writeDoubleLE(v, o)
      else if (bits === 8) buf.writeUInt8(v + 128, o)
      else if (bits === 16) buf.writeInt16LE(v, o)
      else if (bits === 24) buf.writeIntLE(v, o, 3)
      else buf.writeInt32LE(v, o)
      o += bytes
    }
  }
  return buf
}

function chunk(id, body) {
  const h = Buffer.alloc(8)
  h.write(id, 0, 'latin1')
  h.writeUInt32LE(body.length, 4)
  return Buffer.concat([h, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

function fmtChunk({ rate, channels = 1, bits = 16, float = false, extensible = false, tag }) {
  const blockAlign = (channels * bits) / 8
  const b = Buffer.alloc(extensible ? 40 : 16)
  const code = tag ?? (float ? 3 : 1)
  b.writeUInt16LE(extensible ? 0xfffe : code, 0)
  b.writeUInt16LE(channels, 2)
  b.writeUInt32LE(rate, 4)
  b.writeUInt32LE(rate * blockAlign, 8)
  b.writeUInt16LE(blockAlign, 12)
  b.writeUInt16LE(bits, 14)
  if (extensible) {
    b.writeUInt16LE(22, 16)
    b.writeUInt16LE(bits, 18)
    b.writeUInt32LE(channels === 1 ? 0x4 : 0x3f, 20)
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: the format code, then the fixed GUID tail.
    b.writeUInt16LE(code, 24)
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(b, 26)
  }
  return chunk('fmt ', b)
}

function wav(opts, extraChunks = []) {
  const data = pcmBytes(opts.x, opts)
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    fmtChunk(opts),
    ...extraChunks,
    chunk('data', data),
  ])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}

/** RF64 / BW64: sizes in a ds64 chunk, 0xFFFFFFFF in the RIFF and data headers. */
function rf64(opts, magic = 'RF64') {
  const data = pcmBytes(opts.x, opts)
  const ds64 = Buffer.alloc(28)
  const fmt = fmtChunk(opts)
  const riffSize = 4 + 36 + fmt.length + 8 + data.length
  ds64.writeBigUInt64LE(BigInt(riffSize), 0)
  ds64.writeBigUInt64LE(BigInt(data.length), 8)
  ds64.writeBigUInt64LE(BigInt(opts.x.length), 16)
  const dataHead = Buffer.alloc(8)
  dataHead.write('data', 0, 'latin1')
  dataHead.writeUInt32LE(0xffffffff, 4)
  const head = Buffer.alloc(8)
  head.write(magic, 0, 'latin1')
  head.writeUInt32LE(0xffffffff, 4)
  return Buffer.concat([head, Buffer.from('WAVE', 'latin1'), chunk('ds64', ds64), fmt, dataHead, data])
}

function bext(date, time) {
  const b = Buffer.alloc(602)
  b.write('ICLAS fixture', 0, 'latin1')
  b.write(date, 320, 'latin1')
  b.write(time, 330, 'latin1')
  return chunk('bext', b)
}

function listInfo(icrd) {
  const text = Buffer.from(`${icrd}\0`, 'latin1')
  return chunk('LIST', Buffer.concat([Buffer.from('INFO', 'latin1'), chunk('ICRD', text)]))
}

const x16 = cry(16000)
const x8 = cry(8000)
const x44 = cry(44100, 0.3)
const x48 = cry(48000, 0.3)
const put = (dir, name, bytes) => fs.writeFileSync(path.join(dir, name), bytes)

put(valid, 'pcm8-8k.wav', wav({ x: x8, rate: 8000, bits: 8 }))
put(valid, 'pcm16-16k.wav', wav({ x: x16, rate: 16000, bits: 16 }))
put(valid, 'pcm24-44k1-stereo.wav', wav({ x: x44, rate: 44100, bits: 24, channels: 2 }))
put(valid, 'pcm32-48k.wav', wav({ x: x48, rate: 48000, bits: 32 }))
put(valid, 'float32-16k.wav', wav({ x: x16, rate: 16000, bits: 32, float: true }))
put(valid, 'float64-8k.wav', wav({ x: x8, rate: 8000, bits: 64, float: true }))
put(
  valid,
  'extensible-pcm24-22k-6ch.wav',
  wav({ x: cry(22050, 0.4), rate: 22050, bits: 24, channels: 6, extensible: true }),
)
put(
  valid,
  'extensible-float32-16k.wav',
  wav({ x: x16, rate: 16000, bits: 32, float: true, extensible: true }),
)
put(valid, 'rf64-pcm16-16k.wav', rf64({ x: x16, rate: 16000, bits: 16 }))
put(valid, 'bw64-pcm16-48k-stereo.wav', rf64({ x: x48, rate: 48000, bits: 16, channels: 2 }, 'BW64'))
put(valid, 'bext-dated-16k.wav', wav({ x: x16, rate: 16000 }, [bext('2024-03-05', '14:22:10')]))
put(valid, 'info-dated-16k.wav', wav({ x: x16, rate: 16000 }, [listInfo('2023-11-02 08:15:00')]))
put(valid, 'Ward3_2024-06-01_02-30-00.wav', wav({ x: x8, rate: 8000 }))

// ── Compressed formats, encoded by the project's ffmpeg from the 16 kHz cry.
const src = path.join(valid, 'pcm16-16k.wav')
const encode = (name, args) =>
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-map_metadata',
    '-1',
    ...args,
    path.join(valid, name),
  ])
encode('flac-16k.flac', ['-c:a', 'flac'])
encode('mp3-16k.mp3', ['-c:a', 'libmp3lame', '-b:a', '32k'])
encode('vorbis-16k.ogg', ['-c:a', 'libvorbis', '-q:a', '0'])
encode('opus-16k.opus', ['-c:a', 'libopus', '-b:a', '16k'])
encode('amrnb-8k.3gp', ['-ar', '8000', '-c:a', 'libopencore_amrnb', '-b:a', '12.2k'])
encode('ima4-16k.caf', ['-c:a', 'adpcm_ima_qt'])
encode('aac-16k.m4a', ['-c:a', 'aac', '-b:a', '24k'])
encode('pcm16-16k.aiff', ['-c:a', 'pcm_s16be'])
// A Donate-a-Cry style phone upload: AMR-NB in 3GP (another bit rate, so another file), named as the app names
// its files.
encode('0c8f14a9-6999-485b-97a2-913c1cbf099c-1431028888092-1.7-m-26-hu.3gp', [
  '-ar',
  '8000',
  '-c:a',
  'libopencore_amrnb',
  '-b:a',
  '7.95k',
])

// ── Malformed files and the refusal each must get (kind, and words the reason must contain).
const expected = {}
const refuse = (name, bytes, kind, words) => {
  put(bad, name, bytes)
  expected[name] = { kind, words }
}
const good = wav({ x: cry(16000, 0.3), rate: 16000 })
refuse('zero-length.wav', Buffer.alloc(0), 'zero-length', 'empty')
refuse('truncated-header.wav', good.subarray(0, 20), 'truncated', 'truncated')
refuse('eleven-bytes.wav', good.subarray(0, 11), 'truncated', 'too short')
refuse('truncated-data.wav', good.subarray(0, 44 + 4000), 'truncated', 'truncated')
refuse('no-samples.wav', wav({ x: new Float64Array(0), rate: 16000 }), 'zero-length', 'no audio')
const absurd = (edit) => {
  const b = Buffer.from(good)
  edit(b)
  return b
}
refuse(
  'rate-zero.wav',
  absurd((b) => b.writeUInt32LE(0, 24)),
  'bad-header',
  'sample rate',
)
refuse(
  'rate-4ghz.wav',
  absurd((b) => b.writeUInt32LE(4_000_000_000, 24)),
  'bad-header',
  'sample rate',
)
refuse(
  'channels-zero.wav',
  absurd((b) => b.writeUInt16LE(0, 22)),
  'bad-header',
  'channel',
)
refuse(
  'channels-1000.wav',
  absurd((b) => b.writeUInt16LE(1000, 22)),
  'bad-header',
  'channel',
)
refuse(
  'block-align-wrong.wav',
  absurd((b) => b.writeUInt16LE(7, 32)),
  'bad-header',
  'block align',
)
refuse(
  'bits-12.wav',
  absurd((b) => b.writeUInt16LE(12, 34)),
  'unsupported-codec',
  '12-bit',
)
refuse(
  'mulaw.wav',
  absurd((b) => b.writeUInt16LE(7, 20)),
  'unsupported-codec',
  'codec',
)
refuse(
  'huge-fmt-chunk.wav',
  absurd((b) => b.writeUInt32LE(0xfffffff0, 16)),
  'bad-header',
  'fmt',
)
refuse(
  'huge-data-chunk.wav',
  absurd((b) => b.writeUInt32LE(0xfffffff0, 40)),
  'truncated',
  'truncated',
)
const junkHuge = Buffer.concat([
  good.subarray(0, 12),
  Buffer.from('JUNK', 'latin1'),
  Buffer.from([0xf0, 0xff, 0xff, 0x7f]),
  good.subarray(12),
])
refuse('huge-junk-chunk.wav', junkHuge, 'bad-header', 'more than the file holds')
refuse('no-data-chunk.wav', Buffer.concat([good.subarray(0, 36)]), 'bad-header', 'no data chunk')
refuse(
  'no-fmt-chunk.wav',
  Buffer.concat([good.subarray(0, 12), good.subarray(36)]),
  'bad-header',
  'no fmt chunk',
)
let seed = 12345
const random = (n) =>
  Buffer.from(
    Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) >> 16) & 255),
  )
refuse('random-bytes.wav', random(4096), 'not-audio', 'not a recognised audio file')
refuse('random-bytes.mp3', random(8192), 'not-audio', 'not a recognised audio file')
refuse('random-bytes.flac', random(2048), 'not-audio', 'not a recognised audio file')
refuse(
  'notes.txt',
  Buffer.from('Bed 4: baby cried at 03:10, fed at 03:30.\n'.repeat(20)),
  'not-audio',
  'text file',
)
refuse(
  'readme.wav',
  Buffer.from('This is not a WAV file, just text named like one.\n'.repeat(10)),
  'not-audio',
  'text file',
)
const flac = fs.readFileSync(path.join(valid, 'flac-16k.flac'))
refuse('truncated.flac', flac.subarray(0, Math.floor(flac.length / 2)), 'truncated', 'truncated')
refuse(
  'flac-header-then-garbage.flac',
  Buffer.concat([flac.subarray(0, 42), random(3000)]),
  'decode-failed',
  'decode',
)
const m4a = fs.readFileSync(path.join(valid, 'aac-16k.m4a'))
refuse('m4a-cut-before-index.m4a', m4a.subarray(0, 200), 'not-audio', 'not a readable audio file')
refuse(
  'id3-tag-only.mp3',
  Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x10', 'latin1'), Buffer.alloc(16)]),
  'not-audio',
  'not a readable audio file',
)
fs.writeFileSync(path.join(bad, 'expected.json'), JSON.stringify(expected, null, 2) + '\n')

const total = [valid, bad]
  .flatMap((d) => fs.readdirSync(d).map((f) => fs.statSync(path.join(d, f)).size))
  .reduce((a, b) => a + b, 0)
console.log(
  `wrote ${fs.readdirSync(valid).length} valid and ${Object.keys(expected).length} malformed files (${(total / 1024).toFixed(0)} KB) to ${path.relative(root, out)}`,
)

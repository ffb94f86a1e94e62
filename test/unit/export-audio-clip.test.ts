// Audio exports: a cry or a selection as a WAV file holds exactly the working copy's samples between the samples
// nearest its boundaries, under a header any reader takes (our own WAV reader here).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readWavInfo } from '../../src/main/engine/audio/wav'
import { sampleRange, wavClip } from '../../src/main/engine/export/audio-clip'
import { writeToneWav } from '../helpers/wav'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-clip-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('sampleRange', () => {
  it('puts each boundary at the nearest sample, inside the recording', () => {
    expect(sampleRange(1.23456, 2.5, 16000, 48000)).toEqual({ start: 19753, end: 40000 })
    expect(sampleRange(-1, 9, 16000, 48000)).toEqual({ start: 0, end: 48000 })
    expect(sampleRange(2, 1, 16000, 48000)).toEqual({ start: 32000, end: 32000 })
  })
})

describe('wavClip', () => {
  const file = writeToneWav(path.join(dir, 'tone.wav'), { seconds: 3, rate: 16000, freq: 440 })
  const whole = fs.readFileSync(file)

  it('copies the samples byte for byte, from the nearest sample at start to the nearest at end', async () => {
    const clip = await wavClip(file, 1.0004, 1.2346)
    expect(clip.startSample).toBe(16006)
    expect(clip.frames).toBe(19754 - 16006)
    expect(clip.bytes.length).toBe(44 + clip.frames * 2)
    expect(clip.bytes.subarray(44).equals(whole.subarray(44 + 16006 * 2, 44 + 19754 * 2))).toBe(true)
    const out = path.join(dir, 'clip.wav')
    fs.writeFileSync(out, clip.bytes)
    const info = await readWavInfo(out)
    expect(info).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, frames: clip.frames })
    expect(info.durationS).toBeCloseTo(0.23425, 5)
  })

  it('clips a selection that runs past the end, and refuses what is not a working copy', async () => {
    const clip = await wavClip(file, 2.9, 10)
    expect(clip.frames).toBe(1600)
    const stereo = writeToneWav(path.join(dir, 'stereo.wav'), { seconds: 1, rate: 16000, channels: 2 })
    await expect(wavClip(stereo, 0, 0.5)).rejects.toThrow(/not mono 16-bit PCM/)
  })
})

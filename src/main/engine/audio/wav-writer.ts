// Writes the 16 kHz mono 16-bit PCM working copy of a recording, streaming, header patched at the end; and the
// 44-byte header of such a file, which the audio export puts before the samples it copies out of it.
import fs from 'node:fs/promises'

export class WavWriter {
  private frames = 0
  private constructor(
    private readonly fh: fs.FileHandle,
    private readonly sampleRate: number,
  ) {}

  static async create(file: string, sampleRate: number): Promise<WavWriter> {
    const fh = await fs.open(file, 'w')
    await fh.write(Buffer.alloc(44), 0, 44, 0)
    return new WavWriter(fh, sampleRate)
  }

  async write(samples: Float32Array): Promise<void> {
    // Int16Array is little-endian on every platform Node ships for; Buffer.writeInt16LE per sample is 10× slower.
    const pcm = new Int16Array(samples.length)
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!
      pcm[i] = s >= 1 ? 32767 : s <= -1 ? -32767 : Math.round(s * 32767)
    }
    const buf = Buffer.from(pcm.buffer, 0, pcm.byteLength)
    await this.fh.write(buf, 0, buf.length, 44 + this.frames * 2)
    this.frames += samples.length
  }

  async close(): Promise<number> {
    const h = pcm16WavHeader(this.sampleRate, this.frames * 2)
    await this.fh.write(h, 0, 44, 0)
    await this.fh.sync()
    await this.fh.close()
    return this.frames
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined)
  }
}

/** The canonical 44-byte header of a mono 16-bit PCM WAV file holding `dataBytes` bytes of samples. */
export function pcm16WavHeader(sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4)
  h.write('WAVE', 8, 'latin1')
  h.write('fmt ', 12, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(sampleRate, 24)
  h.writeUInt32LE(sampleRate * 2, 28)
  h.writeUInt16LE(2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40)
  return h
}

// Where a simulated ward goes: a folder the importer can read (one sub-folder per infant, 16-bit WAV files
// named with their start time, ground-truth.json), or memory, for tests and short in-process wards.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WavWriter } from '../audio/wav-writer'
import { GROUND_TRUTH_FILE, type RecordingTruth, type WardGroundTruth } from './ground-truth'
import { planWard, simulateRecording, type RecordingInfo, type RecordingWriter, type WardSink } from './ward'
import type { WardConfig } from './ward-config'

/**
 * Writes each recording as `<dir>/<infant>/<infant>_<YYYY-MM-DD_HH-MM-SS>.wav` and the ground truth as
 * `<dir>/ground-truth.json`. Files are written under a `.part` name and renamed when complete, so a reader
 * never sees half a recording; ground-truth.json appears last and marks the ward as complete.
 */
export function directorySink(dir: string): WardSink {
  return {
    async openRecording(recording: RecordingInfo): Promise<RecordingWriter> {
      const file = path.join(dir, ...recording.file.split('/'))
      await fs.mkdir(path.dirname(file), { recursive: true })
      const part = `${file}.part`
      const wav = await WavWriter.create(part, recording.sampleRate)
      return {
        write: (samples) => wav.write(samples),
        async close() {
          await wav.close()
          await fs.rename(part, file)
        },
        async abort() {
          await wav.abort()
          await fs.rm(part, { force: true })
        },
      }
    },
    async finish(truth: WardGroundTruth) {
      const file = path.join(dir, GROUND_TRUTH_FILE)
      await fs.writeFile(`${file}.part`, JSON.stringify(truth, null, 1) + '\n')
      await fs.rename(`${file}.part`, file)
    },
  }
}

/**
 * Simulates one recording of the ward `config` plans (named by its relative `file`) into `dir`, exactly as
 * directorySink writes it, and returns its ground truth. Recordings are independent, so callers spread them
 * over workers (the demo ward) and assemble the ward's truth with wardGroundTruth.
 */
export async function simulateRecordingInto(
  dir: string,
  config: Partial<WardConfig>,
  file: string,
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<RecordingTruth> {
  const plan = planWard(config)
  const recording = plan.recordings.find((r) => r.file === file)
  if (!recording) throw new Error(`the ward has no recording ${file}`)
  const writer = await directorySink(dir).openRecording(recording)
  return simulateRecording(plan, recording, writer, {
    signal: options.signal,
    onProgress: (s) => options.onProgress?.(s / recording.durationS),
  })
}

export interface SimulatedRecording {
  info: RecordingInfo
  samples: Float32Array
  truth: RecordingTruth
}

/** Keeps every recording in memory as float samples: only for wards of minutes, not hours. */
export function memorySink(): WardSink & { recordings: SimulatedRecording[]; truth: WardGroundTruth | null } {
  const sink = {
    recordings: [] as SimulatedRecording[],
    truth: null as WardGroundTruth | null,
    openRecording(info: RecordingInfo): RecordingWriter {
      const chunks: Float32Array[] = []
      return {
        write: (samples) => void chunks.push(samples),
        close(truth) {
          const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0))
          let at = 0
          for (const c of chunks) {
            samples.set(c, at)
            at += c.length
          }
          sink.recordings.push({ info, samples, truth })
        },
      }
    },
    finish(truth: WardGroundTruth) {
      sink.truth = truth
    },
  }
  return sink
}

// Protocol B's and the cry classifier's training's view of a clip, as the workstation sees it: decoded to 16 kHz
// and high-passed, cut into sounding stretches by the project's segmenter (the ones it accepts as cries and the
// ones it rejects), each stretch peak-normalised and embedded by the classifier's backbones.
import fs from 'node:fs'
import path from 'node:path'
import { decode16k, probeAudio } from '../engine/audio/decode'
import { extractCry } from '../engine/audio/preprocess'
import { concat } from '../engine/audio/resample'
import { CrySegmenter } from '../engine/audio/segment'
import type { Backbone } from '../engine/embed/backbone'
import { checkoutModelsDir, getBackbone } from '../engine/embed/registry'
import { loadClip16k } from './datasets'
import { periodicFrameShare } from './gate-baseline'
import type { GateClip } from './gate-corpus'
import type { ClipSound } from '../engine/gate/cry-classifier'
import type { EvalContext } from './context'

export const DEFAULT_CLASSIFIER = () => path.join(checkoutModelsDir(), 'gate', 'cry-classifier.json')
/** The datasets of ../shared protocol B and the classifier's training use. */
export const PROTOCOL_B_DATASETS = ['donateacry', 'esc-cries', 'negatives']
export const MIN_CRY_SAMPLES = 400 // 25 ms: one analysis frame

/** The protocol's datasets in a shared folder (those present). */
export function defaultGateData(sharedRoot: string): string[] {
  return PROTOCOL_B_DATASETS.map((n) => path.join(sharedRoot, n)).filter((d) =>
    fs.existsSync(path.join(d, 'manifest.csv')),
  )
}

/** One clip as the classifier sees it: its sounding stretches and their embeddings (per backbone, row-major). */
export interface ClipView {
  g: GateClip
  durationS: number
  sounds: Omit<ClipSound, 'pCry'>[]
  embeddings: Float32Array[]
  periodicShare: number
}

/** The clip decoded to 16 kHz without the pipeline's high-pass: what the protocol's "for scale" figure used. */
export async function loadRaw16k(file: string): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for await (const c of decode16k(file, await probeAudio(file))) parts.push(c)
  return concat(parts)
}

/** The clips as the classifier sees them (without backbones: the raw clip's periodic frame share only). */
export async function viewClips(
  clips: GateClip[],
  backbones: Backbone[],
  ctx: EvalContext,
): Promise<ClipView[]> {
  const out: ClipView[] = []
  for (const [i, g] of clips.entries()) {
    if (!backbones.length) {
      const raw = await loadRaw16k(g.clip.file)
      out.push({
        g,
        durationS: raw.length / 16000,
        sounds: [],
        embeddings: [],
        periodicShare: periodicFrameShare(raw),
      })
    } else {
      const wave = await loadClip16k(g.clip.file)
      const seg = new CrySegmenter({ collectCandidates: true })
      for (let o = 0; o < wave.length; o += 64000) seg.push(wave.subarray(o, o + 64000))
      seg.finish()
      const sounds = seg.candidates
        .filter((c) => (c.endS - c.startS) * 16000 >= MIN_CRY_SAMPLES)
        .map((c) => ({ startS: c.startS, endS: c.endS, accepted: c.accepted }))
      const pieces = sounds.map((s) => extractCry(wave, s.startS, s.endS))
      const embeddings: Float32Array[] = []
      for (const b of backbones) {
        const e = pieces.length ? await b.embedCries(pieces) : []
        const block = new Float32Array(pieces.length * b.dim)
        e.forEach((v, k) => block.set(v, k * b.dim))
        embeddings.push(block)
      }
      out.push({ g, durationS: wave.length / 16000, sounds, embeddings, periodicShare: 0 })
    }
    ctx.progress((i + 1) / clips.length, `${i + 1}/${clips.length} clips`)
    if ((i + 1) % 100 === 0 || i + 1 === clips.length) ctx.log(`  ${i + 1}/${clips.length} clips`)
  }
  return out
}

export async function openBackbones(names: string[], log: (l: string) => void): Promise<Backbone[]> {
  const out: Backbone[] = []
  for (const n of names)
    out.push(await getBackbone(n, { modelsDir: checkoutModelsDir(), provider: 'cpu', log }))
  return out
}

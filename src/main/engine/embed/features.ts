// The model input of one cry, as a card's `input` spec defines it: Kaldi fbank, minus its mean over time,
// frames tiled up to the graph's minimum.
import { fbankOptionsOf, type ModelCard } from './card'
import { KaldiFbank, subtractMean, type FeatureMatrix } from './fbank'

export type InputSpec = ModelCard['input']

export class CryFeatures {
  private readonly fbank: KaldiFbank
  private readonly meanSubtraction: boolean
  readonly minFrames: number

  constructor(readonly spec: InputSpec) {
    this.fbank = new KaldiFbank(fbankOptionsOf(spec))
    this.meanSubtraction = spec.mean_subtraction === 'utterance'
    this.minFrames = spec.min_frames
  }

  compute(cry: Float32Array): FeatureMatrix {
    const m = this.fbank.compute(cry)
    if (m.frames === 0)
      throw new RangeError(
        `a cry of ${cry.length} samples is shorter than one ${this.fbank.windowSize}-sample frame`,
      )
    if (this.meanSubtraction) subtractMean(m)
    return repeatToMinFrames(m, this.minFrames)
  }

  /** Frames the model will see for a cry of `samples` samples (0: too short to embed). */
  inputFrames(samples: number): number {
    const t = this.fbank.frameCount(samples)
    return t === 0 ? 0 : Math.max(t, this.minFrames)
  }
}

/** Tiles the frames of a too-short input (as the training reference does) so every dilated conv can pad. */
export function repeatToMinFrames(m: FeatureMatrix, minFrames: number): FeatureMatrix {
  if (m.frames >= minFrames) return m
  const data = new Float32Array(minFrames * m.bins)
  for (let t = 0; t < minFrames; t++) {
    const src = (t % m.frames) * m.bins
    data.set(m.data.subarray(src, src + m.bins), t * m.bins)
  }
  return { data, frames: minFrames, bins: m.bins }
}

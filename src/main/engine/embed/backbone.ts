// The one interface every cry-embedding backbone implements (ONNX models with a card, model-free acoustic
// embeddings), so the pipeline, evaluation and benchmarks can swap them by name.
import type { ExecutionProvider } from './providers'

export type BackboneKind = 'onnx' | 'acoustic' | 'fused'

export interface ProviderAttempt {
  provider: ExecutionProvider
  ok: boolean
  /** Why it was not used (creation failed, or its output differed from the CPU provider's). */
  error?: string
  ms: number
}

/** Which execution provider a backbone runs on, and how it got there (shown in the UI, logged). */
export interface ProviderReport {
  requested: string
  active: ExecutionProvider
  attempts: ProviderAttempt[]
}

export interface Backbone {
  readonly name: string
  readonly kind: BackboneKind
  /** Embedding dimensions. */
  readonly dim: number
  /** Infants the backbone was trained or validated on: never evaluate on them. */
  readonly trainedOn: { train: readonly string[]; validation: readonly string[] }
  readonly provider: ProviderReport
  /**
   * What a recording is reduced to before embedding: its cries (every real backbone), or the whole recording
   * (the for-scale baselines of docs/evaluation.md, which were measured without segmentation).
   */
  readonly scope: 'cry' | 'recording'
  /**
   * One embedding per cry (16 kHz mono, [-1, 1]), each L2-normalised (unit length), in input order.
   * A cry shorter than one 25 ms analysis frame cannot be embedded and is refused with a RangeError.
   */
  embedCries(cries16k: Float32Array[], opts?: { signal?: AbortSignal }): Promise<Float32Array[]>
  dispose(): Promise<void>
}

/** Scales a vector to unit length in place (a zero vector stays zero). */
export function l2Normalise(v: Float32Array): Float32Array {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!
  const n = Math.sqrt(s)
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n
  return v
}

/** Mean of unit vectors, re-normalised: the clip (recording) embedding of protocol C. */
export function meanEmbedding(vectors: readonly Float32Array[]): Float32Array {
  if (!vectors.length) throw new RangeError('no cry embeddings to average')
  const out = new Float32Array(vectors[0]!.length)
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] = out[i]! + v[i]!
  return l2Normalise(out)
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!
    na += a[i]! * a[i]!
    nb += b[i]! * b[i]!
  }
  return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('embedding cancelled', 'AbortError')
}

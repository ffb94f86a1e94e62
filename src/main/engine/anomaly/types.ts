// The shape every personal anomaly model shares, so the fitting service, calibration, the store and the
// evaluation treat an autoencoder, a one-class SVM and a Gaussian mixture alike. Embeddings travel as one
// row-major Float32Array (n × d) because that is how they come out of the backbone and cross worker boundaries.

export type AnomalyKind = 'ae' | 'ocsvm' | 'gmm'

/** Where a fit is, for a progress bar: `fraction` is the best estimate in [0, 1] of the whole fit. */
export interface FitProgress {
  stage: string
  fraction: number
  detail?: string
}

export interface FitOptions {
  /** Every random choice (initialisation, shuffles, splits) derives from this: same seed + same data → same model. */
  seed?: number
  onProgress?: (p: FitProgress) => void
  /** Checked between steps; a fit that sees it aborted throws the signal's reason. */
  signal?: AbortSignal
  /** Recording (or any group) id per row: held-out splits keep a recording's cries together. */
  groups?: ArrayLike<number | string>
}

/** A fitted model. `score` is the raw anomaly score: higher = further from the infant's baseline. */
export interface AnomalyModel<
  K extends AnomalyKind = AnomalyKind,
  J extends AnomalyModelJson = AnomalyModelJson,
> {
  readonly kind: K
  readonly d: number
  score(x: Float32Array | Float64Array, n: number): Float64Array
  toJSON(): J
}

/** Serialised form: plain numbers and arrays only, so it survives JSON and structured clone unchanged. */
export interface AnomalyModelJson {
  kind: AnomalyKind
  version: 1
  d: number
  params: Record<string, unknown>
}

export function checkMatrix(x: ArrayLike<number>, n: number, d: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d <= 0) throw new Error(`bad shape ${n}×${d}`)
  if (x.length < n * d) throw new Error(`expected ${n}×${d} = ${n * d} values, got ${x.length}`)
}

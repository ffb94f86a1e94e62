// ONNX backbones: a model card + onnxruntime-node session on the chosen execution provider (falling back to
// CPU), fed Kaldi fbank features computed here. Cries are batched only when they have the same number of frames:
// padding would enter the attentive statistics pooling and change the embedding, and cropping would lose audio.
import * as ort from 'onnxruntime-node'
import {
  l2Normalise,
  throwIfAborted,
  type Backbone,
  type ProviderAttempt,
  type ProviderReport,
} from './backbone'
import { cardInfants, cardMismatches, ModelCardError, type LoadedCard } from './card'
import type { FeatureMatrix } from './fbank'
import { CryFeatures } from './features'
import {
  cudaInstalled,
  platformProviders,
  providerCandidates,
  type ExecutionProvider,
  type ProviderSetting,
} from './providers'

export interface OnnxBackboneOptions {
  provider?: ProviderSetting
  /** onnxruntime intra-op threads (default: onnxruntime's choice, one per core). */
  threads?: number
  /** Largest batch of equal-length cries per run. */
  maxBatch?: number
  /**
   * Check a GPU provider against the CPU provider on a probe input before trusting it (default true): a driver
   * that runs but computes wrong numbers is caught at load time instead of corrupting every baseline.
   */
  verifyGpu?: boolean
  log?: (message: string) => void
}

/** Largest cosine distance between a GPU provider's embedding and the CPU's that still counts as the same model. */
export const PROVIDER_PARITY_MAX_DISTANCE = 1e-4

export class OnnxBackbone implements Backbone {
  readonly kind = 'onnx' as const
  readonly scope = 'cry' as const
  readonly name: string
  readonly dim: number
  readonly trainedOn: { train: readonly string[]; validation: readonly string[] }
  readonly minFrames: number
  readonly maxBatch: number
  private readonly inputs: CryFeatures

  private constructor(
    readonly loaded: LoadedCard,
    private readonly session: ort.InferenceSession,
    readonly provider: ProviderReport,
    maxBatch: number,
  ) {
    const { card } = loaded
    this.name = card.name
    this.dim = card.output.dim
    this.trainedOn = cardInfants(card)
    this.minFrames = card.input.min_frames
    this.inputs = new CryFeatures(card.input)
    const batchDim = session.inputMetadata[0]
    const fixedBatch = batchDim?.isTensor && typeof batchDim.shape[0] === 'number'
    this.maxBatch = fixedBatch ? 1 : maxBatch
  }

  /** Opens the card's model on the requested provider (falling back to CPU) and checks card against graph. */
  static async load(loaded: LoadedCard, opts: OnnxBackboneOptions = {}): Promise<OnnxBackbone> {
    const requested = opts.provider ?? 'cpu'
    const available = platformProviders().filter(
      (p) => p !== 'cuda' || cudaInstalled() || requested === 'cuda',
    )
    const attempts: ProviderAttempt[] = []
    if (requested !== 'auto' && !available.includes(requested)) {
      const where = `${process.platform}/${process.arch}`
      const error = `not in onnxruntime-node's build for ${where}`
      attempts.push({ provider: requested, ok: false, error, ms: 0 })
      opts.log?.(`embedding backbone ${loaded.card.name}: provider ${requested} unavailable (${error})`)
    }
    let cpuSession: ort.InferenceSession | null = null
    const cpu = async () => (cpuSession ??= await openSession(loaded, 'cpu', opts.threads))
    for (const provider of providerCandidates(requested, available)) {
      const t0 = performance.now()
      let session: ort.InferenceSession | null = null
      try {
        session = provider === 'cpu' ? await cpu() : await openSession(loaded, provider, opts.threads)
        if (provider !== 'cpu' && opts.verifyGpu !== false) {
          const d = await probeDistance(session, await cpu(), loaded)
          if (!(d <= PROVIDER_PARITY_MAX_DISTANCE))
            throw new Error(
              `its embeddings differ from the CPU provider's (cosine distance ${d.toExponential(2)})`,
            )
        }
      } catch (err) {
        if (err instanceof ModelCardError) throw err
        if (session && session !== cpuSession) await session.release().catch(() => undefined)
        const error =
          provider === 'cuda' && !cudaInstalled()
            ? 'the CUDA libraries are not installed (ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node)'
            : firstLine((err as Error).message)
        attempts.push({ provider, ok: false, error, ms: Math.round(performance.now() - t0) })
        opts.log?.(`embedding backbone ${loaded.card.name}: provider ${provider} unavailable (${error})`)
        continue
      }
      attempts.push({ provider, ok: true, ms: Math.round(performance.now() - t0) })
      if (cpuSession && session !== cpuSession) await (cpuSession as ort.InferenceSession).release()
      const report: ProviderReport = { requested, active: provider, attempts }
      opts.log?.(`embedding backbone ${loaded.card.name}: running on ${provider} (requested ${requested})`)
      return new OnnxBackbone(loaded, session, report, opts.maxBatch ?? 16)
    }
    throw new Error(`embedding backbone ${loaded.card.name}: no execution provider could run it`)
  }

  /** Model input of one cry: fbank, minus its mean over time, frames repeated up to the graph's minimum. */
  features(cry: Float32Array): FeatureMatrix {
    return this.inputs.compute(cry)
  }

  /** Frames the model will see for a cry of `samples` samples. */
  inputFrames(samples: number): number {
    return this.inputs.inputFrames(samples)
  }

  async embedCries(cries16k: Float32Array[], opts: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const frames = cries16k.map((c, i) => {
      const t = this.inputFrames(c.length)
      if (t === 0) throw new RangeError(`cry ${i}: ${c.length} samples, shorter than one 25 ms frame`)
      return t
    })
    const out: Float32Array[] = new Array(cries16k.length)
    // Features are computed here, between runs: a helper thread overlapping them with inference was measured
    // (bench embed) to win ~10 % only with an idle core, and to cost ~17 % more CPU and lose when the cores
    // are busy (imports, other workers), which is when throughput matters.
    for (const batch of planBatches(frames, this.maxBatch)) {
      throwIfAborted(opts.signal)
      const embs = await this.embedFeatures(batch.map((i) => this.features(cries16k[i]!)))
      batch.forEach((i, k) => (out[i] = embs[k]!))
    }
    return out
  }

  /**
   * Runs model inputs of equal frame count as one batch; returns L2-normalised embeddings.
   * Exposed so benchmarks can time the graph alone on precomputed features.
   */
  async embedFeatures(feats: FeatureMatrix[]): Promise<Float32Array[]> {
    if (!feats.length) return []
    const { frames, bins } = feats[0]!
    if (feats.some((f) => f.frames !== frames || f.bins !== bins))
      throw new RangeError('a batch must hold features of equal shape')
    const data = feats.length === 1 ? feats[0]!.data : new Float32Array(feats.length * frames * bins)
    if (feats.length > 1) feats.forEach((f, k) => data.set(f.data, k * frames * bins))
    const name = this.loaded.card.input.name
    const result = await this.session.run({
      [name]: new ort.Tensor('float32', data, [feats.length, frames, bins]),
    })
    const embs = result[this.loaded.card.output.name]!
    const raw = embs.data as Float32Array
    const out: Float32Array[] = []
    for (let k = 0; k < feats.length; k++) out.push(l2Normalise(raw.slice(k * this.dim, (k + 1) * this.dim)))
    embs.dispose()
    return out
  }

  async dispose(): Promise<void> {
    await this.session.release()
  }
}

/** Groups item indices by equal frame count into batches of at most maxBatch, longest frames first. */
export function planBatches(frames: readonly number[], maxBatch: number): number[][] {
  const byLength = new Map<number, number[]>()
  frames.forEach((t, i) => {
    const g = byLength.get(t)
    if (g) g.push(i)
    else byLength.set(t, [i])
  })
  const out: number[][] = []
  for (const t of [...byLength.keys()].sort((a, b) => b - a)) {
    const g = byLength.get(t)!
    for (let i = 0; i < g.length; i += Math.max(1, maxBatch)) out.push(g.slice(i, i + Math.max(1, maxBatch)))
  }
  return out
}

/** Session options of every backbone session (exported so benchmarks can open an identical raw session). */
export function sessionOptions(
  provider: ExecutionProvider,
  threads?: number,
): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    // Idle onnxruntime threads sleep instead of spinning: the workstation shares its cores with the UI, decoding
    // and other workers, and on this project's busy 2-core machines spinning made every run 2–5× slower.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    // Warnings only: ORT reports every shape op it keeps on CPU under a GPU provider at 'warning' level.
    logSeverityLevel: 3,
  }
}

async function openSession(
  loaded: LoadedCard,
  provider: ExecutionProvider,
  threads?: number,
): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(loaded.modelPath, sessionOptions(provider, threads))
  const problems = cardMismatches(
    loaded.card,
    session.inputNames.map((_, i) => session.inputMetadata[i]!),
    session.outputNames.map((_, i) => session.outputMetadata[i]!),
  )
  if (problems.length) {
    await session.release().catch(() => undefined)
    throw new ModelCardError(
      loaded.cardPath,
      `the card does not match ${loaded.card.file}: ${problems.join('; ')}`,
    )
  }
  return session
}

/** Cosine distance between two sessions' embeddings of the same deterministic probe input. */
async function probeDistance(
  a: ort.InferenceSession,
  b: ort.InferenceSession,
  loaded: LoadedCard,
): Promise<number> {
  const frames = Math.max(loaded.card.input.min_frames, 120)
  const bins = loaded.card.input.num_mel_bins
  const data = new Float32Array(frames * bins)
  // A smooth, deterministic spectrogram-like pattern with zero mean per bin (what mean subtraction gives).
  for (let t = 0; t < frames; t++)
    for (let f = 0; f < bins; f++)
      data[t * bins + f] = 3 * Math.sin(0.11 * t * (1 + f / bins) + 0.7 * f) * Math.cos(0.05 * t)
  const run = async (s: ort.InferenceSession) => {
    const r = await s.run({ [loaded.card.input.name]: new ort.Tensor('float32', data, [1, frames, bins]) })
    return r[loaded.card.output.name]!.data as Float32Array
  }
  const x = await run(a)
  const y = await run(b)
  let d = 0
  let nx = 0
  let ny = 0
  for (let i = 0; i < x.length; i++) {
    d += x[i]! * y[i]!
    nx += x[i]! * x[i]!
    ny += y[i]! * y[i]!
  }
  return 1 - d / Math.sqrt(nx * ny)
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? s
  return line.length > 240 ? `${line.slice(0, 240)}…` : line
}

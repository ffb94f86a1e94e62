// Per-infant autoencoder 192→128→64→32→64→128→192 (ReLU, linear output), Adam, early stopping on held-out
// recordings; anomaly score = mean squared reconstruction error of the embedding. Hand-written because the
// network is tiny and fitted per infant inside a worker: a framework would add a large native dependency for a
// few matrix products, and onnxruntime-node's npm build has no training API. Float32 parameters and
// activations like PyTorch; a fixed seed fixes initialisation and shuffling, so the same baseline gives a
// bit-identical model. Inputs are centred on the baseline mean and divided by one global scale (so the network
// works at unit scale); scores are reported back in the embedding's own units.
import { createRng, permutation, type Rng } from './rng'
import { pack, unpack, unpackF32, type PackedArray } from './serial'
import { ptr, SimdArena } from './simd/kernels'
import { heldOutSplit } from './split'
import type { FitSteps } from './steps'
import { checkMatrix, type AnomalyModel, type AnomalyModelJson, type FitOptions } from './types'

export interface AeParams {
  /** Widths from input to output; first and last must equal the embedding dimension. */
  layers: number[]
  /** Upper bound on epochs; early stopping usually ends sooner. */
  epochs: number
  batchSize: number
  learningRate: number
  /** Epochs without a better held-out loss before stopping. */
  patience: number
  heldOutShare: number
}

export const AE_DEFAULTS: AeParams = {
  layers: [192, 128, 64, 32, 64, 128, 192],
  epochs: 200,
  batchSize: 32,
  learningRate: 1e-3,
  patience: 10,
  heldOutShare: 0.2,
}

export interface AeJson extends AnomalyModelJson {
  kind: 'ae'
  params: { layers: number[] }
  weights: PackedArray
  centre: PackedArray
  scale: number
  fit: {
    n: number
    trainRows: number
    heldOutRows: number
    epochs: number
    bestEpoch: number
    /** Held-out (or, without one, training) loss at the kept epoch, in standardised units. */
    bestLoss: number
    settings: Omit<AeParams, 'layers'>
  }
}

const BETA1 = 0.9
const BETA2 = 0.999
const ADAM_EPS = 1e-8

/** Offsets of each layer's W (out×in) and b (out) in the flat parameter vector. */
function layout(layers: number[]) {
  const w: number[] = []
  const b: number[] = []
  let o = 0
  for (let l = 0; l + 1 < layers.length; l++) {
    w.push(o)
    o += layers[l] * layers[l + 1]
    b.push(o)
    o += layers[l + 1]
  }
  return { w, b, size: o }
}

/** The network's forward/backward passes over one batch, with all buffers allocated once in SIMD memory. */
class AeNet {
  readonly lay: ReturnType<typeof layout>
  readonly params: Float32Array
  readonly grad: Float32Array
  private readonly adamM: Float32Array
  private readonly adamV: Float32Array
  private readonly arena: SimdArena
  private readonly acts: Float32Array[]
  private readonly gradA: Float32Array
  private readonly gradB: Float32Array

  constructor(
    readonly layers: number[],
    readonly maxBatch: number,
    params?: Float32Array,
    training = false,
  ) {
    this.lay = layout(layers)
    const big = maxBatch * Math.max(...layers)
    const paramCopies = training ? 4 : 2 // params, grad (+ Adam's m and v)
    this.arena = new SimdArena(
      SimdArena.bytes({ f32: [paramCopies * this.lay.size, ...layers.map((w) => maxBatch * w), big, big] }),
    )
    this.params = this.arena.f32(this.lay.size)
    if (params) this.params.set(params)
    this.grad = this.arena.f32(this.lay.size)
    this.adamM = this.arena.f32(training ? this.lay.size : 0)
    this.adamV = this.arena.f32(training ? this.lay.size : 0)
    this.acts = layers.map((w) => this.arena.f32(maxBatch * w))
    this.gradA = this.arena.f32(big)
    this.gradB = this.arena.f32(big)
  }

  /** C (m×n, at element offset co) (+)= A (m×k, at ao) · B (n×k, at bo)ᵀ, all views of this net's arena. */
  private matmul(
    a: Float32Array,
    ao: number,
    m: number,
    b: Float32Array,
    bo: number,
    n: number,
    k: number,
    c: Float32Array,
    co: number,
  ): void {
    this.arena.k.gemmAbtF32(ptr(a) + 4 * ao, m, ptr(b) + 4 * bo, n, k, ptr(c) + 4 * co, 0)
  }

  adamStep(stepSize: number, bc2: number): void {
    const { arena, params, grad, adamM, adamV } = this
    arena.k.adamF32(
      ptr(params),
      ptr(grad),
      ptr(adamM),
      ptr(adamV),
      params.length,
      BETA1,
      BETA2,
      stepSize,
      bc2,
      ADAM_EPS,
    )
  }

  /** PyTorch's nn.Linear initialisation: W and b uniform in ±1/√fan_in. */
  initialise(rng: Rng): void {
    const { layers, params, lay } = this
    for (let l = 0; l + 1 < layers.length; l++) {
      const bound = 1 / Math.sqrt(layers[l])
      const nw = layers[l] * layers[l + 1]
      for (let i = 0; i < nw; i++) params[lay.w[l] + i] = (2 * rng.next() - 1) * bound
      for (let i = 0; i < layers[l + 1]; i++) params[lay.b[l] + i] = (2 * rng.next() - 1) * bound
    }
  }

  input(): Float32Array {
    return this.acts[0]
  }

  /** Forward pass of `batch` rows already in input(); returns the output activations. */
  forward(batch: number): Float32Array {
    const { layers, params, lay, acts } = this
    const last = layers.length - 2
    for (let l = 0; l <= last; l++) {
      const nin = layers[l]
      const nout = layers[l + 1]
      const z = acts[l + 1]
      this.matmul(acts[l], 0, batch, params, lay.w[l], nout, nin, z, 0)
      const bo = lay.b[l]
      for (let r = 0; r < batch; r++) {
        const ro = r * nout
        if (l < last) {
          for (let j = 0; j < nout; j++) {
            const v = z[ro + j] + params[bo + j]
            z[ro + j] = v > 0 ? v : 0
          }
        } else {
          for (let j = 0; j < nout; j++) z[ro + j] += params[bo + j]
        }
      }
    }
    return acts[layers.length - 1]
  }

  /** Backward pass of the mean squared error against the input; accumulates nothing, overwrites `grad`. Returns the loss. */
  backward(batch: number): number {
    const { layers, params, lay, acts, grad } = this
    const L = layers.length - 1
    const out = acts[L]
    const target = acts[0]
    const width = layers[L]
    const scale = 2 / (batch * width)
    let loss = 0
    let dz = this.gradA
    let dh = this.gradB
    for (let i = 0; i < batch * width; i++) {
      const e = out[i] - target[i]
      loss += e * e
      dz[i] = scale * e
    }
    for (let l = L - 1; l >= 0; l--) {
      const nin = layers[l]
      const nout = layers[l + 1]
      const h = acts[l]
      // dW = dZᵀ·H (dZ read transposed through its strides).
      this.arena.k.gemmBroadcastF32(ptr(dz), 1, nout, nout, ptr(h), nin, batch, ptr(grad) + 4 * lay.w[l], 0)
      const bo = lay.b[l]
      for (let j = 0; j < nout; j++) {
        let s = 0
        for (let r = 0; r < batch; r++) s += dz[r * nout + j]
        grad[bo + j] = s
      }
      if (l === 0) break
      // dH = dZ·W; then through the ReLU of layer l (its output h > 0).
      this.arena.k.gemmBroadcastF32(
        ptr(dz),
        nout,
        1,
        batch,
        ptr(params) + 4 * lay.w[l],
        nin,
        nout,
        ptr(dh),
        0,
      )
      for (let i = 0; i < batch * nin; i++) if (!(h[i] > 0)) dh[i] = 0
      const t = dz
      dz = dh
      dh = t
    }
    return loss / (batch * width)
  }
}

/** Adam (Kingma & Ba) with PyTorch's update and bias correction, in float32 like PyTorch, on the net's arena. */
class Adam {
  private t = 0
  constructor(
    private readonly net: AeNet,
    private readonly lr: number,
  ) {}
  step(): void {
    this.t++
    const bc1 = 1 - Math.pow(BETA1, this.t)
    const bc2 = Math.sqrt(1 - Math.pow(BETA2, this.t))
    this.net.adamStep(this.lr / bc1, bc2)
  }
}

export class Autoencoder implements AnomalyModel<'ae', AeJson> {
  readonly kind = 'ae' as const
  private readonly net: AeNet

  constructor(
    readonly layers: number[],
    weights: Float32Array,
    readonly centre: Float64Array,
    readonly scale: number,
    readonly fit: AeJson['fit'],
  ) {
    this.net = new AeNet(layers, 256, weights)
  }

  get d(): number {
    return this.layers[0]
  }

  /** Per-row mean squared reconstruction error, in the embedding's units. */
  score(x: Float32Array | Float64Array, n: number): Float64Array {
    checkMatrix(x, n, this.d)
    return reconstructionError(this.net, x, n, this.centre, this.scale, 256)
  }

  toJSON(): AeJson {
    return {
      kind: 'ae',
      version: 1,
      d: this.d,
      params: { layers: [...this.layers] },
      weights: pack(this.net.params),
      centre: pack(this.centre),
      scale: this.scale,
      fit: { ...this.fit, settings: { ...this.fit.settings } },
    }
  }

  static fromJSON(j: AeJson): Autoencoder {
    return new Autoencoder(j.params.layers, unpackF32(j.weights), unpack(j.centre), j.scale, j.fit)
  }
}

function reconstructionError(
  net: AeNet,
  x: ArrayLike<number>,
  n: number,
  centre: Float64Array,
  scale: number,
  batch: number,
  rows?: Int32Array,
): Float64Array {
  const d = centre.length
  const out = new Float64Array(rows ? rows.length : n)
  const count = out.length
  const inp = net.input()
  const unit = scale * scale
  const inv = 1 / scale // as in training (trainEpoch)
  for (let start = 0; start < count; start += batch) {
    const b = Math.min(batch, count - start)
    for (let r = 0; r < b; r++) {
      const src = (rows ? rows[start + r] : start + r) * d
      const dst = r * d
      for (let j = 0; j < d; j++) inp[dst + j] = (x[src + j] - centre[j]) * inv
    }
    const y = net.forward(b)
    for (let r = 0; r < b; r++) {
      let s = 0
      for (let j = r * d, e = j + d; j < e; j++) {
        const t = y[j] - inp[j]
        s += t * t
      }
      out[start + r] = (s / d) * unit
    }
  }
  return out
}

/**
 * One pass over the training rows in the given order; returns the mean training loss. A plain function, not part
 * of the generator, so V8 optimises its loops (generator bodies are compiled less aggressively).
 */
function trainEpoch(
  net: AeNet,
  adam: Adam,
  x: ArrayLike<number>,
  d: number,
  train: Int32Array,
  order: Int32Array,
  centre: Float64Array,
  scale: number,
  batchSize: number,
): number {
  const inp = net.input()
  const inv = 1 / scale
  let loss = 0
  for (let start = 0; start < train.length; start += batchSize) {
    const b = Math.min(batchSize, train.length - start)
    for (let r = 0; r < b; r++) {
      const src = train[order[start + r]] * d
      const dst = r * d
      for (let j = 0; j < d; j++) inp[dst + j] = (x[src + j] - centre[j]) * inv
    }
    net.forward(b)
    loss += net.backward(b) * b
    adam.step()
  }
  return loss / train.length
}

export function* fitAutoencoderSteps(
  x: ArrayLike<number>,
  n: number,
  d: number,
  params: Partial<AeParams> = {},
  opts: Pick<FitOptions, 'seed' | 'groups'> = {},
): FitSteps<Autoencoder> {
  checkMatrix(x, n, d)
  const p: AeParams = { ...AE_DEFAULTS, ...params }
  if (p.layers[0] !== d || p.layers[p.layers.length - 1] !== d)
    throw new Error(`autoencoder layers ${p.layers.join('→')} do not match ${d}-d embeddings`)
  if (n < 2) throw new Error('autoencoder needs at least two baseline embeddings')
  const rng = createRng(opts.seed ?? 0)

  // Standardise: per-dimension centre, one global scale (keeps the geometry, only changes units).
  const centre = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centre[j] += x[i * d + j]
  for (let j = 0; j < d; j++) centre[j] /= n
  let ss = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const t = x[i * d + j] - centre[j]
      ss += t * t
    }
  const scale = Math.sqrt(ss / (n * d)) || 1

  const split = heldOutSplit(n, opts.groups, p.heldOutShare, rng, 5)
  const train = split.train
  const held = split.heldOut
  const batchMax = Math.min(p.batchSize, train.length)
  const net = new AeNet(p.layers, Math.max(batchMax, 256), undefined, true)
  net.initialise(rng)
  const adam = new Adam(net, p.learningRate)
  const best = Float32Array.from(net.params)
  let bestLoss = Infinity
  let bestEpoch = 0
  let sinceBest = 0
  let epoch = 0
  for (epoch = 1; epoch <= p.epochs; epoch++) {
    const trainLoss = trainEpoch(
      net,
      adam,
      x,
      d,
      train,
      permutation(train.length, rng),
      centre,
      scale,
      p.batchSize,
    )
    let monitored = trainLoss
    if (held.length) {
      const err = reconstructionError(net, x, n, centre, scale, 256, held)
      monitored = err.reduce((a, v) => a + v, 0) / err.length / (scale * scale)
    }
    if (monitored < bestLoss) {
      bestLoss = monitored
      bestEpoch = epoch
      sinceBest = 0
      best.set(net.params)
    } else if (held.length && ++sinceBest >= p.patience) {
      break
    }
    yield {
      stage: 'ae',
      fraction: epoch / p.epochs,
      detail: `epoch ${epoch}: train ${trainLoss.toFixed(4)}${held.length ? `, held-out ${monitored.toFixed(4)}` : ''}`,
    }
  }
  const { layers, ...settings } = p
  return new Autoencoder(layers, best, centre, scale, {
    n,
    trainRows: train.length,
    heldOutRows: held.length,
    epochs: Math.min(epoch, p.epochs),
    bestEpoch,
    bestLoss,
    settings,
  })
}

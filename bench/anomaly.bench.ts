// `iclas bench anomaly`: fit and score time of the personal anomaly models for 50, 500 and 5000 embeddings
// (192-d), side by side in the same run with scikit-learn (OneClassSVM; GaussianMixture with the same K search on
// the same held-out recordings; the shrinkage Gaussian against sklearn.covariance.OAS and its Mahalanobis
// distance) and PyTorch (the same autoencoder, epochs and batch size), on the same arrays,
// handed to training/anomaly_reference.py through a temporary folder. Timings are the minimum over a few runs
// on both sides, the reference running before and after ours (the machine is shared). Ratios are ours /
// reference: below 1 is faster.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchSuite } from './suite'
import { fitAutoencoderSteps } from '../src/main/engine/anomaly/autoencoder'
import { fitGmmSteps, type GmmSelection } from '../src/main/engine/anomaly/gmm-select'
import { fitOcsvmSteps } from '../src/main/engine/anomaly/ocsvm'
import { createRng } from '../src/main/engine/anomaly/rng'
import { heldOutSplit } from '../src/main/engine/anomaly/split'
import { runSync } from '../src/main/engine/anomaly/steps'
import { fitAnomalyModelSteps } from '../src/main/engine/anomaly'
import { engineModel } from '../src/main/engine/anomaly/personal'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PYTHON = '/usr/bin/python3'
const D = 192
const SEED = 7
const CRIES_PER_RECORDING = 10

const SETTINGS = {
  ocsvm: { nu: 0.1 },
  gmm: {
    covariance_type: 'full' as const,
    components: [2, 5] as [number, number],
    reg_covar: 1e-6,
    tol: 1e-3,
    max_iter: 100,
    held_out_share: 0.25,
  },
  ae: { layers: [192, 128, 64, 32, 64, 128, 192], epochs: 10, batch_size: 32, learning_rate: 1e-3 },
}

/** One infant's baseline: a few cry types, each recording with its own offset (phone, room), rows L2-normalised. */
function syntheticBaseline(n: number) {
  const rng = createRng(20250605 + n)
  const types = Array.from({ length: 4 }, () => Float64Array.from({ length: D }, () => rng.normal()))
  const x = new Float32Array(n * D)
  const groups = new Int32Array(n)
  const v = new Float64Array(D)
  let offset = new Float64Array(D)
  for (let i = 0; i < n; i++) {
    if (i % CRIES_PER_RECORDING === 0) offset = Float64Array.from({ length: D }, () => 0.3 * rng.normal())
    groups[i] = Math.floor(i / CRIES_PER_RECORDING)
    const t = types[rng.int(types.length)]
    let norm = 0
    for (let j = 0; j < D; j++) {
      v[j] = t[j] + offset[j] + 0.9 * rng.normal()
      norm += v[j] * v[j]
    }
    for (let j = 0; j < D; j++) x[i * D + j] = v[j] / Math.sqrt(norm)
  }
  return { x, groups }
}

interface Timing {
  wall: number
  cpu: number
}

/** Minimum wall-clock and minimum process CPU time over the runs (seconds), and the last result. */
function bestOf<T>(repeats: number, fn: () => T): [Timing, T] {
  const best = { wall: Infinity, cpu: Infinity }
  let out: T | undefined
  for (let r = 0; r < repeats; r++) {
    const c = process.cpuUsage()
    const t = performance.now()
    out = fn()
    best.wall = Math.min(best.wall, (performance.now() - t) / 1000)
    const u = process.cpuUsage(c)
    best.cpu = Math.min(best.cpu, (u.user + u.system) / 1e6)
  }
  return [best, out as T]
}

interface Row {
  n: number
  model: string
  fit: Timing
  fitRef: Timing
  score: Timing
  scoreRef: Timing
  check: string
}

interface RefTimes {
  fit_s: number
  fit_cpu_s: number
  score_s: number
  score_cpu_s: number
}

interface Reference {
  ocsvm?: RefTimes & { n_support: number; decision: number[] }
  gmm?: RefTimes & { k: number; candidates: { k: number; criterion: number }[] }
  gauss?: RefTimes & { mahalanobis: number[]; shrinkage: number }
  ae?: RefTimes & { threads: number; mean_error: number }
  versions: Record<string, string>
}

function refTiming(r: RefTimes, what: 'fit' | 'score'): Timing {
  return what === 'fit' ? { wall: r.fit_s, cpu: r.fit_cpu_s } : { wall: r.score_s, cpu: r.score_cpu_s }
}

function runReference(dir: string): Reference {
  const r = spawnSync(PYTHON, [path.join(ROOT, 'training/anomaly_reference.py'), dir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`reference run failed (${PYTHON}): ${r.stderr || r.error?.message}`)
  return JSON.parse(r.stdout) as Reference
}

function benchSize(n: number, models: string[]): Row[] {
  const repeats = n <= 50 ? 5 : n <= 500 ? 3 : 1
  const { x, groups } = syntheticBaseline(n)
  const split = heldOutSplit(n, groups, SETTINGS.gmm.held_out_share, createRng(SEED))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-bench-anomaly-'))
  const rows: Row[] = []
  try {
    fs.writeFileSync(path.join(dir, 'x.f32'), Buffer.from(x.buffer, x.byteOffset, x.byteLength))
    fs.writeFileSync(
      path.join(dir, 'split.json'),
      JSON.stringify({ train: Array.from(split.train), held_out: Array.from(split.heldOut) }),
    )
    const settings = {
      n,
      d: D,
      models,
      ocsvm: { ...SETTINGS.ocsvm, repeats },
      gmm: { ...SETTINGS.gmm, seed: SEED, repeats },
      gauss: { repeats },
      ae: { ...SETTINGS.ae, seed: SEED, repeats },
    }
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings))
    // The reference runs before and after ours and each side keeps its best time, so that a burst of load from
    // other work on the machine does not land on one side only.
    const refBefore = runReference(dir)

    const ref = refBefore
    if (models.includes('ocsvm') && ref.ocsvm) {
      const [fit, m] = bestOf(repeats, () => runSync(fitOcsvmSteps(x, n, D, { nu: SETTINGS.ocsvm.nu })))
      const [score, dec] = bestOf(repeats, () => m.decision(x, n))
      let diff = 0
      for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(dec[i] - ref.ocsvm.decision[i]))
      rows.push({
        n,
        model: 'ocsvm',
        fit,
        fitRef: refTiming(ref.ocsvm, 'fit'),
        score,
        scoreRef: refTiming(ref.ocsvm, 'score'),
        check: `nSV ${m.dualCoef.length}/${ref.ocsvm.n_support}, max|Δdecision| ${diff.toExponential(1)}`,
      })
    }
    if (models.includes('gmm') && ref.gmm) {
      const g = SETTINGS.gmm
      const [fit, m] = bestOf(repeats, () =>
        runSync(
          fitGmmSteps(
            x,
            n,
            D,
            {
              covarianceType: g.covariance_type,
              components: g.components,
              regCovar: g.reg_covar,
              tol: g.tol,
              maxIter: g.max_iter,
              heldOutShare: g.held_out_share,
              shrinkage: 'none',
              kmeansInits: 1,
              selection: 'heldout',
            },
            { seed: SEED, groups },
          ),
        ),
      )
      const sel = m.fit.selection as GmmSelection
      if (sel.heldOutRows !== split.heldOut.length)
        throw new Error('bench: held-out split differs from the fit')
      const x64 = Float64Array.from(x)
      const [score] = bestOf(repeats, () => m.logLikelihood(x64, n))
      rows.push({
        n,
        model: `gmm ${g.covariance_type} K${g.components.join('..')}`,
        fit,
        fitRef: refTiming(ref.gmm, 'fit'),
        score,
        scoreRef: refTiming(ref.gmm, 'score'),
        check: `K chosen ${m.settings.k} vs ${ref.gmm.k}`,
      })
    }
    if (models.includes('gauss') && ref.gauss) {
      const e = engineModel('gauss')
      const [fit, m] = bestOf(repeats, () =>
        runSync(fitAnomalyModelSteps(e.kind, x, n, D, e.params, { seed: SEED, groups })),
      )
      const [score, nll] = bestOf(repeats, () => m.score(x, n))
      // −log p = ½ Mahalanobis² + a constant: the two agree up to that constant when the covariances agree.
      let c = 0
      for (let i = 0; i < n; i++) c += nll[i]! - 0.5 * ref.gauss.mahalanobis[i]!
      c /= n
      let diff = 0
      for (let i = 0; i < n; i++)
        diff = Math.max(
          diff,
          Math.abs(nll[i]! - 0.5 * ref.gauss.mahalanobis[i]! - c) / Math.max(1, Math.abs(nll[i]!)),
        )
      rows.push({
        n,
        model: 'gauss full OAS K1',
        fit,
        fitRef: refTiming(ref.gauss, 'fit'),
        score,
        scoreRef: refTiming(ref.gauss, 'score'),
        check: `max rel |Δ(−log p − ½ d²)| ${diff.toExponential(1)} (sklearn OAS shrinkage ${ref.gauss.shrinkage.toFixed(3)})`,
      })
    }
    if (models.includes('ae') && ref.ae) {
      const a = SETTINGS.ae
      const xTrain = new Float32Array(split.train.length * D)
      split.train.forEach((r, i) => xTrain.set(x.subarray(r * D, r * D + D), i * D))
      const [fit, m] = bestOf(repeats, () =>
        runSync(
          fitAutoencoderSteps(
            xTrain,
            split.train.length,
            D,
            {
              layers: a.layers,
              epochs: a.epochs,
              batchSize: a.batch_size,
              learningRate: a.learning_rate,
              heldOutShare: 0,
              patience: Infinity,
            },
            { seed: SEED },
          ),
        ),
      )
      const [score, err] = bestOf(repeats, () => m.score(x, n))
      const mean = err.reduce((s, v) => s + v, 0) / n
      rows.push({
        n,
        model: `ae ${a.epochs} ep × bs ${a.batch_size}`,
        fit,
        fitRef: refTiming(ref.ae, 'fit'),
        score,
        scoreRef: refTiming(ref.ae, 'score'),
        check: `mean MSE ${mean.toExponential(2)} vs torch ${ref.ae.mean_error.toExponential(2)} (${ref.ae.threads} thread)`,
      })
    }
    const refAfter = runReference(dir)
    for (const r of rows) {
      const key = r.model.split(' ')[0] as 'ocsvm' | 'gmm' | 'gauss' | 'ae'
      const a = refBefore[key]
      const b = refAfter[key]
      if (a && b) {
        r.fitRef = { wall: Math.min(a.fit_s, b.fit_s), cpu: Math.min(a.fit_cpu_s, b.fit_cpu_s) }
        r.scoreRef = { wall: Math.min(a.score_s, b.score_s), cpu: Math.min(a.score_cpu_s, b.score_cpu_s) }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

function benchWarmUp(): void {
  // Three fits of each model on 300 embeddings: enough for V8 to optimise the hot loops, as in a worker that has
  // fitted a few infants already.
  const { x, groups } = syntheticBaseline(300)
  for (let r = 0; r < 3; r++) {
    runSync(fitOcsvmSteps(x, 300, D, { nu: 0.1 })).decision(x, 300)
    runSync(
      fitGmmSteps(
        x,
        300,
        D,
        { covarianceType: 'full', shrinkage: 'none', components: [2, 3] },
        { seed: 1, groups },
      ),
    ).score(x, 300)
    runSync(fitAutoencoderSteps(x, 300, D, { epochs: 3, heldOutShare: 0 })).score(x, 300)
    const g = engineModel('gauss')
    runSync(fitAnomalyModelSteps(g.kind, x, 300, D, g.params, { seed: 1, groups })).score(x, 300)
  }
}

function fmt(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`
}

export const anomalyBench: BenchSuite = {
  name: 'anomaly',
  summary:
    'personal anomaly models (OC-SVM, GMM, shrinkage Gaussian, AE) vs scikit-learn / PyTorch, 50–5000 embeddings',
  async run(argv) {
    const sizesArg = argv.find((a) => a.startsWith('--sizes='))
    const modelsArg = argv.find((a) => a.startsWith('--models='))
    const sizes = sizesArg ? sizesArg.slice(8).split(',').map(Number) : [50, 500, 5000]
    const models = modelsArg ? modelsArg.slice(9).split(',') : ['ocsvm', 'gmm', 'gauss', 'ae']
    if (!fs.existsSync(PYTHON)) {
      console.log(
        `skipped: ${PYTHON} (Debian's python3 with python3-sklearn and python3-torch) is not installed`,
      )
      return
    }
    // Warm the JIT on a small problem first, as a long-lived worker would be (Python's imports are not timed either).
    benchWarmUp()
    const all: Row[] = []
    console.log(
      'wall = best wall-clock time, cpu = best process CPU time (all threads); ratio = ours / reference',
    )
    console.log(
      [
        'n    ',
        'model                ',
        '   fit wall ours / ref ×',
        '    fit cpu ours / ref ×',
        ' score wall ours / ref ×',
        'fit+score ×wall ×cpu',
        ' check',
      ].join(' '),
    )
    const pair = (a: number, b: number) =>
      `${fmt(a).padStart(8)} ${fmt(b).padStart(8)} ${(a / b).toFixed(2).padStart(5)}`
    for (const n of sizes) {
      for (const r of benchSize(n, models)) {
        all.push(r)
        const totalWall = (r.fit.wall + r.score.wall) / (r.fitRef.wall + r.scoreRef.wall)
        const totalCpu = (r.fit.cpu + r.score.cpu) / (r.fitRef.cpu + r.scoreRef.cpu)
        console.log(
          [
            String(r.n).padEnd(5),
            r.model.padEnd(21),
            pair(r.fit.wall, r.fitRef.wall),
            pair(r.fit.cpu, r.fitRef.cpu),
            pair(r.score.wall, r.scoreRef.wall),
            `${totalWall.toFixed(2).padStart(14)} ${totalCpu.toFixed(2).padStart(5)}`,
            ' ' + r.check,
          ].join(' '),
        )
      }
    }
    // --json=FILE (a separate FILE argument would be taken for a suite name by `iclas bench`).
    const jsonArg = argv.find((a) => a.startsWith('--json='))
    if (jsonArg) fs.writeFileSync(jsonArg.slice(7), JSON.stringify({ suite: 'anomaly', rows: all }, null, 2))
  },
}

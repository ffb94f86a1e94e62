// `iclas bench embed`: cry-embedding throughput of the default ONNX backbone (or the gate's), three ways on the same cries in
// one run: the full TypeScript path (Kaldi fbank + mean subtraction + onnxruntime-node, as the app runs it),
// raw onnxruntime on precomputed features (the ceiling the TypeScript path can reach), and the Python reference
// (torchaudio fbank + the PyTorch model, training/reference_embed.py). Same thread count everywhere; the
// in-process paths alternate over several rounds and keep each one's best, so a busy machine hurts both alike.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import type { BenchSuite } from './suite'
import type { FeatureMatrix } from '../src/main/engine/embed/fbank'
import { OnnxBackbone, planBatches, sessionOptions } from '../src/main/engine/embed/onnx'
import { ProviderSetting, softwareVulkanEnv, softwareVulkanMissing } from '../src/main/engine/embed/providers'
import { sharedDatasetsDir } from '../src/main/cli/data-dir'
import { extractCry } from '../src/main/engine/audio/preprocess'
import { embeddingPieces } from '../src/main/engine/embed/pieces'
import {
  checkoutModelsDir,
  defaultBackboneName,
  getBackbone,
  listBackbones,
} from '../src/main/engine/embed/registry'
import { loadClip16k, readCryIntervals, readDataset } from '../src/main/evaluation/datasets'

const run = promisify(execFile)
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

interface PathResult {
  path: string
  cries: number
  seconds_audio: number
  wall_s: number
  cries_per_s: number
  x_realtime: number
  /** CPU seconds of the whole process (all its threads), when measured in-process. */
  cpu_s: number | null
}

/** Real cries: TextGrid-marked expirations of curated Donate-a-Cry clips, cut as for embedding. */
async function realCries(max: number): Promise<Float32Array[] | null> {
  const dir = path.join(sharedDatasetsDir(), 'donateacry')
  if (!fs.existsSync(path.join(dir, 'manifest.csv'))) return null
  const clips = readDataset(dir).clips.filter((c) => c.segmentsFile && c.curation === 'cry')
  const out: Float32Array[] = []
  for (const clip of clips) {
    if (out.length >= max) break
    const wave = await loadClip16k(clip.file)
    const spans = readCryIntervals(clip.segmentsFile!).map(([startS, endS]) => ({ startS, endS }))
    for (const s of embeddingPieces(spans, wave.length / 16000)) {
      const x = extractCry(wave, s.startS, s.endS)
      if (x.length >= 0.3 * 16000 && out.length < max) out.push(x)
    }
  }
  return out
}

/** Project-made cry-like signals (harmonics over a rising-falling f0, 0.4–2.5 s), when ../shared is absent. */
function syntheticCries(n: number): Float32Array[] {
  let s = 12345
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
  return Array.from({ length: n }, () => {
    const dur = 0.4 + 2.1 * rand()
    const x = new Float32Array(Math.round(dur * 16000))
    const lift = 0.6 + 0.4 * rand()
    let ph = 0
    let peak = 0
    for (let i = 0; i < x.length; i++) {
      const t = i / 16000
      ph += (2 * Math.PI * (350 + 250 * lift * Math.sin((Math.PI * t) / dur) ** 1.5)) / 16000
      let v = 0
      for (let h = 0; h < 6; h++) v += 0.6 ** h * Math.sin((h + 1) * ph)
      x[i] = v * Math.sin((Math.PI * t) / dur) ** 0.3 + 0.02 * (2 * rand() - 1)
      peak = Math.max(peak, Math.abs(x[i]!))
    }
    return x.map((v) => v / peak)
  })
}

function result(name: string, cries: Float32Array[], wall: number, cpu: number | null = null): PathResult {
  const secs = cries.reduce((n, c) => n + c.length, 0) / 16000
  return {
    path: name,
    cries: cries.length,
    seconds_audio: +secs.toFixed(2),
    wall_s: +wall.toFixed(4),
    cries_per_s: +(cries.length / wall).toFixed(1),
    x_realtime: +(secs / wall).toFixed(1),
    cpu_s: cpu === null ? null : +cpu.toFixed(4),
  }
}

async function pythonReference(
  cardPath: string,
  cries: Float32Array[],
  threads: number,
): Promise<PathResult | string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-bench-'))
  try {
    const total = cries.reduce((n, c) => n + c.length, 0)
    const all = new Float32Array(total)
    const offsets: [number, number][] = []
    let o = 0
    for (const c of cries) {
      all.set(c, o)
      offsets.push([o, c.length])
      o += c.length
    }
    fs.writeFileSync(path.join(tmp, 'cries.f32'), Buffer.from(all.buffer))
    fs.writeFileSync(path.join(tmp, 'offsets.json'), JSON.stringify(offsets))
    const script = path.join(REPO, 'training', 'reference_embed.py')
    const args = [script, '--card', cardPath, '--f32', path.join(tmp, 'cries.f32')]
    args.push('--offsets', path.join(tmp, 'offsets.json'), '--threads', String(threads))
    // OpenMP threads must sleep when idle, as onnxruntime's do here: spin-waiting torch threads on a busy
    // 2-core machine made the reference ~100× slower, which would flatter the TypeScript path.
    const { stdout } = await run('/usr/bin/python3', args, {
      maxBuffer: 1 << 24,
      cwd: REPO,
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    })
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { wall_s: number }
    return result('Python reference (torchaudio fbank + PyTorch)', cries, r.wall_s)
  } catch (err) {
    return `Python reference not run: ${(err as Error).message.split('\n')[0]}`
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

export const embedBench: BenchSuite = {
  name: 'embed',
  summary: 'Cry embedding throughput: TypeScript path vs raw onnxruntime vs the Python reference',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'string' },
        cries: { type: 'string', default: '200' },
        rounds: { type: 'string', default: '3' },
        threads: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
        provider: { type: 'string', default: 'cpu' },
        backbone: { type: 'string' },
        'software-vulkan': { type: 'boolean' },
        'no-python': { type: 'boolean' },
      },
    })
    const threads = Number(values.threads)
    const rounds = Math.max(1, Number(values.rounds))
    const provider = ProviderSetting.parse(values.provider)
    if (values['software-vulkan']) {
      const env = softwareVulkanEnv(fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-xdg-')))
      if (!env) throw new Error(`--software-vulkan: ${softwareVulkanMissing()}`)
      Object.assign(process.env, env) // main thread, before onnxruntime initialises Dawn
    }
    const mdir = checkoutModelsDir()
    // The default when it is an ONNX model; otherwise (a hand-made or fused default) the ONNX model the ward
    // still runs for the gate's cry classifier, ecapa-c256-aam, or the first ONNX model there is.
    const def = await defaultBackboneName(mdir)
    const onnx = (await listBackbones(mdir)).filter((e) => e.kind === 'onnx' && !e.problem).map((e) => e.name)
    const name =
      values.backbone ??
      (onnx.includes(def) ? def : onnx.includes('ecapa-c256-aam') ? 'ecapa-c256-aam' : (onnx[0] ?? def))
    const backbone = await getBackbone(name, { modelsDir: mdir, provider, threads }).catch((e: Error) => e)
    if (backbone instanceof Error || !(backbone instanceof OnnxBackbone)) {
      console.log(`skipped: no ONNX backbone "${name}" to benchmark in ${mdir}`)
      return
    }
    const real = await realCries(Number(values.cries))
    const cries = real ?? syntheticCries(Number(values.cries))
    const source = real
      ? `${cries.length} real cries (TextGrid expirations of curated Donate-a-Cry clips, pieces ≤ 3 s)`
      : `${cries.length} synthetic cries (../shared/datasets is absent)`
    const audioS = cries.reduce((n, c) => n + c.length, 0) / 16000
    console.log(
      `model ${backbone.name} on ${backbone.provider.active}, ${threads} threads; ${source}, ${audioS.toFixed(1)} s of audio`,
    )

    // Raw onnxruntime: a separate session with the same options, fed features computed beforehand.
    const { card, modelPath } = backbone.loaded
    const raw = await ort.InferenceSession.create(
      modelPath,
      sessionOptions(backbone.provider.active, threads),
    )
    const feats: FeatureMatrix[] = cries.map((c) => backbone.features(c))
    const plan = planBatches(
      feats.map((f) => f.frames),
      backbone.maxBatch,
    )
    const runRaw = async () => {
      for (const batch of plan) {
        const { frames, bins } = feats[batch[0]!]!
        const data = new Float32Array(batch.length * frames * bins)
        batch.forEach((i, k) => data.set(feats[i]!.data, k * frames * bins))
        await raw.run({ [card.input.name]: new ort.Tensor('float32', data, [batch.length, frames, bins]) })
      }
    }
    // Wall time and CPU time (every thread of this process: onnxruntime's, the feature thread), best of the
    // rounds each. On a machine shared with other work, CPU time says what each path costs; wall time what it
    // gets done.
    const best = { ts: [Infinity, Infinity], raw: [Infinity, Infinity] }
    const time = async (key: keyof typeof best, f: () => Promise<unknown>) => {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await f()
      const wall = (performance.now() - t0) / 1000
      const c = process.cpuUsage(c0)
      best[key] = [Math.min(best[key][0]!, wall), Math.min(best[key][1]!, (c.user + c.system) / 1e6)]
    }
    await backbone.embedCries(cries.slice(0, 4)) // warm-up: first runs allocate
    await runRaw()
    for (let r = 0; r < rounds; r++) {
      await time('ts', () => backbone.embedCries(cries))
      await time('raw', runRaw)
    }
    await raw.release()
    const ts = result('TypeScript (fbank + onnxruntime-node)', cries, best.ts[0]!, best.ts[1]!)
    const rawRes = result('raw onnxruntime on precomputed features', cries, best.raw[0]!, best.raw[1]!)
    const py = values['no-python']
      ? 'Python reference not run (--no-python)'
      : await pythonReference(backbone.loaded.cardPath, cries, threads)
    await backbone.dispose()

    const rows = [ts, rawRes, ...(typeof py === 'string' ? [] : [py])]
    const w = Math.max(...rows.map((r) => r.path.length))
    const head = ['cries/s', '×realtime', 'wall s', 'CPU s', 'cries/CPU-s']
    console.log(`\n${'path'.padEnd(w)}  ${head.map((h) => h.padStart(11)).join(' ')}`)
    for (const r of rows) {
      const cells = [r.cries_per_s, r.x_realtime, r.wall_s, r.cpu_s, r.cpu_s ? r.cries / r.cpu_s : null]
      const fmt = (v: number | null, i: number) =>
        v === null ? 'n/a' : v.toFixed(i === 2 || i === 3 ? 3 : 1)
      console.log(`${r.path.padEnd(w)}  ${cells.map((v, i) => fmt(v, i).padStart(11)).join(' ')}`)
    }
    if (typeof py === 'string') console.log(py)
    const vsRaw = rawRes.wall_s / ts.wall_s
    const cpuVsRaw = rawRes.cpu_s! / ts.cpu_s!
    const vsPy = typeof py === 'string' ? null : py.wall_s / ts.wall_s
    const pct = (x: number) => `${(100 * x).toFixed(0)} %`
    console.log(
      `\nTypeScript path = ${pct(vsRaw)} of raw onnxruntime throughput (goal ≥ 80 %); per CPU-second ${pct(cpuVsRaw)}` +
        (vsPy === null
          ? ''
          : `\nTypeScript path = ${vsPy.toFixed(2)}× the Python reference's throughput (goal > 1)`),
    )
    if (values.json) {
      const doc = {
        suite: 'embed',
        model: backbone.name,
        provider: backbone.provider.active,
        threads,
        cries: source,
        paths: rows,
        ts_vs_raw: +vsRaw.toFixed(3),
        ts_vs_raw_per_cpu_second: +cpuVsRaw.toFixed(3),
        ts_vs_python: vsPy === null ? null : +vsPy.toFixed(3),
      }
      fs.writeFileSync(values.json, JSON.stringify(doc, null, 2) + '\n')
    }
  },
}

// Cry embeddings for protocol D (protocols/anomaly.ts): each recording decoded as the import pipeline does,
// its cries found by the project's segmenter, cut into the pieces training used and embedded once per backbone.
// Kept in memory across calls when asked (a test repeating the draws) and, with --cache, on disk under
// .cache/eval-anomaly/, keyed by the audio file, the backbone (its ONNX file's hash) and the embedding code.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { extractCry } from '../engine/audio/preprocess'
import { segmentCries } from '../engine/audio/segment'
import type { Backbone } from '../engine/embed/backbone'
import { OnnxBackbone } from '../engine/embed/onnx'
import { embeddingPieces } from '../engine/embed/pieces'
import { loadClip16k, type DatasetClip } from './datasets'

export interface EmbeddingCaches {
  /** Folder of the on-disk cache (none: no disk cache). */
  cacheDir?: string
  /** In-memory cache shared across calls (key: backbone fingerprint and audio file). */
  memo?: Map<string, Float32Array[]>
}

/**
 * Cry embeddings of each recording, by manifest path: the project's segmenter, the pieces training used
 * (embeddingPieces), each peak-normalised; whole-recording backbones (the for-scale baselines) get the clip
 * itself. A recording with no piece long enough to embed is an error: protocol D has no score for it.
 */
export async function embedRecordings(
  backbone: Backbone,
  clips: DatasetClip[],
  caches: EmbeddingCaches,
  log: (msg: string) => void,
  /** Recordings done of all, after each one. */
  progress: (done: number, total: number) => void = () => undefined,
): Promise<Map<string, Float32Array[]>> {
  const out = new Map<string, Float32Array[]>()
  const fingerprint = backboneFingerprint(backbone)
  const dir = caches.cacheDir
    ? path.join(caches.cacheDir, `${fingerprint}-${embeddingCodeFingerprint()}`)
    : null
  if (dir) fs.mkdirSync(dir, { recursive: true })
  let fromDisk = 0
  let computed = 0
  for (const [i, clip] of clips.entries()) {
    progress(i, clips.length)
    const memoKey = `${fingerprint}\0${clip.file}`
    const remembered = caches.memo?.get(memoKey)
    if (remembered) {
      out.set(clip.relPath, remembered)
      continue
    }
    const stat = fs.statSync(clip.file)
    const file = dir
      ? path.join(
          dir,
          crypto
            .createHash('sha256')
            .update(`${clip.file}\0${stat.size}\0${stat.mtimeMs}`)
            .digest('hex')
            .slice(0, 24) + '.f32',
        )
      : null
    let e = file ? readCached(file, backbone.dim) : null
    if (e) fromDisk++
    else {
      e = await embedClip(backbone, clip)
      if (file) writeCached(file, e)
      // "k of n", not "k/n": a progress reader takes k/n for the share of the whole evaluation.
      if (++computed % 50 === 0) log(`  ${backbone.name}: ${computed} of ${clips.length} recordings embedded`)
    }
    out.set(clip.relPath, e)
    caches.memo?.set(memoKey, e)
  }
  progress(clips.length, clips.length)
  if (computed || fromDisk)
    log(`  ${backbone.name}: ${computed} recordings embedded, ${fromDisk} from ${dir ?? 'the cache'}`)
  return out
}

async function embedClip(backbone: Backbone, clip: DatasetClip): Promise<Float32Array[]> {
  const wave = await loadClip16k(clip.file)
  const input =
    backbone.scope === 'recording'
      ? [wave]
      : embeddingPieces(segmentCries(wave), wave.length / 16000)
          .map((s) => extractCry(wave, s.startS, s.endS))
          .filter((p) => p.length >= 400)
  if (!input.length) throw new Error(`${clip.relPath}: no cry long enough to embed`)
  return backbone.embedCries(input)
}

function backboneFingerprint(b: Backbone): string {
  if (b instanceof OnnxBackbone) return `${b.name}-${(b.loaded.card.sha256 ?? 'unhashed').slice(0, 16)}`
  return b.name
}

/** Hash of the code that turns audio into embeddings, so the disk cache never outlives a change to it. */
function embeddingCodeFingerprint(): string {
  const engine = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../engine')
  const h = crypto.createHash('sha256')
  for (const dir of ['audio', 'embed']) {
    const folder = path.join(engine, dir)
    const files = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : []
    for (const f of files.filter((x) => x.endsWith('.ts'))) {
      h.update(f)
      h.update(fs.readFileSync(path.join(folder, f)))
    }
  }
  return h.digest('hex').slice(0, 16)
}

function readCached(file: string, dim: number): Float32Array[] | null {
  if (!fs.existsSync(file)) return null
  const buf = fs.readFileSync(file)
  // Copy: a Buffer's offset into its ArrayBuffer need not be a multiple of 4.
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))
  if (!all.length || all.length % dim) return null
  return Array.from({ length: all.length / dim }, (_, i) => all.slice(i * dim, (i + 1) * dim))
}

function writeCached(file: string, e: Float32Array[]): void {
  const tmp = `${file}.tmp-${process.pid}`
  fs.writeFileSync(tmp, Buffer.concat(e.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))))
  fs.renameSync(tmp, file)
}

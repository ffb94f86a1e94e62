// Reader for dataset folders laid out like ../shared/datasets/*: a manifest.csv (donateacry schema, or the
// negatives / esc-cries schema `file,label,source,duration_s,license,origin`) with audio paths relative to it,
// and, where a protocol needs them, Praat TextGrids in a `cry-segments/` folder inside or beside the dataset.
// Shared by every evaluation protocol; loadClip16k gives the same 16 kHz signal the import pipeline analyses.
import fs from 'node:fs'
import path from 'node:path'
import { decode16k, probeAudio } from '../engine/audio/decode'
import { HighPass } from '../engine/audio/preprocess'
import { concat } from '../engine/audio/resample'

export type ManifestSchema = 'donateacry' | 'clips'

export interface DatasetClip {
  /** Absolute path of the audio file. */
  file: string
  /** Path as written in the manifest. */
  relPath: string
  /** Donate-a-Cry: `DAC-…` infant id; other schemas: null. */
  infantId: string | null
  recordedAt: string | null
  platform: string | null
  sampleRate: number | null
  durationS: number | null
  /** Donate-a-Cry: `cry` / `rejected` / `unreviewed`; other schemas: null. */
  curation: string | null
  /** Other schemas: `cry`, `icu-alarm`, …; Donate-a-Cry: the parent's reason tag. */
  label: string | null
  /** Source recording (other schemas), for splitting correlated clips; Donate-a-Cry: the infant. */
  source: string | null
  /** TextGrid with hand-marked cries for this clip, when one exists. */
  segmentsFile: string | null
  /** Every manifest column as written. */
  columns: Record<string, string>
}

export interface Dataset {
  dir: string
  name: string
  schema: ManifestSchema
  clips: DatasetClip[]
}

/** Reads `<dir>/manifest.csv`. Throws with a plain message when the folder is not a dataset. */
export function readDataset(dir: string): Dataset {
  const abs = path.resolve(dir)
  const manifest = path.join(abs, 'manifest.csv')
  if (!fs.existsSync(manifest)) throw new Error(`${abs} is not a dataset folder (no manifest.csv)`)
  const rows = parseCsv(fs.readFileSync(manifest, 'utf8'))
  const header = rows.shift() ?? []
  if (!header.includes('file')) throw new Error(`${manifest} has no "file" column`)
  const schema: ManifestSchema = header.includes('infant_id') ? 'donateacry' : 'clips'
  const segDir = [path.join(abs, 'cry-segments'), path.join(path.dirname(abs), 'cry-segments')].find((d) =>
    fs.existsSync(d),
  )
  const clips = rows
    .filter((r) => r.length > 1 || (r[0] ?? '') !== '')
    .map((r): DatasetClip => {
      const col: Record<string, string> = {}
      header.forEach((h, i) => (col[h] = r[i] ?? ''))
      const relPath = col.file!
      const stem = path.basename(relPath).replace(/\.[^.]+$/, '')
      const tg = segDir ? path.join(segDir, `${stem}.TextGrid`) : null
      const num = (v: string | undefined) =>
        v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null
      const str = (v: string | undefined) => (v === undefined || v === '' ? null : v)
      return {
        file: path.join(abs, relPath),
        relPath,
        infantId: str(col.infant_id),
        recordedAt: str(col.recorded_at),
        platform: str(col.platform),
        sampleRate: num(col.sample_rate),
        durationS: num(col.duration_s),
        curation: str(col.curation),
        label: schema === 'donateacry' ? str(col.reason_tag) : str(col.label),
        source: schema === 'donateacry' ? str(col.infant_id) : str(col.source),
        segmentsFile: tg && fs.existsSync(tg) ? tg : null,
        columns: col,
      }
    })
  return { dir: abs, name: path.basename(abs), schema, clips }
}

/** Every dataset folder (one holding a manifest.csv) directly inside `root`, sorted by name. */
export function listDatasets(root: string): string[] {
  if (!fs.existsSync(root)) return []
  return fs
    .readdirSync(root)
    .map((n) => path.join(root, n))
    .filter((d) => fs.existsSync(path.join(d, 'manifest.csv')))
    .sort()
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

export interface TextGridInterval {
  tier: string
  xmin: number
  xmax: number
  text: string
}

/** Intervals of every IntervalTier of a Praat TextGrid (long text format, as Praat and the datasets write). */
export function parseTextGrid(text: string): TextGridInterval[] {
  const out: TextGridInterval[] = []
  let tier = ''
  let inIntervalTier = false
  let xmin: number | null = null
  let xmax: number | null = null
  let inInterval = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    let m: RegExpExecArray | null
    if ((m = /^class = "(.*)"$/.exec(line))) {
      inIntervalTier = m[1] === 'IntervalTier'
      inInterval = false
    } else if ((m = /^name = "(.*)"$/.exec(line))) tier = m[1]!
    else if (/^intervals \[\d+\]:?$/.test(line)) {
      inInterval = inIntervalTier
      xmin = xmax = null
    } else if (inInterval && (m = /^xmin = (\S+)$/.exec(line))) xmin = Number(m[1])
    else if (inInterval && (m = /^xmax = (\S+)$/.exec(line))) xmax = Number(m[1])
    else if (inInterval && (m = /^text = "(.*)"$/.exec(line))) {
      if (xmin !== null && xmax !== null) out.push({ tier, xmin, xmax, text: m[1]!.replace(/""/g, '"') })
      inInterval = false
    }
  }
  return out
}

/** The hand-marked cries (intervals labelled `cry`) of a TextGrid file, as [start, end] seconds, sorted. */
export function readCryIntervals(textGridFile: string): [number, number][] {
  return parseTextGrid(fs.readFileSync(textGridFile, 'utf8'))
    .filter((iv) => iv.text.trim().toLowerCase() === 'cry' && iv.xmax > iv.xmin)
    .map((iv): [number, number] => [iv.xmin, iv.xmax])
    .sort((a, b) => a[0] - b[0])
}

/**
 * A whole clip as the import pipeline sees it: decoded, channels averaged, resampled to 16 kHz, high-passed.
 * For clips (seconds to minutes); long recordings go through processRecording, which streams.
 */
export async function loadClip16k(file: string, signal?: AbortSignal): Promise<Float32Array> {
  const probe = await probeAudio(file)
  const parts: Float32Array[] = []
  const hp = new HighPass()
  for await (const chunk of decode16k(file, probe, { signal })) parts.push(hp.process(chunk))
  return concat(parts)
}

// The datasets evaluations may run on, by id: every folder with a manifest.csv in ../shared/datasets beside the
// checkout (`shared:<folder>`), folders an administrator registered with `iclas datasets add` (kept in the
// settings table, `registered:<name>`), and the simulated ward of protocol E (`builtin:simulated-ward`). The
// contract never carries a path: the core turns ids into folders here.
import fs from 'node:fs'
import path from 'node:path'
import type { EvalDataset } from '../../../shared/contract'
import { SIMULATED_WARD } from '../../../shared/contract'
import { checkoutModelsDir } from '../../engine/embed/registry'
import { listDatasets, readDataset } from '../../evaluation/datasets'
import type { Db } from '../../store/db'
import { getSetting } from '../../store/settings'

export const REGISTERED_DATASETS_KEY = 'evaluation.datasets'

export interface RegisteredDataset {
  name: string
  dir: string
  addedBy: string
  addedAt: string
}

export interface KnownDataset extends EvalDataset {
  /** The folder (null for the simulated ward). Stays in the core. */
  dir: string | null
}

/** ../shared/datasets beside the checkout (ICLAS_SHARED_DATASETS overrides it), as the CLI's default. */
export function sharedDatasetsRoot(): string {
  if (process.env.ICLAS_SHARED_DATASETS) return path.resolve(process.env.ICLAS_SHARED_DATASETS)
  return path.resolve(path.dirname(checkoutModelsDir()), '..', 'shared', 'datasets')
}

export function registeredDatasets(db: Db): RegisteredDataset[] {
  return getSetting<RegisteredDataset[]>(db, REGISTERED_DATASETS_KEY) ?? []
}

/** A dataset name as an id part: lower-case letters, digits, dot, dash, underscore. */
export function datasetSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64)
}

// Reading a manifest costs a few milliseconds per thousand clips: kept while the file is unchanged.
const summaries = new Map<string, { mtimeMs: number; summary: Omit<EvalDataset, 'id' | 'name' | 'origin'> }>()

function summarise(dir: string): Omit<EvalDataset, 'id' | 'name' | 'origin'> {
  const manifest = path.join(dir, 'manifest.csv')
  let mtimeMs: number
  try {
    mtimeMs = fs.statSync(manifest).mtimeMs
  } catch {
    return {
      schema: 'clips',
      clips: 0,
      withSegments: 0,
      labels: [],
      problem: 'the folder or its manifest.csv is gone',
    }
  }
  const hit = summaries.get(dir)
  if (hit && hit.mtimeMs === mtimeMs) return hit.summary
  let summary: Omit<EvalDataset, 'id' | 'name' | 'origin'>
  try {
    const ds = readDataset(dir)
    const labels = new Set<string>()
    for (const c of ds.clips) {
      const l = ds.schema === 'donateacry' ? c.curation : c.label
      if (l) labels.add(l)
    }
    summary = {
      schema: ds.schema,
      clips: ds.clips.length,
      withSegments: ds.clips.filter((c) => c.segmentsFile).length,
      labels: [...labels].sort(),
      problem: null,
    }
  } catch (err) {
    summary = { schema: 'clips', clips: 0, withSegments: 0, labels: [], problem: (err as Error).message }
  }
  summaries.set(dir, { mtimeMs, summary })
  return summary
}

export function knownDatasets(db: Db): KnownDataset[] {
  const out: KnownDataset[] = []
  for (const dir of listDatasets(sharedDatasetsRoot())) {
    const name = path.basename(dir)
    const slug = datasetSlug(name)
    if (slug) out.push({ id: `shared:${slug}`, name, origin: 'shared', dir, ...summarise(dir) })
  }
  for (const r of registeredDatasets(db)) {
    const slug = datasetSlug(r.name)
    if (slug)
      out.push({
        id: `registered:${slug}`,
        name: r.name,
        origin: 'registered',
        dir: r.dir,
        ...summarise(r.dir),
      })
  }
  out.push({
    id: SIMULATED_WARD,
    name: 'simulated ward (protocol E)',
    origin: 'builtin',
    schema: 'simulated',
    clips: 0,
    withSegments: 0,
    labels: [],
    problem: null,
    dir: null,
  })
  return out
}

// Protocol B's corpus: positives are Donate-a-Cry `cry` clips and esc-cries, negatives every negatives clip and
// Donate-a-Cry `rejected`; `unreviewed` is ignored. Clips are grouped by source recording (by infant for
// Donate-a-Cry) so a classifier is trained and evaluated on disjoint sources.
import crypto from 'node:crypto'
import type { Dataset, DatasetClip } from './datasets'

export interface GateClip {
  clip: DatasetClip
  dataset: string
  positive: boolean
  /** `<dataset>:<source>` — the unit of the train/test split. */
  group: string
}

export function gateClips(datasets: readonly Dataset[]): GateClip[] {
  const out: GateClip[] = []
  for (const ds of datasets) {
    for (const clip of ds.clips) {
      let positive: boolean | null = null
      if (ds.schema === 'donateacry') {
        if (clip.curation === 'cry') positive = true
        else if (clip.curation === 'rejected') positive = false
      } else if (clip.label) {
        positive = clip.label === 'cry'
      }
      if (positive === null) continue
      out.push({ clip, dataset: ds.name, positive, group: `${ds.name}:${clip.source ?? clip.relPath}` })
    }
  }
  return out
}

/** Deterministic half split of the groups (a group is in the training part when its hash falls below `share`). */
export function inTrainingPart(group: string, seed: number, share = 0.5): boolean {
  const h = crypto.createHash('sha256').update(`${seed}:${group}`).digest()
  return h.readUInt32BE(0) / 2 ** 32 < share
}

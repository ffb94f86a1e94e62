// The cry detector's cross-validation as the segmenter sees it: each fold model written by
// `training/cry_detector.py --fold-weights DIR` segments the hand-marked Donate-a-Cry clips of the infants its
// fold held out (the segmenter as imports run it, only the detector swapped), scored by protocol A's metric; and
// the non-cry clips of the fold's held-out sources (../shared negatives, curator-rejected Donate-a-Cry clips) as
// the share with a cry found. Pooled over the folds (training/cv/cry-detector-events.json for the shipped recipe),
// measured on the detector's training infants only, never on protocol A's held-out ones. Run by hand (never by
// CI); training/README.md has the trainer's command, with --weights/--card/--fixtures elsewhere so the shipped
// files stay as they are:
//
//   npx tsx scripts/cry-detector-cv.ts training/.cache/cry-detector-folds [--options JSON] [--json FILE]
//
// --options: segmenter options to try with the fold models (SegmentOptions, e.g. '{"detectorThreshold":0.4}'),
// so the segmenter's operating point for a new detector is chosen on these folds too.
import fs from 'node:fs'
import path from 'node:path'
import { CryDetector, type DetectorWeights } from '../src/main/engine/audio/cry-detector'
import { segmentCries, type SegmentOptions } from '../src/main/engine/audio/segment'
import { PIPELINE_RATE } from '../src/main/engine/audio/resample'
import { listDatasets, loadClip16k, readDataset } from '../src/main/evaluation/datasets'
import { addCounts, scores, type Counts } from '../src/main/evaluation/metrics/segmentation'
import { scoreClip } from '../src/main/evaluation/segmentation-run'

const args = process.argv.slice(2)
const dir = args[0]
if (!dir || !fs.existsSync(path.join(dir, 'folds.json'))) {
  console.error(
    'usage: npx tsx scripts/cry-detector-cv.ts DIR [--options JSON] [--json FILE]  (DIR from training/cry_detector.py --fold-weights)',
  )
  process.exit(2)
}
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined
const options = (
  args.includes('--options') ? JSON.parse(args[args.indexOf('--options') + 1]!) : {}
) as SegmentOptions
const shared = process.env.ICLAS_SHARED ?? path.resolve('..', 'shared')
const { folds, fold_of_group: foldOf } = JSON.parse(
  fs.readFileSync(path.join(dir, 'folds.json'), 'utf8'),
) as {
  folds: number
  fold_of_group: Record<string, number>
}

const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 })
const perFold = Array.from({ length: folds }, () => ({ frames: zero(), events: zero(), clips: 0 }))
const nonCry: Record<string, { clips: number; withCries: number }> = {}

const datasets = listDatasets(path.join(shared, 'datasets')).map((d) => readDataset(d))
for (let k = 0; k < folds; k++) {
  const weights = JSON.parse(fs.readFileSync(path.join(dir, `fold-${k}.json`), 'utf8')) as DetectorWeights
  const detector = new CryDetector(weights)
  for (const ds of datasets) {
    for (const clip of ds.clips) {
      // The source group scripts/cry-detector-data.ts wrote for the clip (a Donate-a-Cry infant, a source file).
      const group = `${ds.name}/${clip.source ?? clip.relPath}`
      if (foldOf[group] !== k) continue
      const rejected = ds.schema === 'donateacry' && clip.curation === 'rejected'
      if (!clip.segmentsFile && !rejected && ds.name !== 'negatives') continue
      const samples = await loadClip16k(clip.file)
      const durationS = samples.length / PIPELINE_RATE
      const found = segmentCries(samples, options, detector)
      if (clip.segmentsFile) {
        const scored = scoreClip(clip.segmentsFile, found, durationS)
        const f = perFold[k]!
        f.frames = addCounts(f.frames, scored.frames)
        f.events = addCounts(f.events, scored.events)
        f.clips++
      } else {
        const label = rejected ? 'donateacry/rejected' : `negatives/${clip.label}`
        const n = (nonCry[label] ??= { clips: 0, withCries: 0 })
        n.clips++
        if (found.length) n.withCries++
      }
    }
  }
  const e = scores(perFold[k]!.events)
  console.log(`fold ${k}: ${perFold[k]!.clips} hand-marked clips, event F1 ${e.f1.toFixed(3)}`)
}

const frames = perFold.reduce((t, f) => addCounts(t, f.frames), zero())
const events = perFold.reduce((t, f) => addCounts(t, f.events), zero())
const fs_ = scores(frames)
const es = scores(events)
const foldF1 = perFold.map((f) => scores(f.events).f1)
console.log(
  `pooled over ${folds} folds: frame F1 ${fs_.f1.toFixed(3)}, event F1 ${es.f1.toFixed(3)} ` +
    `(precision ${es.precision.toFixed(3)}, recall ${es.recall.toFixed(3)}); per fold ${foldF1.map((v) => v.toFixed(3)).join(' ')}`,
)
for (const [label, n] of Object.entries(nonCry).sort())
  console.log(`  ${label.padEnd(28)} ${n.withCries}/${n.clips} non-cry clips with a cry`)
if (jsonOut)
  fs.writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        options,
        frame_f1: fs_.f1,
        event_f1: es.f1,
        event_precision: es.precision,
        event_recall: es.recall,
        event_f1_by_fold: foldF1,
        non_cry_clips_with_cries: Object.fromEntries(
          Object.entries(nonCry).map(([k, n]) => [k, { clips: n.clips, with_cries: n.withCries }]),
        ),
      },
      null,
      1,
    ),
  )

// Protocol E of docs/evaluation.md: longitudinal drift detection under three baseline-updating policies, on
// (1) a simulated ward — the project's synthesizer, some infants change from a known time, others never — and
// (2) real Donate-a-Cry cries: each infant's later recordings left as they are (the control), pitch-raised with
// the timing kept or by resampling, made aperiodic, shorter and weaker, or replaced by another infant's. Cries are
// found, measured and embedded as in the workstation (segmenter, measures, peak normalisation, backbone, shipped
// cry classifier), then fed to the workstation's own stage 3–4 step with its default settings.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { HighPass, extractCry } from '../../engine/audio/preprocess'
import { concat } from '../../engine/audio/resample'
import { measureCry } from '../../engine/audio/measures'
import { cryFeatureVector } from '../../engine/anomaly/cry-features'
import type { FeatureSet, PersonalKind } from '../../engine/anomaly/personal'
import { aperiodic, pitchKeepDuration, pitchResample, shorterWeaker } from '../cry-changes'
import { segmentCries } from '../../engine/audio/segment'
import type { Backbone } from '../../engine/embed/backbone'
import { checkoutModelsDir, getBackbone } from '../../engine/embed/registry'
import { loadClip16k, readDataset, type DatasetClip } from '../datasets'
import {
  personalModelFitter,
  runPolicies,
  type ChangeKind,
  type DriftInfant,
  type PolicyFigures,
} from '../metrics/drift'
import { referenceFigures, REFERENCE_FALSE_SHARE, type ReferenceFigures } from '../metrics/drift-reference'
import { loadCryClassifier, type CryClassifier } from '../../engine/gate/cry-classifier'
import type { TrackerCry, UpdatePolicy } from '../../engine/gate/tracker'
import { resolveWardConfig, simulateWard, type WardConfig } from '../../engine/sim'
import { DEFAULT_ANALYSIS, modelParams, stepSettings } from '../../engine/settings'
import { phase, type Protocol } from '../context'

export type DriftScenario = 'sim' | 'real'

export interface DriftOptions {
  scenarios: DriftScenario[]
  /** The Donate-a-Cry-like folder of the real scenario (none: the real scenario is skipped). */
  data?: string
  /** Backbone name ('default': the shipped default). */
  backbone: string
  model: PersonalKind
  features: FeatureSet
  seed: number
  /** The simulated ward's size, when not the protocol's. */
  infants?: number
  days?: number
  /** Folder keeping the scenarios' cry timelines between runs (none: built every run). */
  cacheDir?: string
}

/** What `iclas eval drift --json` writes: the first scenario at the top level, every one under "scenarios". */
export interface DriftJson {
  scenario?: string
  policies?: Record<UpdatePolicy, PolicyFigures>
  scenarios: Record<string, DriftReport>
}

const MIN_CRY_SAMPLES = 400

/** The simulated ward of the evaluation: larger than the demo, small enough for a 2-core machine. */
export const DRIFT_WARD: Partial<WardConfig> = {
  infants: 8,
  days: 10,
  hoursPerDay: 1,
  sessionsPerDay: 3,
  deviating: 3,
  cryRate: 1.5,
  labelPrefix: 'sim',
}

export class CryEmbedder {
  private nextId = 1
  constructor(
    readonly backbone: Backbone,
    private readonly classifier: CryClassifier | null,
    /** The classifier's other backbones (e.g. the acoustic embedding), by name. */
    private readonly others: Map<string, Backbone> = new Map(),
  ) {}

  /** Cries of a 16 kHz (already high-passed) signal as tracker cries, t = clock of the first sample + offset. */
  async cries(wave: Float32Array, t0: number, recordingId: string): Promise<TrackerCry[]> {
    const segs = segmentCries(wave).filter((s) => (s.endS - s.startS) * 16000 >= MIN_CRY_SAMPLES)
    if (!segs.length) return []
    const pieces = segs.map((s) => extractCry(wave, s.startS, s.endS))
    // Measures on the cry as recorded (not peak-normalised), as the import pipeline measures it.
    const features = segs.map((s) =>
      cryFeatureVector(
        measureCry(wave.subarray(Math.round(s.startS * 16000), Math.round(s.endS * 16000)), 16000),
      ),
    )
    const emb = await this.backbone.embedCries(pieces)
    let p: Float64Array | null = null
    if (this.classifier) {
      const blocks: Float32Array[] = []
      for (const name of this.classifier.backbones) {
        const b = name === this.backbone.name ? this.backbone : this.others.get(name)!
        const e = b === this.backbone ? emb : await b.embedCries(pieces)
        const block = new Float32Array(segs.length * b.dim)
        e.forEach((v, i) => block.set(v, i * b.dim))
        blocks.push(block)
      }
      p = this.classifier.predict(blocks, segs.length)
    }
    return segs.map((s, i) => ({
      id: this.nextId++,
      recordingId,
      startS: s.startS,
      t: t0 + s.startS * 1000,
      embedding: emb[i]!,
      cryConfidence: p ? p[i]! : null,
      features: features[i]!,
    }))
  }
}

export async function simScenario(
  ward: Partial<WardConfig>,
  embedder: CryEmbedder,
  log: (l: string) => void,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<DriftInfant[]> {
  const c = resolveWardConfig(ward)
  const total = c.infants * c.days * c.sessionsPerDay
  const byInfant = new Map<string, (DriftInfant['recordings'][number] & { startS: number })[]>()
  let done = 0
  const truth = await simulateWard(ward, {
    openRecording(info) {
      const hp = new HighPass()
      const parts: Float32Array[] = []
      return {
        write: (chunk) => void parts.push(hp.process(chunk)),
        close: async () => {
          const cries = await embedder.cries(concat(parts), info.startS * 1000, info.file)
          const list = byInfant.get(info.infant) ?? []
          list.push({ id: info.file, cries, startS: info.startS })
          byInfant.set(info.infant, list)
          progress(++done, total)
          if (done % 20 === 0) log(`  simulated and analysed ${done} recordings`)
        },
      }
    },
    finish: () => undefined,
  })
  return truth.infants.map((inf) => ({
    id: inf.label,
    changeT: inf.deviation ? inf.deviation.startS * 1000 : null,
    recordings: (byInfant.get(inf.label) ?? []).sort((a, b) => a.startS - b.startS),
  }))
}

/** The changes of the real scenario, each applied to every recording after the infant's change time. */
export const REAL_CHANGES: { kind: ChangeKind; size: number | null }[] = [
  { kind: 'none', size: null },
  { kind: 'pitch-keep-duration', size: 0.1 },
  { kind: 'pitch-keep-duration', size: 0.2 },
  { kind: 'pitch-keep-duration', size: 0.3 },
  { kind: 'pitch-resample', size: 0.3 },
  { kind: 'aperiodic', size: 5 },
  { kind: 'shorter-weaker', size: 0.3 },
  { kind: 'replaced', size: null },
]

function changeWave(kind: ChangeKind, size: number, wave: Float32Array, seed: number): Promise<Float32Array> {
  switch (kind) {
    case 'pitch-keep-duration':
      return pitchKeepDuration(wave, size)
    case 'pitch-resample':
      return pitchResample(wave, size)
    case 'aperiodic':
      return Promise.resolve(aperiodic(wave, size, seed))
    case 'shorter-weaker':
      return shorterWeaker(wave, size)
    default:
      return Promise.resolve(wave)
  }
}

/**
 * Real cries: each Donate-a-Cry infant with ≥ 6 cry recordings is one timeline per change of REAL_CHANGES: its
 * recordings in time order, the first half as recorded (its baseline period, as in protocol D), the rest left as
 * they are ('none', the control: real infants vary between sessions), changed (pitch +10/20/30 % with the timing
 * kept, +30 % by resampling, noise at 5 dB HNR, expirations 30 % shorter and 6 dB weaker), or replaced by another
 * infant's recordings from the same platform.
 */
export async function realScenario(
  dataDir: string,
  seed: number,
  embedder: CryEmbedder,
  log: (l: string) => void,
  changes = REAL_CHANGES,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<DriftInfant[]> {
  const clips = readDataset(dataDir).clips.filter(
    (c) => c.infantId && c.recordedAt && (c.curation === 'cry' || c.curation === 'unreviewed'),
  )
  const byInfant = new Map<string, DatasetClip[]>()
  for (const c of clips) byInfant.set(c.infantId!, [...(byInfant.get(c.infantId!) ?? []), c])
  const eligible = [...byInfant.entries()]
    .filter(([, l]) => l.length >= 6)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  const waves = new Map<string, Float32Array>()
  const wave = async (c: DatasetClip) => {
    let w = waves.get(c.file)
    if (!w) waves.set(c.file, (w = await loadClip16k(c.file)))
    return w
  }
  const out: DriftInfant[] = []
  let rnd = seed >>> 0
  const next = () => (rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0) / 2 ** 32
  for (const [n, [infant, list]] of eligible.entries()) {
    progress(n, eligible.length)
    const recs = [...list].sort((a, b) => Date.parse(a.recordedAt!) - Date.parse(b.recordedAt!))
    const half = Math.ceil(recs.length / 2)
    const changeT = Date.parse(recs[half]!.recordedAt!)
    const before = []
    for (const c of recs.slice(0, half))
      before.push({
        id: c.relPath,
        cries: await embedder.cries(await wave(c), Date.parse(c.recordedAt!), c.relPath),
      })
    const post = recs.slice(half)
    // A few short clips per infant: as in protocol D, the recordings before the change are its baseline period.
    const usable = before.filter((r) =>
      r.cries.some((c) => c.cryConfidence === null || c.cryConfidence >= DEFAULT_ANALYSIS.minCryConfidence),
    )
    const settings = { baselineMinRecordings: Math.max(1, usable.length), baselineMinCries: 1 }
    const others = eligible.filter(([id, l]) => id !== infant && l[0]!.platform === recs[0]!.platform)
    const replacement = others.length
      ? [...others[Math.floor(next() * others.length)]![1]].sort(
          (a, b) => Date.parse(a.recordedAt!) - Date.parse(b.recordedAt!),
        )
      : null
    for (const change of changes) {
      const after = []
      for (const [k, c] of post.entries()) {
        const t = Date.parse(c.recordedAt!)
        if (change.kind === 'replaced') {
          if (!replacement) break
          const r = replacement[k % replacement.length]!
          after.push({
            id: `${r.relPath} as ${c.relPath}`,
            cries: await embedder.cries(await wave(r), t, `${r.relPath}#${k}`),
          })
          continue
        }
        const changed =
          change.kind === 'none'
            ? await wave(c)
            : await changeWave(change.kind, change.size!, await wave(c), k + 1)
        const id = `${c.relPath}${change.kind === 'none' ? '' : `@${change.kind}${change.size}`}`
        after.push({ id, cries: await embedder.cries(changed, t, id) })
      }
      if (!after.length) continue
      out.push({
        id: `${infant} ${change.kind}${change.size === null ? '' : ` ${change.size}`}`,
        changeT: change.kind === 'none' ? null : changeT,
        splitT: changeT,
        kind: change.kind,
        size: change.size ?? undefined,
        recordings: [...before, ...after],
        settings,
      })
    }
    log(`  ${infant}: ${recs.length} recordings`)
  }
  return out
}

/** The cry timelines of a scenario, built once and kept as JSON in dir (typed arrays as lists, NaN as null). */
async function cached(
  dir: string | undefined,
  key: string,
  log: (l: string) => void,
  build: () => Promise<DriftInfant[]>,
): Promise<DriftInfant[]> {
  if (!dir) return build()
  const file = path.join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`)
  if (fs.existsSync(file)) {
    log(`  cry timelines from ${path.relative(process.cwd(), file)}`)
    const infants = JSON.parse(fs.readFileSync(file, 'utf8')) as DriftInfant[]
    for (const i of infants)
      for (const r of i.recordings)
        for (const c of r.cries) {
          c.embedding = Float32Array.from(c.embedding as unknown as number[])
          if (c.features)
            c.features = Float64Array.from(c.features as unknown as (number | null)[], (v) => v ?? NaN)
        }
    return infants
  }
  const infants = await build()
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    file,
    JSON.stringify(infants, (_k, v: unknown) =>
      v instanceof Float32Array || v instanceof Float64Array ? Array.from(v) : v,
    ),
  )
  return infants
}

export interface DriftReport {
  scenario: string
  backbone: string
  cry_classifier: boolean
  model: string
  features: FeatureSet
  infants: number
  policies: Record<UpdatePolicy, PolicyFigures>
  /** Real scenario: a test told which measure each change moves and which way (metrics/drift-reference.ts). */
  reference?: ReferenceFigures[]
}

function table(reports: DriftReport[]): string {
  const f = (v: number | null, d = 2) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(d))
  const lines = [
    'Protocol E — longitudinal drift',
    '',
    'scenario  policy   detected  ≤24 h  median delay (h)  (cries)  false alerts / infant-day  contamination',
  ]
  for (const r of reports) {
    for (const p of ['gated', 'always', 'never'] as const) {
      const x = r.policies[p]
      lines.push(
        `${r.scenario.padEnd(9)} ${p.padEnd(8)} ${f(x.detected).padStart(8)}  ${f(x.detected_within_24h).padStart(5)}  ${f(x.median_delay_hours, 1).padStart(16)}  ${f(x.median_delay_cries, 0).padStart(7)}  ${f(x.false_alerts_per_infant_day, 3).padStart(25)}  ${f(x.contamination).padStart(13)}`,
      )
    }
  }
  for (const r of reports) {
    if (!r.policies.gated.by_change) continue
    lines.push(
      '',
      `${r.scenario} scenario, by change (detected = share alerted after the change; for none, falsely)`,
    )
    lines.push('change                     size  timelines  policy   detected  ≤24 h  AUC vs none')
    for (const p of ['gated', 'always', 'never'] as const)
      for (const c of r.policies[p].by_change ?? [])
        lines.push(
          `${c.kind.padEnd(26)} ${(c.size === null ? '' : String(c.size)).padStart(4)}  ${String(c.infants).padStart(9)}  ${p.padEnd(8)} ${f(c.detected).padStart(8)}  ${f(c.detected_within_24h).padStart(5)}  ${f(c.auc_vs_none, 3).padStart(11)}`,
        )
  }
  for (const r of reports) {
    if (!r.reference?.length) continue
    lines.push(
      '',
      `${r.scenario} scenario, the reference: a test told the measure and its direction (recording medians after`,
      `the split against the baseline recordings' spread); detected while alerting at most ${Math.round(REFERENCE_FALSE_SHARE * 100)} % of unchanged infants`,
    )
    lines.push('change                     size  measure        timelines  detected  AUC vs none')
    for (const c of r.reference)
      lines.push(
        `${c.kind.padEnd(26)} ${(c.size === null ? '' : String(c.size)).padStart(4)}  ${`${c.measure} ${c.direction}`.padEnd(13)} ${String(c.infants).padStart(10)}  ${f(c.detected_at_false_share).padStart(8)}  ${f(c.auc_vs_none, 3).padStart(11)}`,
      )
  }
  lines.push('')
  for (const r of reports) {
    lines.push(
      `${r.scenario}: ${r.infants} infant timelines, ${r.policies.gated.changed_infants} changed, ${r.policies.gated.stable_infant_days.toFixed(1)} stable infant-days; backbone ${r.backbone}${r.cry_classifier ? ' + cry classifier' : ' (no cry classifier for it)'}; model ${r.model} on ${r.features}`,
    )
  }
  return lines.join('\n')
}

export const drift: Protocol<DriftOptions, DriftJson> = {
  name: 'drift',
  letter: 'E',
  summary:
    'Protocol E: drift detection with gated, always- and never-updated baselines (simulated ward, real cries)',
  async run(o, ctx) {
    const log = ctx.log
    const modelsDir = checkoutModelsDir()
    const backbone = await getBackbone(o.backbone, { modelsDir, provider: 'cpu', log })
    const classifierFile = path.join(modelsDir, 'gate', 'cry-classifier.json')
    const classifier = fs.existsSync(classifierFile) ? await loadCryClassifier(classifierFile) : null
    const usable = classifier && classifier.backbones.includes(backbone.name) ? classifier : null
    const others = new Map<string, Backbone>()
    for (const name of usable?.backbones ?? [])
      if (name !== backbone.name)
        others.set(name, await getBackbone(name, { modelsDir, provider: 'cpu', log }))
    const embedder = new CryEmbedder(backbone, usable, others)
    const settings = stepSettings(DEFAULT_ANALYSIS)
    const fit = personalModelFitter(
      o.model,
      modelParams({ ...DEFAULT_ANALYSIS, modelKind: o.model }),
      o.features,
    )
    const reports: DriftReport[] = []
    try {
      for (const [si, scenario] of o.scenarios.entries()) {
        // Progress: each scenario an equal share, its cry timelines 70 % of it, the three policies the rest.
        const share = phase(ctx, si / o.scenarios.length, (si + 1) / o.scenarios.length)
        const building = (done: number, total: number) =>
          share.progress((0.7 * done) / total, `${scenario}: cry timelines ${done} of ${total}`)
        log(`protocol E, ${scenario} scenario: building cry timelines…`)
        let infants: DriftInfant[]
        if (scenario === 'sim') {
          const ward: Partial<WardConfig> = { ...DRIFT_WARD, seed: o.seed }
          if (o.infants) ward.infants = o.infants
          if (o.days) ward.days = o.days
          if (o.infants) ward.deviating = Math.max(1, Math.round(ward.infants! * 0.375))
          infants = await cached(o.cacheDir, `sim-${JSON.stringify(ward)}-${backbone.name}`, log, () =>
            simScenario(ward, embedder, log, building),
          )
        } else {
          const dir = o.data === undefined ? undefined : path.resolve(o.data)
          if (dir === undefined || !fs.existsSync(path.join(dir, 'manifest.csv'))) {
            log(`real scenario skipped: no donateacry dataset ${dir ? `at ${dir}` : 'given'}`)
            continue
          }
          infants = await cached(
            o.cacheDir,
            `real-${dir}-${o.seed}-${JSON.stringify(REAL_CHANGES)}-${backbone.name}`,
            log,
            () => realScenario(dir, o.seed, embedder, log, REAL_CHANGES, building),
          )
        }
        log(`  running the tracker: ${infants.length} timelines × 3 policies`)
        const t0 = Date.now()
        let run = 0
        const policies = await runPolicies(infants, fit, settings, (policy, infant) => {
          share.progress(0.7 + (0.3 * run++) / (3 * infants.length), `${scenario}: ${policy} ${infant}`)
          log(`  ${policy.padEnd(6)} ${infant} (${((Date.now() - t0) / 1000).toFixed(0)} s)`)
        })
        reports.push({
          scenario,
          backbone: backbone.name,
          cry_classifier: !!usable,
          model: o.model,
          features: o.features,
          infants: infants.length,
          policies,
          ...(scenario === 'real' ? { reference: referenceFigures(infants) } : {}),
        })
      }
    } finally {
      await backbone.dispose()
      for (const b of others.values()) await b.dispose()
    }
    const first = reports[0]
    return {
      ...(first ? { scenario: first.scenario, policies: first.policies } : {}),
      scenarios: Object.fromEntries(reports.map((r) => [r.scenario, r])),
    }
  },
  format(doc) {
    return table(Object.values(doc.scenarios))
  },
}

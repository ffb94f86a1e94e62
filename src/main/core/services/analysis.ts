// Stages 1–4 for the workstation, after each recording is imported: embed its cries (worker), P(cry) from the
// shipped cry classifier, score against the infant's active personal model (worker), then load → step → save:
// the infant's stage 3–4 state comes from the store, `stepInfant` (engine/gate/step.ts, the one place the gate,
// flag, buffer, refit and alert rules live, the same the drift evaluation runs) decides, and one transaction
// stores every decision, the buffer and the alerts. A refit the step asks for runs before the next recording.
// Not a service of its own: the core builds one WardAnalysis and hands it to the services that need it (the
// analysis service's handlers, the cries service's verdict hook, stage 0 corrections, the import job).
import path from 'node:path'
import type { AnalysisSettings } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { loadCryClassifier, type CryClassifier } from '../../engine/gate/cry-classifier'
import { updateReplayBuffer } from '../../engine/gate/replay'
import { alertMessage, controlStateAfter, stepInfant, type InfantState } from '../../engine/gate/step'
import { engineModel, type PersonalModelJson } from '../../engine/anomaly/personal'
import {
  CRY_FEATURE_DIM,
  cryFeatureMatrix,
  type FeatureStandardiser,
} from '../../engine/anomaly/cry-features'
import { estimateBaselineNoise, type BaselineNoise } from '../../engine/timeline/control'
import { timelineBlocks } from '../../engine/timeline/blocks'
import { appendAudit, type Actor } from '../../store/audit'
import {
  cryMeasures,
  infantCryIds,
  pendingCries,
  recordingsOfCries,
  recordingsWithPendingCries,
  setCryAnalysis,
  setInBaseline,
  setUnscoredScores,
  timelineCries,
} from '../../store/cry-analysis'
import { getEmbeddings, hasEmbeddings, putEmbeddings } from '../../store/embeddings'
import { dataFile } from '../../store/layout'
import { activeModel, getModel, insertActiveModel, type ModelRow } from '../../store/models'
import { getRecording, getRecordingAudioPath } from '../../store/recordings'
import { alertExists, getAlert, insertAlert, listAlerts } from '../../store/alerts'
import { removeFromReplay, replayBuffer, setReplayBuffer, joinedSince } from '../../store/replay'
import type { ServiceContext } from '../context'
import { effectiveSettings, modelParams, stepSettings } from './analysis-settings'
import { SYSTEM } from './actor'
import type { VerdictEvent } from './cries'

export interface AnalysisOptions {
  modelsDir: string
  log?: (line: string) => void
  /** Wait this long after the last trigger before refitting (debounce). */
  refitDebounceMs?: number
}

export interface RecordingAnalysis {
  cries: number
  flagged: number
  baseline: number
  accepted: number
  rejected: number
  backbone: string | null
}

/** What each model version keeps for the control charts: its baseline's LORO percentiles and their noise. */
export interface ModelBaseline {
  percentiles: number[]
  groups: (string | number)[]
  noise: BaselineNoise
  /** The baseline cries' measures (mean and spread of each): what a flag says moved is read against them. */
  measures?: FeatureStandardiser | null
}

export class WardAnalysis {
  private classifier: Promise<CryClassifier | null> | null = null
  private readonly locks = new Map<number, Promise<unknown>>()
  private readonly refitTimers = new Map<number, NodeJS.Timeout>()
  private readonly noiseCache = new Map<number, BaselineNoise>()
  private provider = 'cpu'
  private backbone: string | null = null
  private closed = false

  constructor(
    private readonly ctx: ServiceContext,
    private readonly opts: AnalysisOptions,
  ) {}

  /** The execution provider and backbone the last embedding ran on (shown in the UI). */
  get status(): { provider: string; backbone: string | null } {
    return { provider: this.provider, backbone: this.backbone }
  }

  /** Serialises work per infant: scoring, refits and verdicts see one model version at a time. */
  private exclusive<T>(infantId: number, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(infantId) ?? Promise.resolve()
    const next = prev.then(work, work)
    this.locks.set(
      infantId,
      next.catch(() => undefined),
    )
    return next
  }

  private cryClassifier(): Promise<CryClassifier | null> {
    this.classifier ??= loadCryClassifier(
      path.join(this.opts.modelsDir, 'gate', 'cry-classifier.json'),
    ).catch((err: Error) => {
      this.opts.log?.(`cry classifier unavailable: ${err.message}`)
      return null
    })
    return this.classifier
  }

  /** Stages 1–4 for one imported recording. Idempotent: only cries still 'pending' are analysed. */
  analyseRecording(recordingId: number, signal?: AbortSignal): Promise<RecordingAnalysis> {
    const rec = getRecording(this.ctx.db, recordingId)
    if (!rec) return Promise.reject(new IclasError('not_found', `No recording with id ${recordingId}`))
    return this.exclusive(rec.infantId, () => this.analyse(recordingId, rec.infantId, signal))
  }

  private async analyse(
    recordingId: number,
    infantId: number,
    signal?: AbortSignal,
  ): Promise<RecordingAnalysis> {
    const { db, pool } = this.ctx
    const result: RecordingAnalysis = {
      cries: 0,
      flagged: 0,
      baseline: 0,
      accepted: 0,
      rejected: 0,
      backbone: null,
    }
    const pending = pendingCries(db, recordingId)
    if (!pending.length) return result
    const s = effectiveSettings(db, infantId)
    const wavPath = dataFile(this.ctx.dataDir, getRecordingAudioPath(db, recordingId)!)
    const emb = await pool.run(
      'embedRecordingCries',
      {
        modelsDir: this.opts.modelsDir,
        backbone: 'default',
        provider: s.computeProvider,
        wavPath,
        cries: pending,
      },
      { signal },
    )
    this.provider = emb.provider.active
    this.backbone = emb.backbone
    result.backbone = emb.backbone
    const d = emb.dim
    const x = new Float32Array(pending.length * d)
    emb.embeddings.forEach((e, i) => x.set(e, i * d))
    const classifier = await this.cryClassifier()
    // The cry classifier reads the default backbone's embedding and possibly others' (e.g. the acoustic one).
    const usable = classifier && classifier.backbones.includes(emb.backbone) ? classifier : null
    const extra: { backbone: string; embeddings: Float32Array[] }[] = []
    let pCry: Float64Array | null = null
    if (usable) {
      const blocks: Float32Array[] = []
      for (const name of usable.backbones) {
        if (name === emb.backbone) {
          blocks.push(x)
          continue
        }
        const other = await pool.run(
          'embedRecordingCries',
          {
            modelsDir: this.opts.modelsDir,
            backbone: name,
            provider: s.computeProvider,
            wavPath,
            cries: pending,
          },
          { signal },
        )
        extra.push({ backbone: other.backbone, embeddings: other.embeddings })
        const block = new Float32Array(pending.length * other.dim)
        other.embeddings.forEach((e, i) => block.set(e, i * other.dim))
        blocks.push(block)
      }
      pCry = usable.predict(blocks, pending.length)
    }
    let model = activeModel(db, infantId)
    if (model && model.backbone !== emb.backbone) model = undefined // the default backbone changed: start a new baseline
    const measures = cryMeasures(
      db,
      pending.map((c) => c.id),
    )
    const features = cryFeatureMatrix(pending.map((c) => measures.get(c.id)!))
    const scores = model
      ? await pool.run(
          'scorePersonalModel',
          { json: model.weights as PersonalModelJson, x, n: pending.length, features },
          { signal },
        )
      : null
    if (signal?.aborted) throw new DOMException('cancelled', 'AbortError')

    // Load → step → save: the stage 3–4 rules are the step's (engine/gate/step.ts), the same the evaluations run.
    const state = this.loadState(infantId, s, model ?? null)
    const step = stepInfant(
      state,
      pending.map((c, i) => ({
        id: c.id,
        recordingId: recordingId,
        startS: c.startS,
        t: Date.parse(c.at),
        cryConfidence: pCry ? pCry[i]! : null,
        score: scores ? scores[i]! : null,
        features: features.subarray(i * CRY_FEATURE_DIM, (i + 1) * CRY_FEATURE_DIM),
      })),
      stepSettings(s),
    )
    const raised: { id: number; message: string }[] = []
    db.transaction(() => {
      putEmbeddings(
        db,
        emb.backbone,
        pending.map((c, i) => ({ cryId: c.id, vector: emb.embeddings[i]! })),
      )
      for (const e of extra)
        putEmbeddings(
          db,
          e.backbone,
          pending.map((c, i) => ({ cryId: c.id, vector: e.embeddings[i]! })),
        )
      for (const d of step.decisions) {
        const cryConfidence = pCry ? pCry[pending.findIndex((c) => c.id === d.id)]! : null
        setCryAnalysis(db, d.id, {
          cryConfidence,
          score: d.score,
          modelId: model ? model.id : null,
          gateConfidence: cryConfidence === null && d.score === null ? null : d.gate.confidence,
          decision: d.gate.decision,
          reason:
            cryConfidence === null
              ? `${d.gate.reason} (no cry classifier for backbone ${emb.backbone})`
              : d.gate.reason,
          flagged: d.flagged,
          inBaseline: d.joinedBaseline,
        })
        if (d.flagged) result.flagged++
        result[d.gate.decision]++
      }
      for (const a of step.alerts) raised.push({ id: this.insertAlert(infantId, a), message: a.message })
      setReplayBuffer(
        db,
        infantId,
        step.state.replay.map((e) => e.cryId),
      )
    })()
    result.cries = pending.length
    for (const a of raised) this.emitAlert(a.id)
    if (raised.length) this.ctx.emit('changed', { entity: 'alerts' })
    // The step asks for a refit (the baseline period is complete, or enough trusted cries joined): fitted here,
    // before the infant's next recording, as the evaluation does.
    if (step.refit) await this.fitAndActivate(infantId, s, step.refit, SYSTEM, null, signal)
    this.ctx.emit('changed', { entity: 'cries' })
    return result
  }

  /** The infant's stage 3–4 state as the store holds it (the control charts rebuilt from the stored blocks). */
  private loadState(infantId: number, s: AnalysisSettings, model: ModelRow | null): InfantState {
    const { db } = this.ctx
    const replay = replayBuffer(db, infantId)
    return {
      model: model
        ? {
            version: model.version,
            noise: (model.baseline as ModelBaseline).noise,
            json: model.weights as PersonalModelJson,
          }
        : null,
      replay: replay.map((r) => ({ cryId: r.cryId, t: r.t, recordingId: r.recordingId })),
      joinedSinceFit: model ? joinedSince(db, infantId, model.createdAt) : replay.length,
      control: controlStateAfter(this.blocksFor(infantId, s)),
      openAlerts: listAlerts(db, { infantId })
        .filter((a) => a.state !== 'resolved')
        .map((a) => ({ statistic: a.statistic, t: Date.parse(a.at) })),
    }
  }

  /** Stores one alert the step raised, with its audit entry (inside the caller's transaction). */
  private insertAlert(
    infantId: number,
    a: {
      statistic: 'ewma' | 'cusum'
      t: number
      value: number
      limit: number
      cryId: number
      message: string
    },
  ): number {
    const { db } = this.ctx
    const at = new Date(a.t).toISOString()
    const alertId = insertAlert(db, {
      infantId,
      statistic: a.statistic,
      at,
      value: a.value,
      limit: a.limit,
      cryId: a.cryId,
      message: a.message,
    })
    appendAudit(db, SYSTEM, 'alert.raise', 'alert', alertId, null, {
      infantId,
      statistic: a.statistic,
      at,
      value: a.value,
      limit: a.limit,
    })
    return alertId
  }

  /** Fits a new version on the infant's replay buffer and makes it active. Call inside `exclusive`. */
  private async fitAndActivate(
    infantId: number,
    s: AnalysisSettings,
    reason: string,
    by: Actor,
    onProgress: ((f: number, m?: string) => void) | null,
    signal?: AbortSignal,
  ): Promise<ModelRow | null> {
    const { db, pool } = this.ctx
    const buffer = replayBuffer(db, infantId)
    const backbone = this.backbone ?? activeModel(db, infantId, false)?.backbone
    if (!backbone || buffer.length < 4) return null
    const ids = buffer.map((b) => b.cryId)
    const embs = getEmbeddings(db, backbone, ids)
    const present = ids.filter((id) => embs.has(id))
    if (present.length < 4) return null
    const d = embs.get(present[0]!)!.length
    const x = new Float32Array(present.length * d)
    present.forEach((id, i) => x.set(embs.get(id)!, i * d))
    const groups = recordingsOfCries(db, present)
    const measures = cryMeasures(db, present)
    const features = cryFeatureMatrix(present.map((id) => measures.get(id)!))
    const engine = engineModel(s.modelKind, modelParams(s))
    const params = { ...engine.params, featureSet: s.featureSet }
    const fit = await pool.run(
      'fitPersonalModel',
      {
        kind: s.modelKind,
        params: modelParams(s),
        x,
        n: present.length,
        d,
        groups,
        seed: 1,
        featureSet: s.featureSet,
        features,
      },
      { signal, onProgress: onProgress ?? undefined },
    )
    const baseline: ModelBaseline = {
      percentiles: fit.baselinePercentiles,
      groups: fit.groups,
      noise: estimateBaselineNoise(fit.baselinePercentiles, fit.groups),
      measures: fit.json.standardiser ?? null,
    }
    const row = db.transaction(() => {
      const parent = activeModel(db, infantId, false)
      const created = insertActiveModel(db, {
        infantId,
        kind: engine.kind,
        backbone,
        params,
        weights: fit.json,
        baseline,
        cryIds: present,
        parentId: parent?.id ?? null,
        reason,
        createdBy: by.username,
      })
      // The baseline's own cries get their out-of-sample (leave-one-recording-out) percentiles as scores.
      if (!parent) {
        setUnscoredScores(db, created.id, present, fit.baselinePercentiles)
      }
      appendAudit(
        db,
        by,
        'model.fit',
        'infant',
        infantId,
        parent ? { version: parent.version, kind: parent.kind } : null,
        {
          version: created.version,
          kind: created.kind,
          params,
          cries: present.length,
          reason,
        },
      )
      return created
    })()
    this.ctx.emit('changed', { entity: 'models' })
    return row
  }

  /** Debounced background refit, visible as a job. */
  scheduleRefit(infantId: number, reason: string, by: Actor = SYSTEM): void {
    if (this.closed) return
    clearTimeout(this.refitTimers.get(infantId))
    this.refitTimers.set(
      infantId,
      setTimeout(() => {
        this.refitTimers.delete(infantId)
        this.startRefitJob(infantId, reason, by)
      }, this.opts.refitDebounceMs ?? 2000),
    )
  }

  startRefitJob(infantId: number, reason: string, by: Actor): string {
    return this.ctx.jobs.start(
      'fit',
      `Refit model for infant ${infantId}`,
      { infantId, reason },
      by.username,
      (h) =>
        this.exclusive(infantId, async () => {
          const row = await this.fitAndActivate(
            infantId,
            effectiveSettings(this.ctx.db, infantId),
            reason,
            by,
            (f, m) => h.progress(f, m ?? null),
            h.signal,
          )
          return row ? { modelId: row.id, version: row.version } : { modelId: null, version: null }
        }),
    )
  }

  /** Restores a past version as a new version (history stays linear); its cries become the replay buffer. */
  restoreModel(modelId: number, by: Actor, reason?: string): Promise<ModelRow> {
    const old = getModel(this.ctx.db, modelId)
    if (!old) return Promise.reject(new IclasError('not_found', `No model with id ${modelId}`))
    return this.exclusive(old.infantId, async () => {
      const { db } = this.ctx
      const row = db.transaction(() => {
        const current = activeModel(db, old.infantId, false)
        const created = insertActiveModel(db, {
          infantId: old.infantId,
          kind: old.kind,
          backbone: old.backbone,
          params: old.params,
          weights: old.weights,
          baseline: old.baseline,
          cryIds: old.cryIds,
          parentId: current?.id ?? null,
          reason: reason ? `restore of v${old.version}: ${reason}` : `restore of v${old.version}`,
          createdBy: by.username,
        })
        const existing = new Set(infantCryIds(db, old.infantId))
        setReplayBuffer(
          db,
          old.infantId,
          old.cryIds.filter((id) => existing.has(id)),
        )
        appendAudit(
          db,
          by,
          'model.restore',
          'infant',
          old.infantId,
          current ? { activeVersion: current.version } : null,
          {
            activeVersion: created.version,
            restoredFrom: old.version,
          },
        )
        return created
      })()
      this.ctx.emit('changed', { entity: 'models' })
      return row
    })
  }

  /**
   * A clinician's verdict overrides the gate (called inside the verdict's transaction): a cry judged normal may
   * join the baseline; one judged a deviation or not a cry never does, and leaves the buffer if it was in it.
   */
  onVerdict = (e: VerdictEvent): void => {
    const { db } = this.ctx
    const cryId = e.review.cryId
    const infantId = e.cry.infantId
    const s = effectiveSettings(db, infantId)
    if (e.review.verdict === 'normal') {
      setInBaseline(db, cryId, true)
      const hasEmbedding = hasEmbeddings(db, cryId)
      if (hasEmbedding) {
        const buf = replayBuffer(db, infantId)
        const t = Date.parse(e.cry.at)
        setReplayBuffer(
          db,
          infantId,
          updateReplayBuffer(buf, [{ cryId, t }], s.replayCapacity).map((b) => b.cryId),
        )
      }
    } else {
      setInBaseline(db, cryId, false)
      const wasIn = removeFromReplay(db, cryId)
      const model = activeModel(db, infantId, false)
      if (wasIn && model?.cryIds.includes(cryId))
        queueMicrotask(() =>
          this.scheduleRefit(infantId, `verdict: cry ${cryId} is ${e.review.verdict}`, e.by),
        )
    }
  }

  private noiseOf(modelId: number | string | null): BaselineNoise {
    const id = Number(modelId)
    if (!modelId || !Number.isFinite(id)) return { within: 1, between: 0, mean: 0, size: 100 }
    let noise = this.noiseCache.get(id)
    if (!noise) {
      const row = getModel(this.ctx.db, id, false)
      noise = (row?.baseline as ModelBaseline | undefined)?.noise ?? {
        within: 1,
        between: 0,
        mean: 0,
        size: 100,
      }
      this.noiseCache.set(id, noise)
    }
    return noise
  }

  /**
   * The infant's control-chart blocks over every cry scored after its baseline period, whatever its P(cry) (as
   * the step charts them); cries a clinician judged not a cry are left out.
   */
  blocksFor(infantId: number, s: AnalysisSettings, all = timelineCries(this.ctx.db, infantId)) {
    const rows = all.filter((r) => r.score !== null && r.verdict !== 'not_cry' && r.decision !== 'baseline')
    return timelineBlocks(
      rows.map((r) => ({
        id: r.id,
        recordingId: r.recordingId,
        startS: r.startS,
        t: Date.parse(r.at),
        score: r.score,
        modelId: r.modelId,
      })),
      (m) => this.noiseOf(m),
      { ewmaLambda: s.ewmaLambda, ewmaL: s.ewmaL, cusumK: s.cusumK, cusumH: s.cusumH },
    )
  }

  /**
   * After a settings change: the stored blocks charted again under the new limits, and an alert for a crossing
   * that has none yet (one open alert per infant and statistic, as in the step).
   */
  raiseAlerts(infantId: number, s: AnalysisSettings = effectiveSettings(this.ctx.db, infantId)): number {
    const { db } = this.ctx
    let raised = 0
    const open = new Set(
      listAlerts(db, { infantId })
        .filter((a) => a.state !== 'resolved')
        .map((a) => a.statistic),
    )
    for (const b of this.blocksFor(infantId, s)) {
      for (const statistic of b.crossed) {
        const at = new Date(b.end).toISOString()
        if (open.has(statistic) || alertExists(db, infantId, statistic, at)) continue
        const value = statistic === 'ewma' ? b.ewma : b.cusum
        const limit = statistic === 'ewma' ? b.ewmaLimit : b.cusumLimit
        const message = alertMessage(statistic, value, limit, [])
        const id = db.transaction(() =>
          this.insertAlert(infantId, { statistic, t: b.end, value, limit, cryId: b.lastCryId, message }),
        )()
        open.add(statistic)
        raised++
        this.emitAlert(id)
      }
    }
    if (raised) this.ctx.emit('changed', { entity: 'alerts' })
    return raised
  }

  /** Tells every client about a raised alert, whole (with what changed), so that notifications need no call. */
  private emitAlert(alertId: number): void {
    const alert = getAlert(this.ctx.db, alertId)
    if (alert) this.ctx.emit('alert', alert)
  }

  /** After a backup restore: cached model state belongs to the old database. */
  resetCaches(): void {
    for (const t of this.refitTimers.values()) clearTimeout(t)
    this.refitTimers.clear()
    this.noiseCache.clear()
    this.classifier = null
  }

  /** Start-up recovery: analyse recordings whose cries were committed but not yet analysed. */
  async recoverPending(): Promise<number> {
    const list = recordingsWithPendingCries(this.ctx.db)
    for (const r of list) {
      try {
        await this.analyseRecording(r.recordingId)
      } catch (err) {
        this.opts.log?.(`analysis of recording ${r.recordingId} failed: ${(err as Error).message}`)
      }
    }
    return list.length
  }

  async close(): Promise<void> {
    this.closed = true
    for (const t of this.refitTimers.values()) clearTimeout(t)
    this.refitTimers.clear()
    await Promise.allSettled([...this.locks.values()])
  }
}

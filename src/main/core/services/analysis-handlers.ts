// The analysis service: the contract's settings (with preview), model versions, timeline and alerts, over the
// ward's analysis (WardAnalysis, analysis.ts).
import type { AnalysisSettings, ModelVersion, SettingsChanges, Timeline } from '../../../shared/contract'
import { IclasError } from '../../../shared/rpc'
import { dailyAggregates } from '../../engine/timeline/blocks'
import { lttbIndices } from '../../engine/timeline/lttb'
import { appendAudit } from '../../store/audit'
import { getAlert, listAlerts, setAlertState } from '../../store/alerts'
import { gateCry } from '../../engine/gate/gate'
import { isFlagged } from '../../engine/gate/step'
import { baselineProgress, reflag, timelineCries, type TimelineCryRow } from '../../store/cry-analysis'
import { getInfant, listInfants } from '../../store/infants'
import { activeModel, listModels, type ModelRow } from '../../store/models'
import { putSetting } from '../../store/settings'
import { service, type Service, type ServiceContext } from '../context'
import { actor } from './actor'
import type { WardAnalysis } from './analysis'
import { TimelineCache } from './timeline-cache'
import {
  effectiveSettings,
  infantKey,
  infantOverrides,
  MODEL_KEYS,
  settingsView,
  stepSettings,
  wardSettings,
  WARD_KEY,
} from './analysis-settings'
import { median } from '../../engine/stats'

type AnalysisMethods =
  | 'getSettings'
  | 'previewSettings'
  | 'applySettings'
  | 'clearInfantSettings'
  | 'listModels'
  | 'restoreModel'
  | 'refitModel'
  | 'getTimeline'
  | 'listAlerts'
  | 'setAlertState'

const MAX_IDS = 500

function toVersion(m: ModelRow): ModelVersion {
  return {
    id: m.id,
    infantId: m.infantId,
    version: m.version,
    kind: m.kind,
    backbone: m.backbone,
    params: m.params,
    cryCount: m.cryIds.length,
    parentId: m.parentId,
    reason: m.reason,
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    active: m.active,
  }
}

export function analysisService(ctx: ServiceContext, analysis: WardAnalysis): Service<AnalysisMethods> {
  const { db } = ctx
  const timelines = new TimelineCache(db, (id, s, rows) => analysis.blocksFor(id, s, rows))
  const mustInfant = (id: number) => {
    const i = getInfant(db, id)
    if (!i) throw new IclasError('not_found', `No infant with id ${id}`)
    return i
  }
  /** The infants a change applies to: one, or every infant (ward change) with the infant's overrides on top. */
  const affected = (infantId: number | undefined, changes: SettingsChanges) => {
    const ids = infantId !== undefined ? [mustInfant(infantId).id] : listInfants(db).map((i) => i.id)
    return ids.map((id) => {
      const before = effectiveSettings(db, id)
      const overrides = infantOverrides(db, id) ?? {}
      const after: AnalysisSettings =
        infantId !== undefined ? { ...before, ...changes } : { ...wardSettings(db), ...changes, ...overrides }
      return { infantId: id, before, after }
    })
  }

  return service({
    getSettings: ({ infantId }) => {
      if (infantId !== undefined) mustInfant(infantId)
      return settingsView(db, infantId)
    },

    previewSettings: ({ infantId, changes }) => {
      // The step's own rules (isFlagged, gateCry) over the stored scores, under the proposed settings.
      const gainedCryIds: number[] = []
      const lostCryIds: number[] = []
      let gateChanged = 0
      const perInfant: { infantId: number; flagsGained: number; flagsLost: number }[] = []
      for (const a of affected(infantId, changes)) {
        const step = stepSettings(a.after)
        let g = 0
        let l = 0
        for (const r of timelineCries(db, a.infantId)) {
          if (r.decision === 'pending') continue
          const next = isFlagged(r.score, step)
          if (next && !r.flagged) {
            g++
            if (gainedCryIds.length < MAX_IDS) gainedCryIds.push(r.id)
          } else if (!next && r.flagged) {
            l++
            if (lostCryIds.length < MAX_IDS) lostCryIds.push(r.id)
          }
          // Gate decisions after the baseline period; a decision the step paused for an open alert stays paused.
          if (r.score === null || (r.decision !== 'accepted' && r.decision !== 'rejected')) continue
          if (r.decisionReason?.startsWith('baseline updates paused')) continue
          const gate = gateCry({ cryConfidence: r.cryConfidence ?? 1, score: r.score }, step.gate, false)
          if (gate.decision !== r.decision) gateChanged++
        }
        if (g || l) perInfant.push({ infantId: a.infantId, flagsGained: g, flagsLost: l })
      }
      return {
        flagsGained: perInfant.reduce((s, p) => s + p.flagsGained, 0),
        flagsLost: perInfant.reduce((s, p) => s + p.flagsLost, 0),
        gainedCryIds,
        lostCryIds,
        gateChanged,
        perInfant,
        needsRefit: MODEL_KEYS.some((k) => changes[k] !== undefined),
      }
    },

    applySettings: ({ infantId, changes, reason }, { user }) => {
      const key = infantId !== undefined ? infantKey(mustInfant(infantId).id) : WARD_KEY
      const targets = affected(infantId, changes)
      db.transaction(() => {
        const before = infantId !== undefined ? (infantOverrides(db, infantId) ?? {}) : wardSettings(db)
        const after = { ...before, ...changes }
        putSetting(db, key, after, user.username)
        appendAudit(
          db,
          actor(user),
          'settings.change',
          infantId !== undefined ? 'infant' : 'ward',
          infantId ?? null,
          before,
          {
            ...after,
            ...(reason ? { reason } : {}),
          },
        )
        // Threshold changes take effect at once on the stored scores (incremental rescoring).
        for (const t of targets) reflag(db, t.infantId, t.after.flagPercentile)
      })()
      if (MODEL_KEYS.some((k) => changes[k] !== undefined)) {
        for (const t of targets)
          if (activeModel(db, t.infantId, false))
            analysis.scheduleRefit(t.infantId, 'settings change', actor(user))
      }
      for (const t of targets) analysis.raiseAlerts(t.infantId)
      ctx.emit('changed', { entity: 'settings' })
      ctx.emit('changed', { entity: 'cries' })
      return settingsView(db, infantId)
    },

    clearInfantSettings: ({ infantId }, { user }) => {
      mustInfant(infantId)
      db.transaction(() => {
        const before = infantOverrides(db, infantId)
        putSetting(db, infantKey(infantId), {}, user.username)
        appendAudit(db, actor(user), 'settings.clear', 'infant', infantId, before, {})
        const s = effectiveSettings(db, infantId)
        reflag(db, infantId, s.flagPercentile)
      })()
      ctx.emit('changed', { entity: 'settings' })
      return settingsView(db, infantId)
    },

    listModels: ({ infantId }) => {
      mustInfant(infantId)
      return listModels(db, infantId).map(toVersion)
    },

    restoreModel: async ({ modelId, reason }, { user }) =>
      toVersion(await analysis.restoreModel(modelId, actor(user), reason)),

    refitModel: ({ infantId }, { user }) => {
      mustInfant(infantId)
      return { jobId: analysis.startRefitJob(infantId, 'refit requested', actor(user)) }
    },

    getTimeline: ({ infantId, from, to, maxPoints, keepCryIds }) => {
      mustInfant(infantId)
      const keepIds = new Set(keepCryIds ?? [])
      const s = effectiveSettings(db, infantId)
      const kept = timelines.get(infantId, s)
      // What the answer derives from the rows; for the whole timeline it is kept with them (asked for often).
      const { rows, scored, days, trends } = timelines.derive(kept, from, to, timelineParts)
      const keep = lttbIndices(
        scored.map((r) => Date.parse(r.at)),
        scored.map((r) => r.score!),
        maxPoints,
        (i) => scored[i]!.flagged === 1 || scored[i]!.verdict !== null || keepIds.has(scored[i]!.id),
      )
      const blocks = kept.blocks.filter(
        (b) => (!from || b.end >= Date.parse(from)) && (!to || b.start <= Date.parse(to)),
      )
      const model = activeModel(db, infantId, false)
      const timeline: Timeline = {
        infantId,
        from: from ?? null,
        to: to ?? null,
        points: keep.map((i) => {
          const r = scored[i]!
          return {
            cryId: r.id,
            at: r.at,
            score: r.score!,
            decision: r.decision,
            flagged: r.flagged === 1,
            verdict: r.verdict,
          }
        }),
        totalPoints: scored.length,
        blocks: blocks.map((b) => ({
          start: new Date(b.start).toISOString(),
          end: new Date(b.end).toISOString(),
          n: b.n,
          meanScore: b.meanScore,
          value: b.value,
          ewma: b.ewma,
          ewmaLimit: b.ewmaLimit,
          cusum: b.cusum,
          cusumLimit: b.cusumLimit,
        })),
        days,
        flagPercentile: s.flagPercentile,
        alerts: listAlerts(db, { infantId }).filter((a) => (!from || a.at >= from) && (!to || a.at <= to)),
        trends,
        activeModel: model ? toVersion(model) : null,
        phase: rows.length === 0 ? 'no-cries' : model ? 'tracking' : 'baseline',
        baseline: {
          ...baselineProgress(db, infantId),
          minCries: s.baselineMinCries,
          minRecordings: s.baselineMinRecordings,
        },
      }
      return timeline
    },

    listAlerts: ({ infantId, state }) => listAlerts(db, { infantId, state }),

    setAlertState: ({ alertId, state, note }, { user }) => {
      const before = getAlert(db, alertId)
      if (!before) throw new IclasError('not_found', `No alert with id ${alertId}`)
      const order = { new: 0, acknowledged: 1, resolved: 2 }
      if (order[state] < order[before.state]) {
        throw new IclasError('conflict', `An alert that is ${before.state} cannot go back to ${state}`)
      }
      db.transaction(() => {
        setAlertState(db, alertId, state, user.username, note ?? null)
        appendAudit(
          db,
          actor(user),
          'alert.state',
          'alert',
          alertId,
          { state: before.state },
          { state, note: note ?? null },
        )
      })()
      const after = getAlert(db, alertId)!
      ctx.emit('alert', after)
      ctx.emit('changed', { entity: 'alerts' })
      return after
    },
  })
}

/** What a timeline answer derives from its rows: the scored cries, daily aggregates and acoustic trends. */
function timelineParts(rows: TimelineCryRow[]) {
  const scored = rows.filter((r) => r.score !== null)
  return {
    rows,
    scored,
    days: dailyAggregates(
      scored.map((r) => ({
        id: r.id,
        recordingId: r.recordingId,
        startS: r.startS,
        t: Date.parse(r.at),
        score: r.score,
        flagged: r.flagged === 1,
      })),
    ),
    trends: dailyTrends(rows),
  }
}

/** Daily medians of the acoustic measures clinicians read (f0, expiration duration, HNR). */
function dailyTrends(
  rows: Pick<TimelineCryRow, 'at' | 'f0MeanHz' | 'durationS' | 'hnrDb' | 'decision'>[],
): Timeline['trends'] {
  const days = new Map<string, { f0: number[]; dur: number[]; hnr: number[] }>()
  for (const r of rows) {
    if (r.decision === 'pending') continue
    const d = new Date(r.at)
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    const e = days.get(day) ?? { f0: [], dur: [], hnr: [] }
    if (r.f0MeanHz !== null) e.f0.push(r.f0MeanHz)
    e.dur.push(r.durationS)
    if (r.hnrDb !== null) e.hnr.push(r.hnrDb)
    days.set(day, e)
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, e]) => ({ day, f0MeanHz: median(e.f0), durationS: median(e.dur), hnrDb: median(e.hnr) }))
}

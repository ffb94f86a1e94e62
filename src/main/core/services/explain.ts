// What a cry's flag means, for the people who read it: whether the classifier doubts it is a cry (the infant's
// minimum P(cry) setting), and which of its measures lie furthest from this infant's baseline — the baseline of
// the model version that scored it, whose measures (mean and spread) are kept with the version.
import {
  cryFeatureVector,
  explainFeatures,
  type FeatureStandardiser,
} from '../../engine/anomaly/cry-features'
import type { Db } from '../../store/db'
import { getModel } from '../../store/models'
import { effectiveSettings } from './analysis-settings'
import type { CryWithExtras } from '../../store/cries-read'

export function cryExplainer(db: Db): (cry: CryWithExtras, f0Contour?: number[] | null) => CryWithExtras {
  // Model versions never change once written: their baseline measures are read once per version.
  const baselines = new Map<number, FeatureStandardiser | null>()
  const baselineOf = (modelId: number) => {
    if (!baselines.has(modelId)) {
      const b = getModel(db, modelId, false)?.baseline as { measures?: FeatureStandardiser } | undefined
      baselines.set(modelId, b?.measures ?? null)
    }
    return baselines.get(modelId)!
  }
  return (cry, f0Contour) => {
    const s = effectiveSettings(db, cry.infantId)
    const standardiser = cry.modelId !== null && cry.score !== null ? baselineOf(cry.modelId) : null
    const moved = standardiser
      ? explainFeatures(standardiser, cryFeatureVector({ ...cry.measures, f0Contour: f0Contour ?? null }))
      : []
    return {
      ...cry,
      mayNotBeCry: cry.cryConfidence !== null && cry.cryConfidence < s.minCryConfidence,
      whatMoved: moved.map((m) => ({ measure: m.key, text: m.text, z: m.z })),
    }
  }
}

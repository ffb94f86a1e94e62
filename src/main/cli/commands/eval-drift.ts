// `iclas eval drift`: parses the flags of protocol E (src/main/evaluation/protocols/drift.ts), runs it and prints
// its tables (and its JSON with --json).
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { FeatureSet, PersonalKind } from '../../engine/anomaly/personal'
import { DEFAULT_ANALYSIS } from '../../engine/settings'
import { drift, DRIFT_WARD, type DriftScenario } from '../../evaluation/protocols/drift'
import { UsageError, type EvalProtocol } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { runForCli } from '../eval-context'

export const driftProtocol: EvalProtocol = {
  name: 'drift',
  summary: drift.summary,
  usage: `usage: iclas eval drift [--scenario sim|real|both] [--data DIR] [--json FILE] [--backbone NAME] [--model ae|ocsvm|gmm|gauss]
                        [--features embedding|measures|both]
                        [--seed N] [--infants N --days D] [--cache]

sim:  a simulated ward (${DRIFT_WARD.infants} infants × ${DRIFT_WARD.days} days, ${DRIFT_WARD.deviating} changing from a known time).
real: each Donate-a-Cry infant with ≥ 6 cry recordings, its later half left as it is (none), pitch-raised
      +10/20/30 % with the timing kept, +30 % by resampling, made aperiodic (5 dB HNR), 30 % shorter and 6 dB
      weaker, or replaced by another infant's recordings (same platform). --data names the donateacry folder.
--cache keeps the cry timelines (embeddings, P(cry), measures) under .cache/eval-drift/, keyed by scenario, ward,
seed and backbone, so models and policies can be compared without simulating and embedding again.
Every infant runs through the workstation's stage 3–4 step (gate, replay buffer, refits, EWMA/CUSUM, alerts)
with the workstation's default settings, under each policy.`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string', default: 'both' },
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        backbone: { type: 'string', default: 'default' },
        model: { type: 'string', default: DEFAULT_ANALYSIS.modelKind },
        features: { type: 'string', default: DEFAULT_ANALYSIS.featureSet },
        seed: { type: 'string', default: '1' },
        infants: { type: 'string' },
        days: { type: 'string' },
        cache: { type: 'boolean' },
      },
    })
    const scenarios = values.scenario === 'both' ? ['sim', 'real'] : [values.scenario!]
    if (!scenarios.every((s) => s === 'sim' || s === 'real'))
      throw new UsageError(`unknown scenario "${values.scenario}"`)
    const model = values.model as PersonalKind
    if (!['ae', 'ocsvm', 'gmm', 'gauss'].includes(model)) throw new UsageError(`unknown model "${model}"`)
    const featureSet = values.features as FeatureSet
    if (!['embedding', 'measures', 'both'].includes(featureSet))
      throw new UsageError(`unknown feature set "${featureSet}"`)
    const options = {
      scenarios: scenarios as DriftScenario[],
      data: values.data?.[0] ? path.resolve(values.data[0]) : path.join(sharedDatasetsDir(), 'donateacry'),
      backbone: values.backbone!,
      model,
      features: featureSet,
      seed: Number(values.seed),
      infants: values.infants ? Number(values.infants) : undefined,
      days: values.days ? Number(values.days) : undefined,
      cacheDir: values.cache ? path.join(process.cwd(), '.cache', 'eval-drift') : undefined,
    }
    const doc = await runForCli(drift, options)
    console.log(drift.format(doc, options))
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(doc, null, 2))
    return 0
  },
}

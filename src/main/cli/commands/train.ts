// `iclas train gate`: parses the flags of the cry classifier's training (src/main/evaluation/gate-training.ts),
// runs it and writes the classifier file.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CLASSIFIER, defaultGateData } from '../../evaluation/gate-clips'
import { FOLDS, SPLIT_SEED, trainGateClassifier } from '../../evaluation/gate-training'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { sharedDatasetsDir } from '../data-dir'
import { cliEvalContext } from '../eval-context'

/** --data folders, else protocol B's datasets in ../shared (refused when there are none). */
export function gateDataDirs(data: string[] | undefined): string[] {
  if (data?.length) return data.map((d) => path.resolve(d))
  const root = sharedDatasetsDir()
  const dirs = defaultGateData(root)
  if (!dirs.length) throw new UsageError(`no datasets: ${root} is absent; pass --data DIR`)
  return dirs
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a shipped model from ../shared (gate: the cry / non-cry classifier)',
  usage: `usage: iclas train gate [--data DIR]… [--backbones NAME,NAME] [--out FILE]

Trains the cry / non-cry classifier on the training half of the sources (split by source recording, by infant
for Donate-a-Cry, seed ${SPLIT_SEED}) and writes it with the list of training sources; \`iclas eval gate\`
evaluates it on the other half. The ridge penalty is chosen by ${FOLDS}-fold cross-validation over sources
within the training half; the clip model is fitted on out-of-fold per-sound predictions.`,
  async run(argv) {
    const [what, ...rest] = argv
    if (what !== 'gate') throw new UsageError('name what to train: gate')
    const { values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string', multiple: true },
        backbones: { type: 'string', default: 'default,acoustic' },
        out: { type: 'string' },
      },
    })
    const parsed = await trainGateClassifier(
      {
        data: gateDataDirs(values.data),
        backbones: values.backbones!.split(',').filter(Boolean),
        command: `iclas train gate ${rest.join(' ')}`.trim(),
      },
      cliEvalContext(),
    )
    const out = values.out ?? DEFAULT_CLASSIFIER()
    fs.mkdirSync(path.dirname(out), { recursive: true })
    fs.writeFileSync(out, JSON.stringify(parsed, null, 1))
    console.log(
      `wrote ${out}: ${parsed.training.positives} sounds from positive clips, ${parsed.training.negatives} from negative ones; l2 ${parsed.training.l2}; out-of-fold clip AUC ${(parsed.metrics!.training_part_out_of_fold_clip_auc as number).toFixed(4)} (training part; the held-out figure comes from \`iclas eval gate\`)`,
    )
    return 0
  },
}

// `iclas eval <protocol>`: the evaluation protocols of docs/evaluation.md (src/main/evaluation). Each protocol's
// command (flags in, tables and --json out) registers here.
import type { CliCommand, EvalProtocol } from '../command'
import { UsageError } from '../command'
import { driftProtocol } from './eval-drift'
import { anomalyProtocol } from './eval-anomaly'
import { gateProtocol } from './eval-gate'
import { segmentationProtocol } from './eval-segmentation'
import { segmentationSimProtocol } from './eval-segmentation-sim'
import { verificationProtocol } from './eval-verification'

const protocols: EvalProtocol[] = [
  segmentationProtocol,
  segmentationSimProtocol,
  gateProtocol,
  verificationProtocol,
  anomalyProtocol,
  driftProtocol,
]

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Run an evaluation protocol (segmentation, gate, verification, anomaly, drift)',
  get usage() {
    return [
      'usage: iclas eval <protocol> [--data DIR]… [--json FILE] [protocol options]',
      '',
      'Without --data, the datasets in ../shared/datasets are used.',
      '',
      ...protocols.map((p) => `  ${p.name.padEnd(14)} ${p.summary}`),
    ].join('\n')
  },
  usageFor: (argv) => protocols.find((x) => x.name === argv[0])?.usage,
  async run(argv) {
    const [name, ...rest] = argv
    const p = protocols.find((x) => x.name === name)
    if (!p) throw new UsageError(name ? `unknown protocol "${name}"` : 'name a protocol')
    return p.run(rest)
  },
}

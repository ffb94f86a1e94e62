// `iclas eval gate`: parses the flags of protocol B (src/main/evaluation/protocols/gate.ts), runs it and prints
// its figures (and its JSON with --json).
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { gate, type GateOptions } from '../../evaluation/protocols/gate'
import type { EvalProtocol } from '../command'
import { runForCli } from '../eval-context'
import { gateDataDirs } from './train'

export const gateProtocol: EvalProtocol = {
  name: 'gate',
  summary: gate.summary,
  usage: `usage: iclas eval gate [--data DIR]… [--json FILE] [--classifier FILE] [--method classifier|autocorr]

Evaluates the shipped cry classifier (models/gate/cry-classifier.json) on every clip whose source it was not
trained on. --method autocorr scores the protocol's trivial "for scale" method instead (no classifier).
--acceptance also reports, per kind of sound, the share of the sounds stage 0 keeps as cries that the classifier
accepts (P(cry) ≥ the ward's minimum): held-out real cries as recorded, pitch-raised 30 % (timing kept) and with
noise at 5 dB HNR, the simulator's phonation, hyperphonation and dysphonation from usual and deviating voices,
and each kind of held-out non-cry sound (JSON: acceptance).`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        data: { type: 'string', multiple: true },
        json: { type: 'string' },
        classifier: { type: 'string' },
        method: { type: 'string', default: 'classifier' },
        acceptance: { type: 'boolean' },
      },
    })
    const options: GateOptions = {
      data: gateDataDirs(values.data),
      method: values.method as GateOptions['method'],
      classifier: values.classifier,
      acceptance: values.acceptance,
    }
    const r = await runForCli(gate, options)
    console.log(gate.format(r, options))
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(r, null, 2))
    return 0
  },
}

// The process the crash test kills: a core on the test's data folder that recovers, reports what recovery
// left behind, then starts (or lets recovery resume) the scenario's work and waits for it.
// argv: <data dir> <scenario> <inputs.json> <work|check>
import fs from 'node:fs'
import { Core } from '../../src/main/core/core'
import { allAudioPaths } from '../../src/main/store/recordings'
import { audioFolderState } from './crash-invariants'
import { scenarios } from './crash-scenarios'

const [dataDir, name, inputsFile, mode] = process.argv.slice(2) as [string, string, string, string]
const scenario = scenarios[name]!
const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'))
const say = (line: string) => process.stdout.write(`${line}\n`)

const core = new Core({ dataDir, mode: 'test', workers: 1, log: (l) => say(`log ${l}`) })
core.recover()
// Before the resumed work touches a file (its first await comes later), recovery must have left a clean
// audio folder: every file referenced, no partial working copy.
say(`recovered ${JSON.stringify(audioFolderState(dataDir, allAudioPaths(core.db)))}`)
if (mode === 'work') {
  await scenario.start(core, inputs)
  await core.ctx.jobs.idle()
  say('done')
}
await core.close()
process.exit(0)

// `iclas datasets add|list|remove`: the dataset folders researchers may evaluate on from the workstation, beside
// ../shared/datasets. The UI names datasets by id and never takes a path, so an administrator registers folders
// here, on the machine (kept in the settings table; each change audited). Needs the workstation closed, like
// every command that writes the store.
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import {
  datasetSlug,
  knownDatasets,
  REGISTERED_DATASETS_KEY,
  registeredDatasets,
  sharedDatasetsRoot,
  type RegisteredDataset,
} from '../../core/services/evaluation-datasets'
import { readDataset } from '../../evaluation/datasets'
import { appendAudit, type Actor } from '../../store/audit'
import { dbFile } from '../../store/layout'
import { openDb } from '../../store/db'
import { lockDataDir } from '../../store/lock'
import { putSetting } from '../../store/settings'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { resolveDataDir } from '../data-dir'

const USAGE = `usage: iclas datasets <action> [--data-dir DIR]

  list                   the datasets evaluations can use (../shared/datasets, registered folders, the simulated ward)
  add FOLDER [--name N]  register a dataset folder (a manifest.csv laid out like ../shared/datasets/*; TextGrids
                         in cry-segments/ inside or beside it); N defaults to the folder's name
  remove NAME            forget a registered folder (its files are not touched)

Researchers choose among these by name in the Evaluation screen; the workstation must be closed to add or remove.`

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'Register the dataset folders evaluations may run on from the workstation',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, name: { type: 'string' } },
    })
    const [action, arg] = positionals
    const dataDir = resolveDataDir(values['data-dir'])
    if (!action || !['list', 'add', 'remove'].includes(action))
      throw new UsageError('name an action: list, add or remove')
    const lock = lockDataDir(dataDir, 'cli')
    const db = openDb(dbFile(dataDir))
    const cli: Actor = { userId: null, username: `cli:${os.userInfo().username}`, role: 'admin' }
    try {
      if (action === 'list') {
        for (const d of knownDatasets(db))
          console.log(
            `${d.id.padEnd(34)} ${String(d.clips).padStart(6)} clips  ${d.schema.padEnd(10)} ${d.problem ?? ''}`,
          )
        console.log(`\nshared datasets are read from ${sharedDatasetsRoot()}`)
        return 0
      }
      const before = registeredDatasets(db)
      let after: RegisteredDataset[]
      if (action === 'add') {
        if (!arg) throw new UsageError('name the folder to add')
        const dir = path.resolve(arg)
        if (!fs.existsSync(path.join(dir, 'manifest.csv')))
          throw new UsageError(`${dir} is not a dataset folder (no manifest.csv)`)
        const ds = readDataset(dir)
        const name = values.name ?? path.basename(dir)
        const slug = datasetSlug(name)
        if (!slug) throw new UsageError(`"${name}" makes no usable name: use letters and digits`)
        if (before.some((r) => datasetSlug(r.name) === slug))
          throw new UsageError(`a dataset named "${name}" is registered already (remove it first)`)
        after = [...before, { name, dir, addedBy: cli.username, addedAt: new Date().toISOString() }]
        console.log(
          `registered registered:${slug}: ${ds.clips.length} clips (${ds.schema} manifest) in ${dir}`,
        )
      } else {
        if (!arg) throw new UsageError('name the dataset to remove')
        after = before.filter((r) => datasetSlug(r.name) !== datasetSlug(arg))
        if (after.length === before.length) throw new UsageError(`no registered dataset named "${arg}"`)
        console.log(`removed ${arg} (its files are untouched)`)
      }
      db.transaction(() => {
        putSetting(db, REGISTERED_DATASETS_KEY, after, cli.username)
        appendAudit(
          db,
          cli,
          `evaluation.dataset_${action}`,
          'setting',
          REGISTERED_DATASETS_KEY,
          before,
          after,
        )
      })()
      return 0
    } finally {
      db.close()
      lock.release()
    }
  },
}

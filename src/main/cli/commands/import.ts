// `iclas import <files or folders> --infant … --data-dir …`: the same import job the UI runs.
import { parseArgs } from 'node:util'
import { coreClient } from '../../core/client'
import { Core } from '../../core/core'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { resolveDataDir } from '../data-dir'
import type { ImportItem, Job } from '../../../shared/contract'

const USAGE = `usage: iclas import <file or folder>… [--infant LABEL|ID | --by-folder | --by-name [--pattern REGEX]]
                    [--data-dir DIR | --db FILE] [--user NAME] [--dry-run]

  --infant LABEL|ID  assign every file to this infant (created if the label is new)
  --by-folder        one folder per infant: the folder holding each file names the infant
  --by-name          infant from the file name (Donate-a-Cry names, or --pattern with one capture group)
  --dry-run          print the preview and stop`

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import recordings (files or folders) into the workstation database',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        infant: { type: 'string' },
        'by-folder': { type: 'boolean' },
        'by-name': { type: 'boolean' },
        pattern: { type: 'string' },
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        user: { type: 'string', default: 'nurse' },
        'dry-run': { type: 'boolean' },
      },
    })
    if (!positionals.length) throw new UsageError('name at least one file or folder')
    const rules = [values.infant !== undefined, values['by-folder'], values['by-name']].filter(Boolean).length
    if (rules !== 1) throw new UsageError('choose exactly one of --infant, --by-folder, --by-name')
    const core = new Core({
      dataDir: resolveDataDir(values['data-dir'] ?? values.db),
      mode: 'cli',
      log: () => undefined,
    })
    try {
      core.recover()
      const sid = core.openSession()
      core.signInDirect(sid, values.user!)
      const api = coreClient(core, sid)
      const grants = core.grantFiles(
        sid,
        positionals.map((p) => ({ path: p })),
      )
      if (!grants.length) throw new UsageError('no files found')
      let infantId: number | undefined
      if (values.infant !== undefined) {
        const infants = await api.listInfants({})
        const byId = /^\d+$/.test(values.infant)
          ? infants.find((i) => i.id === Number(values.infant))
          : undefined
        const found = byId ?? infants.find((i) => i.label === values.infant || i.externalId === values.infant)
        infantId = found?.id ?? (await api.createInfant({ label: values.infant })).id
      }
      const rule = values['by-folder'] ? 'folder' : values['by-name'] ? 'filename' : 'dialog'
      const preview = await api.previewImport({
        grantIds: grants.map((g) => g.id),
        rule,
        infantId,
        namePattern: values.pattern,
      })
      for (const p of preview) {
        const who = p.infantId ?? p.newInfantLabel ?? '?'
        const what = p.problem
          ? `REFUSED: ${p.problem}`
          : `${p.format}, ${p.durationS?.toFixed(1)} s, ${p.recordedAt} (${p.timeSource})`
        console.log(
          `  ${p.relativePath ?? p.name} → infant ${who}: ${what}${p.duplicateOfRecordingId ? ' [already imported]' : ''}`,
        )
      }
      if (values['dry-run']) return 0
      const items: ImportItem[] = preview.map((p) =>
        p.infantId !== null
          ? { grantId: p.grantId, infantId: p.infantId }
          : { grantId: p.grantId, newInfantLabel: p.newInfantLabel ?? 'Unassigned' },
      )
      const { jobId } = await api.startImport({ items })
      let last = ''
      const onJob = (event: string, job: Job) => {
        if (event !== 'job' || job.id !== jobId) return
        const line = `  ${(job.progress * 100).toFixed(0).padStart(3)}%  ${job.message ?? ''}`
        if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(80)}`)
        last = line
      }
      core.events.on('event', onJob)
      process.on('SIGINT', () => void api.cancelJob({ jobId }))
      await core.ctx.jobs.idle()
      if (process.stderr.isTTY) process.stderr.write('\n')
      const job = await api.getJob({ jobId })
      for (const f of job.files) {
        console.log(
          `  ${f.status.padEnd(9)} ${f.name}${f.reason ? ` — ${f.reason}` : ''}${f.cries !== null ? ` (${f.cries} cries)` : ''}`,
        )
      }
      const result = job.result as { imported: number; duplicates: number; refused: number } | undefined
      console.log(
        `import ${job.state}: ${result?.imported ?? 0} imported, ${result?.duplicates ?? 0} already present, ${result?.refused ?? 0} refused`,
      )
      return job.state === 'done' ? 0 : 1
    } finally {
      await core.close()
    }
  },
}

// `iclas demo`: builds the demo ward from the command line, the same job `npm start` runs on a new data folder
// (simulated ward → the real import job → analysis), then prints each infant against the simulator's truth.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { Alert, Infant, Job } from '../../../shared/contract'
import { coreClient } from '../../core/client'
import { Core } from '../../core/core'
import { setDemoMode } from '../../core/pin-policy'
import { demoShapeFromEnv } from '../../core/services/demo'
import { readGroundTruth, simulatedDemoParams, type DemoParams } from '../../core/services/demo-sources'
import { GROUND_TRUTH_FILE } from '../../engine/sim'
import { demoSummary } from '../../evaluation/demo-report'
import { demoSourceDir } from '../../store/layout'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { resolveDataDir, sharedDatasetsDir } from '../data-dir'

const USAGE = `usage: iclas demo [--data-dir DIR] [--infants 6] [--days 7] [--deviating 2] [--seed 1]
                  [--hours-per-day 0.25] [--sessions-per-day 2] [--cry-rate 4] [--user admin] [--json FILE]
       iclas demo --real [--data DIR] [--min-recordings 6] [--data-dir DIR]
       iclas demo --remove [--data-dir DIR]

Builds the demo ward into the data folder: simulated infants (labelled "Demo N (simulated)", ids DEMO-…),
some of them developing a deviation, recorded by the ward simulator into DIR/demo-source/ and imported through
the real import job (cries, embeddings, personal models, drift alerts). Does nothing when the demo ward exists;
carries on after an interruption. Refused on a workstation that holds other infants (patients). The workstation is then in demo mode: its
accounts may sign in without PINs while it holds only the demo ward (--remove ends demo mode).

  --real             a ward of real Donate-a-Cry cries instead: infants with at least --min-recordings cry or
                     unreviewed recordings, their files as they are, with their real times
                     (--data DIR: the donateacry folder; default ../shared/datasets/donateacry)
  --json FILE        write each simulated infant against the truth (first alert after the onset and its delay,
                     false alerts per day, flags per day before and after the onset; infants that never change
                     are split at the ward's earliest onset) as JSON; also when the ward already exists
  --remove           remove the demo ward (its infants with their recordings, cries and models; admins)
  ICLAS_DEMO_CONFIG  JSON with the same knobs ({"infants":2,"days":2,"hoursPerDay":0.05}), under the options`

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Build the demo ward (simulated infants through the real pipeline), or remove it',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        infants: { type: 'string' },
        days: { type: 'string' },
        deviating: { type: 'string' },
        seed: { type: 'string' },
        'hours-per-day': { type: 'string' },
        'sessions-per-day': { type: 'string' },
        'cry-rate': { type: 'string' },
        real: { type: 'boolean' },
        data: { type: 'string' },
        'min-recordings': { type: 'string', default: '6' },
        remove: { type: 'boolean' },
        user: { type: 'string', default: 'admin' },
        json: { type: 'string' },
      },
    })
    const num = (name: keyof typeof values): number | undefined => {
      const v = values[name]
      if (typeof v !== 'string') return undefined
      const n = Number(v)
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`)
      return n
    }
    let params: DemoParams | null = null
    if (values.real) {
      const datasetDir = path.resolve(values.data ?? path.join(sharedDatasetsDir(), 'donateacry'))
      if (!fs.existsSync(path.join(datasetDir, 'manifest.csv'))) {
        console.error(
          `iclas demo --real: no Donate-a-Cry dataset at ${datasetDir} (../shared/datasets is not beside this checkout); name one with --data DIR`,
        )
        return 1
      }
      params = { source: 'donateacry', datasetDir, minRecordings: num('min-recordings') ?? 6 }
    } else if (!values.remove) {
      try {
        params = simulatedDemoParams({
          ...demoShapeFromEnv(),
          ...defined({
            infants: num('infants'),
            days: num('days'),
            deviating: num('deviating'),
            seed: num('seed'),
            hoursPerDay: num('hours-per-day'),
            sessionsPerDay: num('sessions-per-day'),
            cryRate: num('cry-rate'),
          }),
        })
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message)
        throw err
      }
    }

    const dataDir = resolveDataDir(values['data-dir'])
    // Refits right after their trigger: the command ends when the ward, models included, is complete.
    const core = new Core({ dataDir, mode: 'cli', log: () => undefined, refitDebounceMs: 0 })
    try {
      core.recover()
      const sid = core.openSession()
      core.signInDirect(sid, values.user!)
      const api = coreClient(core, sid)
      const me = (await api.whoAmI({}))!
      const who = { userId: me.id, username: me.username, role: me.role }
      if (values.remove) {
        const r = core.demo.remove(who)
        console.log(`removed the demo ward: ${r.infants} infants, ${r.recordings} recordings`)
        return 0
      }
      const t0 = performance.now()
      const { jobId, state } = core.demo.build(params!, who)
      // A demo workstation (src/main/core/pin-policy.ts): its accounts may sign in without PINs while it holds
      // only the demo ward.
      setDemoMode(core.db, true, who, 'iclas demo built the demo ward')
      if (!jobId) {
        console.log(`the demo ward is already ${state} in ${dataDir}: nothing to do`)
        printTruth(core, values.json)
        return 0
      }
      const job = await followJob(core, jobId)
      // Refits the last recordings triggered run as their own jobs.
      await new Promise((r) => setImmediate(r))
      await core.ctx.jobs.idle()
      const seconds = (performance.now() - t0) / 1000
      if (job.state !== 'done') {
        console.error(`iclas demo: the demo ward build ${job.state}${job.error ? `: ${job.error}` : ''}`)
        return 1
      }
      console.log(`demo ward ready in ${seconds.toFixed(0)} s → ${dataDir}`)
      await printWard(dataDir, await api.listInfants({}), await api.listAlerts({}))
      printTruth(core, values.json)
      return 0
    } finally {
      await core.close()
    }
  },
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Prints the job's progress (one updating line on a terminal, every tenth otherwise) until it settles. */
function followJob(core: Core, jobId: string): Promise<Job> {
  return new Promise((resolve) => {
    let lastTenth = -1
    let lastLine = ''
    const onEvent = (event: string, job: Job) => {
      if (event !== 'job' || job.id !== jobId) return
      const line = `  ${(job.progress * 100).toFixed(0).padStart(3)}%  ${job.message ?? ''}`
      if (process.stderr.isTTY) {
        if (line !== lastLine) process.stderr.write(`\r${line.slice(0, 100).padEnd(100)}`)
      } else if (Math.floor(job.progress * 10) > lastTenth) {
        lastTenth = Math.floor(job.progress * 10)
        process.stderr.write(`${line}\n`)
      }
      lastLine = line
      if (job.state === 'running') return
      if (process.stderr.isTTY) process.stderr.write('\n')
      core.events.off('event', onEvent)
      resolve(job)
    }
    core.events.on('event', onEvent)
    process.once('SIGINT', () => core.ctx.jobs.cancel(jobId))
  })
}

/** Each demo infant with its recordings, cries and first alert, beside the simulator's truth where there is one. */
async function printWard(dataDir: string, infants: Infant[], alerts: Alert[]): Promise<void> {
  const truth = readGroundTruth(path.join(demoSourceDir(dataDir), GROUND_TRUTH_FILE))
  const changeOf = new Map(truth?.infants.map((i) => [i.label, i.deviationStart]) ?? [])
  console.log('')
  console.log('infant                       recordings   cries  first alert       truth')
  for (const i of infants.filter((x) => x.externalId?.startsWith('DEMO-'))) {
    const first = alerts
      .filter((a) => a.infantId === i.id)
      .map((a) => Date.parse(a.at))
      .sort((a, b) => a - b)[0]
    const change = changeOf.get(i.externalId!)
    const said = !changeOf.has(i.externalId!)
      ? ''
      : change
        ? `deviates from ${change.replace('T', ' ').slice(0, 16)}`
        : 'never changes'
    console.log(
      `${i.label.padEnd(28)} ${String(i.recordingCount).padStart(10)} ${String(i.cryCount).padStart(7)}  ${(first === undefined ? '—' : localMinute(first)).padEnd(16)}  ${said}`,
    )
  }
}

/** The ward against the simulator's truth, as a table and, with --json, as data. */
function printTruth(core: Core, json: string | undefined): void {
  const rows = core.demo.truthReport()
  if (!rows) return
  const f = (v: number | null, d = 2) => (v === null ? '—' : v.toFixed(d))
  console.log('')
  console.log(
    'infant    deviating  alert delay (h)  false alerts/day  flags/day before  after  cries in the first 24 h (severity)',
  )
  for (const r of rows)
    console.log(
      `${r.id.padEnd(9)} ${(r.deviating ? 'yes' : 'no').padEnd(9)}  ${f(r.alert_delay_hours, 1).padStart(15)}  ${f(r.false_alerts_per_day).padStart(16)}  ${f(r.flags_per_day_before, 1).padStart(16)}  ${f(r.flags_per_day_after, 1).padStart(5)}  ${r.cries_within_24h === null ? '—' : `${r.cries_within_24h} (${f(r.mean_severity_within_24h)})`}`,
    )
  const s = demoSummary(rows)
  console.log(
    `\ndeviating infants alerted within 24 h: ${s.alerted_within_24h} of ${s.deviating}; false alerts per healthy infant-day ${f(s.healthy_false_alerts_per_day)}; flags per infant-day after the onset: deviating ${f(s.deviating_flags_per_day_after, 1)}, healthy ${f(s.healthy_flags_per_day_after, 1)} (${f(s.flags_ratio, 1)}×)`,
  )
  if (json) fs.writeFileSync(json, JSON.stringify({ infants: rows, summary: s }, null, 2))
}

/** "YYYY-MM-DD HH:MM" in local time, as the simulator's truth and the file names write times. */
function localMinute(ms: number): string {
  const d = new Date(ms)
  const p2 = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`
}

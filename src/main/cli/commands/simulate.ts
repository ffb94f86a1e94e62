// `iclas simulate --out DIR …`: a simulated ward (recordings + ground-truth.json) the importer can read.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { CliCommand } from '../command'
import { UsageError } from '../command'
import { directorySink, simulateWard, type WardConfig } from '../../engine/sim'

const USAGE = `usage: iclas simulate --out DIR [--infants 6] [--days 7] [--hours-per-day 2] [--sessions-per-day 1]
                      [--deviating 2] [--seed 1] [--rate 16000] [--start 2025-01-06T00:00:00]
                      [--ramp-hours 12] [--severity 1] [--cry-rate 1] [--no-distant-infants] [--force]

  --out DIR            output folder: DIR/<infant>/<infant>_<YYYY-MM-DD_HH-MM-SS>.wav and DIR/ground-truth.json
  --hours-per-day H    hours recorded per infant per day, split into --sessions-per-day recordings
  --deviating N        infants whose cries deviate from a time drawn from the seed (between 35 % and 60 %
                       of the ward's span); the others never change
  --rate HZ            sample rate of the WAV files (16000 or 48000; 16-bit mono)
  --start TIME         local time of the ward's first day (no zone, like the file names)
  --ramp-hours H       hours over which a deviation ramps in; --severity 0…1 its full strength
  --cry-rate X         scales how often infants cry
  --force              write into a folder that is not empty

The same options and seed give byte-identical files. Import with: iclas import DIR --by-folder`

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Generate a simulated ward: long recordings with ward noise, cries and known deviations',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        infants: { type: 'string' },
        days: { type: 'string' },
        'hours-per-day': { type: 'string' },
        'sessions-per-day': { type: 'string' },
        deviating: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        start: { type: 'string' },
        'ramp-hours': { type: 'string' },
        severity: { type: 'string' },
        'cry-rate': { type: 'string' },
        'no-distant-infants': { type: 'boolean' },
        force: { type: 'boolean' },
      },
    })
    if (!values.out) throw new UsageError('--out DIR is required')
    const num = (name: keyof typeof values): number | undefined => {
      const v = values[name]
      if (v === undefined || typeof v !== 'string') return undefined
      const n = Number(v)
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`)
      return n
    }
    const config: Partial<WardConfig> = {
      seed: values.seed === undefined ? 1 : /^-?\d+$/.test(values.seed) ? Number(values.seed) : values.seed,
    }
    const set = <K extends keyof WardConfig>(key: K, value: WardConfig[K] | undefined) => {
      if (value !== undefined) config[key] = value
    }
    set('infants', num('infants'))
    set('days', num('days'))
    set('hoursPerDay', num('hours-per-day'))
    set('sessionsPerDay', num('sessions-per-day'))
    set('deviating', num('deviating'))
    set('sampleRate', num('rate'))
    set('start', values.start)
    set('rampHours', num('ramp-hours'))
    set('severity', num('severity'))
    set('cryRate', num('cry-rate'))
    if (values['no-distant-infants']) config.distantInfants = false

    const out = path.resolve(values.out)
    if (fs.existsSync(out) && fs.readdirSync(out).length && !values.force) {
      throw new UsageError(`${out} is not empty (use --force to write into it anyway)`)
    }
    fs.mkdirSync(out, { recursive: true })

    const abort = new AbortController()
    process.on('SIGINT', () => abort.abort())
    const t0 = performance.now()
    let lastLine = ''
    let lastIndex = -1
    let truth
    try {
      truth = await simulateWard(config, directorySink(out), {
        signal: abort.signal,
        onProgress: (p) => {
          const pct = ((100 * p.audioSecondsDone) / p.audioSecondsTotal).toFixed(0).padStart(3)
          const line = `  ${pct}%  ${p.index + 1}/${p.recordings}  ${p.recording.file}`
          if (process.stderr.isTTY) {
            if (line !== lastLine) process.stderr.write(`\r${line.padEnd(90)}`)
          } else if (p.index !== lastIndex) {
            process.stderr.write(`${line}\n`)
          }
          lastLine = line
          lastIndex = p.index
        },
      })
    } catch (err) {
      if ((err as Error).name === 'AbortError') {
        console.error(
          '\nsimulation cancelled; complete recordings are kept, ground-truth.json was not written',
        )
        return 1
      }
      throw err
    }
    if (process.stderr.isTTY) process.stderr.write('\n')
    const seconds = (performance.now() - t0) / 1000
    const audioS = truth.recordings.reduce((s, r) => s + r.durationS, 0)
    const cries = truth.recordings.reduce((s, r) => s + r.cries.length, 0)
    console.log(
      `${truth.recordings.length} recordings, ${(audioS / 3600).toFixed(1)} h of audio, ${cries} cries, ` +
        `in ${seconds.toFixed(1)} s (${(audioS / seconds).toFixed(0)}× realtime) → ${out}`,
    )
    for (const infant of truth.infants) {
      const n = truth.recordings
        .filter((r) => r.infant === infant.label)
        .reduce((s, r) => s + r.cries.length, 0)
      const change = infant.deviation
        ? `deviates from ${infant.deviation.start} (ramp ${infant.deviation.rampHours} h, severity ${infant.deviation.severity})`
        : 'never changes'
      console.log(`  ${infant.label}: ${String(n).padStart(5)} cries, ${change}`)
    }
    return 0
  },
}

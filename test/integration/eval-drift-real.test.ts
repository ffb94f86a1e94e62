// Protocol E's real scenario as the command runs it, on a tiny Donate-a-Cry-shaped dataset the test makes
// (two synthesized infants, six recordings each): every change kind is built (ffmpeg for pitch and tempo), runs
// through the workstation's step under each policy, and the JSON carries the figures the protocol names.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { driftProtocol } from '../../src/main/cli/commands/eval-drift'
import { REAL_CHANGES } from '../../src/main/evaluation/protocols/drift'
import { makeVoice, Rng, synthesizeCry } from '../../src/main/engine/sim'
import { scaled } from '../helpers/time-scale'
import { writeSamplesWav } from '../helpers/wav'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-drift-real-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function writeDataset(): string {
  const rows = [
    'file,infant_id,recorded_at,platform,sample_rate,duration_s,gender,age_bucket,reason_tag,curation,curated_category',
  ]
  for (const infant of ['DAC-0000000a-f', 'DAC-0000000b-m']) {
    const voice = makeVoice(infant)
    for (let r = 0; r < 6; r++) {
      const rng = new Rng(`${infant}-${r}`)
      const cry = synthesizeCry(voice, { severity: 0, expirations: 4 }, rng)
      const x = new Float32Array(cry.samples.length + 16000)
      for (let i = 0; i < x.length; i++) x[i] = 0.002 * (rng.next() * 2 - 1)
      x.set(cry.samples, 8000)
      const file = `audio/${infant}-${r}.wav`
      fs.mkdirSync(path.join(dir, 'audio'), { recursive: true })
      writeSamplesWav(path.join(dir, file), x, 16000)
      const at = new Date(Date.UTC(2015, 4, 1 + r, 10)).toISOString()
      rows.push(`${file},${infant},${at},android,16000,${x.length / 16000},f,04,hu,cry,hungry`)
    }
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
  return dir
}

describe('iclas eval drift --scenario real', () => {
  it(
    'reports detection and AUC per kind of change for each policy',
    async () => {
      const data = writeDataset()
      const json = path.join(dir, 'out.json')
      const log = console.log
      const err = console.error
      console.log = () => undefined
      console.error = () => undefined
      try {
        expect(await driftProtocol.run(['--scenario', 'real', '--data', data, '--json', json])).toBe(0)
      } finally {
        console.log = log
        console.error = err
      }
      const out = JSON.parse(fs.readFileSync(json, 'utf8')) as {
        policies: Record<string, { by_change: Record<string, unknown>[]; contamination: number }>
      }
      for (const policy of ['gated', 'always', 'never']) {
        const byChange = out.policies[policy]!.by_change
        expect(byChange.map((c) => `${c.kind as string}:${String(c.size)}`).sort()).toEqual(
          REAL_CHANGES.map((c) => `${c.kind}:${String(c.size)}`).sort(),
        )
        for (const c of byChange) {
          expect(Object.keys(c).sort()).toEqual(
            ['auc_vs_none', 'detected', 'detected_within_24h', 'infants', 'kind', 'size'].sort(),
          )
          expect(c.infants).toBe(2)
          if (c.kind === 'none') expect(c.auc_vs_none).toBeNull()
          else expect(c.auc_vs_none as number).toBeGreaterThanOrEqual(0)
        }
      }
      expect(out.policies.never!.contamination).toBe(0)
    },
    scaled(300_000),
  )
})

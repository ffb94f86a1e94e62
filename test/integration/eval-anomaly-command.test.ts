// `iclas eval anomaly` end to end on a project-made dataset (the cry synthesizer's infants, written as WAV with
// a Donate-a-Cry manifest): the table in the method's columns, the JSON keys docs/evaluation.md names, every
// model on one embedding pass, and the refusal of a backbone whose card lists an evaluated infant.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../../src/main/cli/command'
import { anomalyProtocol } from '../../src/main/cli/commands/eval-anomaly'
import { checkoutModelsDir } from '../../src/main/engine/embed/registry'
import { makeVoice, Rng, synthesizeCry } from '../../src/main/engine/sim'
import { writeSamplesWav } from '../helpers/wav'
import { scaled } from '../helpers/time-scale'

const FS = 16000
const EVALUATED = ['DAC-0000000a-f', 'DAC-0000000b-m']
const OTHERS = ['DAC-0000000c-f', 'DAC-0000000d-m', 'DAC-0000000e-f']

/** One recording: three cries of the infant's voice with pauses, over a faint noise floor. */
function recording(infant: string, index: number): Float32Array {
  const rng = new Rng(`${infant}/${index}`)
  const voice = makeVoice(infant)
  const cries = Array.from({ length: 3 }, () => synthesizeCry(voice, { severity: 0 }, rng).samples)
  const pause = Math.round(0.4 * FS)
  const out = new Float32Array(cries.reduce((a, c) => a + c.length + pause, pause))
  let at = pause
  for (const c of cries) {
    out.set(c, at)
    at += c.length + pause
  }
  let peak = 0
  for (const v of out) peak = Math.max(peak, Math.abs(v))
  for (let i = 0; i < out.length; i++) out[i] = (0.5 * out[i]!) / peak + rng.gauss(0, 3e-4)
  return out
}

let dir = ''
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-eval-anomaly-'))
  fs.mkdirSync(path.join(dir, 'audio'))
  const rows = [
    'file,infant_id,recorded_at,platform,sample_rate,duration_s,gender,age_bucket,reason_tag,curation',
  ]
  for (const infant of [...EVALUATED, ...OTHERS]) {
    const n = EVALUATED.includes(infant) ? 6 : 3
    for (let i = 0; i < n; i++) {
      const file = `audio/${infant}-${i}.wav`
      const samples = recording(infant, i)
      writeSamplesWav(path.join(dir, file), samples, FS)
      const at = new Date(Date.UTC(2015, 4, 1 + i, 8)).toISOString()
      rows.push(
        [
          file,
          infant,
          at,
          'ios',
          FS,
          (samples.length / FS).toFixed(2),
          infant.slice(-1),
          '26',
          'hu',
          'cry',
        ].join(','),
      )
    }
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('iclas eval anomaly', () => {
  it(
    'prints the method’s table and writes the documented JSON for every model',
    async () => {
      const json = path.join(dir, 'out.json')
      const printed: string[] = []
      const spy = vi.spyOn(console, 'log').mockImplementation((m: unknown) => void printed.push(String(m)))
      const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined)
      try {
        await anomalyProtocol.run([
          ...['--model', 'all', '--backbone', 'acoustic', '--data', dir, '--json', json, '--draws', '2'],
        ])
      } finally {
        spy.mockRestore()
        quiet.mockRestore()
      }
      const text = printed.join('\n')
      expect(text).toMatch(/Infant\s+N_recs\s+AUC\s+AP\s+F1\s+Recall\s+FPR/)
      expect(text.match(/^mean ± sd/gm)).toHaveLength(3)
      expect(text).toMatch(/Over 2 draws of the anomalies \(seeds 1–2\)/)
      const doc = JSON.parse(fs.readFileSync(json, 'utf8'))
      expect(doc).toMatchObject({ protocol: 'D', model: 'ae', backbone: 'acoustic', percentile: 95 })
      expect(doc.results.map((r: { model: string }) => r.model)).toEqual(['ae', 'ocsvm', 'gmm'])
      for (const r of doc.results) {
        for (const k of ['auc', 'ap', 'f1', 'recall', 'fpr']) {
          expect(Number.isFinite(r.mean[k])).toBe(true)
          expect(r.sd).toHaveProperty(k)
        }
        expect(r.infants.map((i: { infant: string }) => i.infant)).toEqual(EVALUATED)
        for (const i of r.infants) {
          expect(i).toMatchObject({ n_recs: 6, baseline_recs: 3, normal_recs: 3, anomalous_recs: 3 })
          for (const k of ['auc', 'ap', 'f1', 'recall', 'fpr']) expect(i[k]).toBeGreaterThanOrEqual(0)
        }
      }
      // Synthetic infants differ in every dimension a cry embedding sees: their own later recordings must rank
      // below other infants' (an inverted or random score would not).
      const best = Math.max(...doc.results.map((r: { mean: { auc: number } }) => r.mean.auc))
      expect(best).toBeGreaterThanOrEqual(0.8)
      expect(doc.plan[0].baseline).toHaveLength(3)
      expect(doc.draws).toMatchObject({ seeds: 2, first_seed: 1 })
      expect(doc.draws.results.map((r: { model: string }) => r.model)).toEqual(['ae', 'ocsvm', 'gmm'])
    },
    scaled(300_000),
  )

  it(
    'refuses a backbone whose card lists an evaluated infant',
    async () => {
      const models = fs.mkdtempSync(path.join(os.tmpdir(), 'iclas-eval-anomaly-models-'))
      try {
        const src = checkoutModelsDir()
        const card = JSON.parse(fs.readFileSync(path.join(src, 'ecapa-c256-random.card.json'), 'utf8'))
        card.training.train_infants = [EVALUATED[1]]
        fs.writeFileSync(path.join(models, 'ecapa-c256-random.card.json'), JSON.stringify(card))
        fs.symlinkSync(path.join(src, 'ecapa-c256-random.onnx'), path.join(models, 'ecapa-c256-random.onnx'))
        const run = anomalyProtocol.run([
          ...['--model', 'gmm', '--backbone', 'ecapa-c256-random', '--data', dir, '--models', models],
        ])
        await expect(run).rejects.toThrow(UsageError)
        await expect(run).rejects.toThrow(/refused: backbone ecapa-c256-random was trained or validated on 1/)
      } finally {
        fs.rmSync(models, { recursive: true, force: true })
      }
    },
    scaled(120_000),
  )

  it('asks for a model', async () => {
    await expect(anomalyProtocol.run(['--data', dir])).rejects.toThrow(/--model is required/)
    await expect(anomalyProtocol.run(['--model', 'svm', '--data', dir])).rejects.toThrow(/unknown model/)
  })
})

// A tiny evaluation dataset made by the project (no ../shared needed): synthesized cries (label `cry`, with
// their expirations as TextGrids in cry-segments/) and non-cry clips (alarm beeps, room noise), in the clips
// schema of ../shared/datasets/negatives (`file,label,source,duration_s,license,origin`). Protocols A and B run
// on it in seconds, so tests and the researcher's e2e path can run an evaluation for real.
import fs from 'node:fs'
import path from 'node:path'
import { makeVoice, Rng, synthesizeCry } from '../../src/main/engine/sim'
import { writeSamplesWav } from './wav'

const RATE = 16000

function textGrid(durationS: number, cries: { startS: number; endS: number }[]): string {
  const iv: { xmin: number; xmax: number; text: string }[] = []
  let t = 0
  for (const c of cries) {
    if (c.startS > t) iv.push({ xmin: t, xmax: c.startS, text: '-' })
    iv.push({ xmin: c.startS, xmax: c.endS, text: 'cry' })
    t = c.endS
  }
  if (t < durationS) iv.push({ xmin: t, xmax: durationS, text: '-' })
  return [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0',
    `xmax = ${durationS}`,
    'tiers? <exists>',
    'size = 1',
    'item []:',
    '    item [1]:',
    '        class = "IntervalTier"',
    '        name = "silences"',
    '        xmin = 0',
    `        xmax = ${durationS}`,
    `        intervals: size = ${iv.length}`,
    ...iv.flatMap((v, i) => [
      `        intervals [${i + 1}]:`,
      `            xmin = ${v.xmin}`,
      `            xmax = ${v.xmax}`,
      `            text = "${v.text}"`,
    ]),
    '',
  ].join('\n')
}

/** Writes the dataset into `dir` (created) and returns it. */
export function writeTinyDataset(
  dir: string,
  o: { cries?: number; negatives?: number; seed?: number } = {},
): string {
  fs.mkdirSync(path.join(dir, 'cry-segments'), { recursive: true })
  const rng = new Rng(o.seed ?? 5)
  const rows = ['file,label,source,duration_s,license,origin']
  const noise = (n: number, level: number) =>
    Float32Array.from({ length: n }, () => level * (rng.next() * 2 - 1))
  for (let i = 0; i < (o.cries ?? 6); i++) {
    const voice = makeVoice(`tiny-${i % 3}`)
    const cry = synthesizeCry(voice, { severity: 0, expirations: 3 }, rng)
    const lead = Math.round(0.5 * RATE)
    const x = noise(cry.samples.length + 2 * lead, 0.002)
    for (let k = 0; k < cry.samples.length; k++) x[lead + k]! += cry.samples[k]! * 0.5
    const name = `cry-${i + 1}`
    writeSamplesWav(path.join(dir, `${name}.wav`), x, RATE)
    const spans = cry.expirations.map((e) => ({ startS: e.startS + lead / RATE, endS: e.endS + lead / RATE }))
    fs.writeFileSync(path.join(dir, 'cry-segments', `${name}.TextGrid`), textGrid(x.length / RATE, spans))
    rows.push(`${name}.wav,cry,tiny-cry-${i % 3},${(x.length / RATE).toFixed(2)},project-made,synthesizer`)
  }
  for (let i = 0; i < (o.negatives ?? 4); i++) {
    const n = 3 * RATE
    const x = noise(n, 0.01)
    const alarm = i % 2 === 0
    // An ICU-monitor-like beep train, or room noise.
    if (alarm)
      for (let k = 0; k < n; k++)
        if (Math.floor(k / (0.25 * RATE)) % 2 === 0)
          x[k]! += 0.3 * Math.sin((2 * Math.PI * (880 + 220 * i) * k) / RATE)
    const name = `${alarm ? 'alarm' : 'room'}-${i + 1}`
    writeSamplesWav(path.join(dir, `${name}.wav`), x, RATE)
    rows.push(`${name}.wav,${alarm ? 'icu-alarm' : 'room-silence'},tiny-${name},3.00,project-made,tones`)
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
  return dir
}

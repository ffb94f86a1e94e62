// Makes test/fixtures/praat/pitch.json: Praat's pitch and harmonicity of hand-marked cries, the reference the
// pitch tracker's test (test/unit/audio-pitch-praat.test.ts) compares measureCry against. Numbers only: no audio
// leaves ../shared; the test decodes the same clips from ../shared itself.
//
//   npx tsx scripts/make-praat-fixtures.ts [--every 2] [--out test/fixtures/praat/pitch.json]
//
// Needs Debian's `praat` on the PATH (apt-get install praat) and ../shared/datasets. Each cry is cut from the
// clip exactly as an import sees it (loadClip16k: decoded, 16 kHz, 100 Hz high-pass), written as a 32-bit float
// WAV to a temporary folder, and measured by one Praat run: To Pitch (ac) with Praat's standard settings at a
// 10 ms step over 150–1500 Hz (measureCry's range), To Harmonicity (cc) and To Harmonicity (ac).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadClip16k, readCryIntervals, readDataset } from '../src/main/evaluation/datasets'

const PRAAT_SCRIPT = `form cries
  sentence list
  sentence out
endform
strings = Read Strings from raw text file: list$
n = Get number of strings
writeFile: out$, ""
for i to n
  selectObject: strings
  f$ = Get string: i
  s = Read from file: f$
  p = To Pitch (ac): 0.01, 150, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 1500
  frames = Get number of frames
  nv = Count voiced frames
  m = Get mean: 0, 0, "Hertz"
  med = Get quantile: 0, 0, 0.5, "Hertz"
  selectObject: s
  hcc = To Harmonicity (cc): 0.01, 150, 0.1, 1.0
  cc = Get mean: 0, 0
  selectObject: s
  hac = To Harmonicity (ac): 0.01, 150, 0.1, 4.5
  ac = Get mean: 0, 0
  appendFileLine: out$, i, tab$, frames, tab$, nv, tab$, fixed$(m, 2), tab$, fixed$(med, 2), tab$, fixed$(cc, 3), tab$, fixed$(ac, 3)
  removeObject: s, p, hcc, hac
endfor
`

function writeFloatWav(file: string, x: Float32Array, rate: number): void {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + x.length * 4, 4)
  h.write('WAVEfmt ', 8)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(3, 20)
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 4, 28)
  h.writeUInt16LE(4, 32)
  h.writeUInt16LE(32, 34)
  h.write('data', 36)
  h.writeUInt32LE(x.length * 4, 40)
  fs.writeFileSync(file, Buffer.concat([h, Buffer.from(x.buffer, x.byteOffset, x.byteLength)]))
}

const num = (s: string) => (s.includes('undefined') ? null : Number(s))

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      every: { type: 'string', default: '2' },
      out: { type: 'string', default: 'test/fixtures/praat/pitch.json' },
      data: { type: 'string', default: path.join('..', 'shared', 'datasets', 'donateacry') },
    },
  })
  const every = Math.max(1, Number(values.every))
  const praatVersion = execFileSync('praat', ['--version'], { encoding: 'utf8' }).trim()
  const ds = readDataset(path.resolve(values.data))
  const clips = ds.clips
    .filter((c) => c.segmentsFile)
    .sort((a, b) => a.relPath.localeCompare(b.relPath))
    .filter((_, i) => i % every === 0)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'praat-fixtures-'))
  const wavs: string[] = []
  const cries: { clip: number; startS: number; endS: number }[] = []
  for (const [ci, clip] of clips.entries()) {
    const x = await loadClip16k(clip.file)
    const durationS = x.length / 16000
    for (const [a, b] of readCryIntervals(clip.segmentsFile!)) {
      const end = Math.min(b, durationS)
      if (end - a < 0.1) continue
      const file = path.join(tmp, `${wavs.length}.wav`)
      writeFloatWav(file, x.slice(Math.round(a * 16000), Math.round(end * 16000)), 16000)
      wavs.push(file)
      cries.push({ clip: ci, startS: a, endS: end })
    }
    process.stderr.write(`\r${ci + 1}/${clips.length} clips, ${wavs.length} cries`)
  }
  process.stderr.write('\n')
  fs.writeFileSync(path.join(tmp, 'list.txt'), wavs.join('\n') + '\n')
  fs.writeFileSync(path.join(tmp, 'cries.praat'), PRAAT_SCRIPT)
  const out = path.join(tmp, 'out.tsv')
  execFileSync('praat', ['--run', path.join(tmp, 'cries.praat'), path.join(tmp, 'list.txt'), out], {
    stdio: 'inherit',
  })
  const rows = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
  if (rows.length !== wavs.length) throw new Error(`praat measured ${rows.length} of ${wavs.length} cries`)
  const byClip = clips.map((c) => ({ file: c.relPath, cries: [] as (number | null)[][] }))
  for (const [i, r] of rows.entries()) {
    const c = cries[i]!
    const [, frames, voiced, mean, median, cc, ac] = r
    byClip[c.clip]!.cries.push([
      Number(c.startS.toFixed(4)),
      Number(c.endS.toFixed(4)),
      Number(frames),
      Number(voiced),
      num(mean!),
      num(median!),
      num(cc!),
      num(ac!),
    ])
  }
  const fixture = {
    made_by: 'scripts/make-praat-fixtures.ts',
    praat: praatVersion,
    dataset: 'donateacry (clips with a cry-segments TextGrid)',
    selection: `one clip in ${every}, in path order`,
    audio: '16 kHz, 100 Hz high-pass (loadClip16k), each cry cut at its TextGrid interval',
    pitch: 'To Pitch (ac): 0.01, 150, 15, no, 0.03, 0.45, 0.01, 0.35, 0.14, 1500',
    harmonicity_cc: 'To Harmonicity (cc): 0.01, 150, 0.1, 1.0',
    harmonicity_ac: 'To Harmonicity (ac): 0.01, 150, 0.1, 4.5',
    columns: [
      'start_s',
      'end_s',
      'frames',
      'voiced_frames',
      'f0_mean_hz',
      'f0_median_hz',
      'hnr_cc_db',
      'hnr_ac_db',
    ],
    clips: byClip.filter((c) => c.cries.length),
  }
  fs.mkdirSync(path.dirname(values.out), { recursive: true })
  fs.writeFileSync(values.out, JSON.stringify(fixture) + '\n')
  fs.rmSync(tmp, { recursive: true, force: true })
  console.log(`${values.out}: ${cries.length} cries of ${byClip.length} clips (${praatVersion})`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

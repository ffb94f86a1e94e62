import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sharedDatasetsDir } from '../../src/main/cli/data-dir'
import { parseCsv, parseTextGrid, readCryIntervals, readDataset } from '../../src/main/evaluation/datasets'
import {
  eventCounts,
  frameActivity,
  frameCounts,
  scores,
} from '../../src/main/evaluation/metrics/segmentation'
import { evaluateSegmentation } from '../../src/main/evaluation/segmentation-run'
import { scaled } from '../helpers/time-scale'

describe('protocol A metrics', () => {
  it('frames are active when their centre lies in an interval', () => {
    expect(Array.from(frameActivity([[0.014, 0.036]], 0.05))).toEqual([0, 1, 1, 1, 0])
    expect(Array.from(frameActivity([[0.016, 0.034]], 0.05))).toEqual([0, 0, 1, 0, 0])
    expect(frameCounts([[0, 1]], [[0.5, 1.5]], 2)).toEqual({ tp: 50, fp: 50, fn: 50 })
  })

  it('matches events by onset ±200 ms and offset ±max(200 ms, 20 %), one to one', () => {
    // Offset collar of a 2 s reference is 400 ms.
    expect(eventCounts([[1, 3]], [[1.15, 3.35]])).toEqual({ tp: 1, fp: 0, fn: 0 })
    expect(eventCounts([[1, 3]], [[1.25, 3]])).toEqual({ tp: 0, fp: 1, fn: 1 })
    expect(eventCounts([[1, 1.5]], [[1, 1.75]])).toEqual({ tp: 0, fp: 1, fn: 1 })
    // Two estimates near one reference: one matches, the other is a false positive.
    expect(
      eventCounts(
        [[1, 2]],
        [
          [1, 2],
          [1.05, 2.05],
        ],
      ),
    ).toEqual({ tp: 1, fp: 1, fn: 0 })
    // Maximum matching, not greedy: A fits both references, B only the first.
    const refs: [number, number][] = [
      [1, 2],
      [1.15, 2.1],
    ]
    expect(
      eventCounts(refs, [
        [1.1, 2.05],
        [0.9, 1.9],
      ]),
    ).toEqual({ tp: 2, fp: 0, fn: 0 })
    expect(scores({ tp: 3, fp: 1, fn: 2 })).toMatchObject({ precision: 0.75, recall: 0.6 })
    expect(scores({ tp: 0, fp: 0, fn: 0 }).f1).toBe(0)
  })
})

describe('dataset folders', () => {
  it('parses quoted CSV and long-format TextGrids', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ])
    const tg = `File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 3\ntiers? <exists>\nsize = 1\nitem []:\n    item [1]:\n        class = "IntervalTier"\n        name = "silences"\n        xmin = 0\n        xmax = 3\n        intervals: size = 3\n        intervals [1]:\n            xmin = 0\n            xmax = 0.5\n            text = "-"\n        intervals [1]:\n            xmin = 0.5\n            xmax = 1.25\n            text = "cry"\n        intervals [2]:\n            xmin = 1.25\n            xmax = 3\n            text = "-"\n`
    expect(parseTextGrid(tg).map((i) => i.text)).toEqual(['-', 'cry', '-'])
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'iclas-ds-'))
    fs.mkdirSync(path.join(dir, 'set', 'audio'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'cry-segments'))
    fs.writeFileSync(path.join(dir, 'cry-segments', 'a.TextGrid'), tg)
    fs.writeFileSync(
      path.join(dir, 'set', 'manifest.csv'),
      'file,label,source,duration_s\naudio/a.flac,cry,s1,3\naudio/b.flac,icu-alarm,s2,5\n',
    )
    const ds = readDataset(path.join(dir, 'set'))
    expect(ds.schema).toBe('clips')
    expect(ds.clips.map((c) => [c.label, c.source, c.durationS, !!c.segmentsFile])).toEqual([
      ['cry', 's1', 3, true],
      ['icu-alarm', 's2', 5, false],
    ])
    expect(readCryIntervals(ds.clips[0]!.segmentsFile!)).toEqual([[0.5, 1.25]])
    expect(() => readDataset(dir)).toThrow(/not a dataset folder/)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

const DAC = path.join(sharedDatasetsDir(), 'donateacry')
const haveShared = fs.existsSync(path.join(DAC, 'manifest.csv'))
if (!haveShared) console.warn(`skipping the protocol A baseline check: ${DAC} is absent`)

describe.skipIf(!haveShared)('protocol A on ../shared (the trivial baseline proves the metric code)', () => {
  it(
    'a bare energy threshold reproduces the published 0.84 frame F1 and 0.53 event F1 within ±0.02',
    async () => {
      const r = await evaluateSegmentation([DAC], { method: 'energy' })
      expect(r.clips).toBeGreaterThan(300)
      expect(Math.abs(r.frame_f1 - 0.84)).toBeLessThanOrEqual(0.02)
      expect(Math.abs(r.event_f1 - 0.53)).toBeLessThanOrEqual(0.02)
    },
    scaled(300_000),
  )
})

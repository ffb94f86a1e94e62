// Segment exports: a TextGrid whose intervals tile the recording (gaps empty, overlaps cut, out-of-range
// clipped), labels quoted Praat's way; Audacity label lines.
import { describe, expect, it } from 'vitest'
import { criesAudacityLabels, criesTextGrid, cryLabel } from '../../src/main/engine/export/cries'
import { audacityLabels, textGrid, tidySegments } from '../../src/main/engine/export/segments'

/** Intervals of each tier, read back from the long text format. */
function tiersOf(tg: string): Map<string, { xmin: number; xmax: number; text: string }[]> {
  const tiers = new Map<string, { xmin: number; xmax: number; text: string }[]>()
  let cur: { xmin: number; xmax: number; text: string }[] = []
  const re = /name = "(.*)"|intervals \[\d+\]:\s+xmin = (\S+)\s+xmax = (\S+)\s+text = "((?:[^"]|"")*)"/g
  for (const m of tg.matchAll(re)) {
    if (m[1] !== undefined) tiers.set(m[1], (cur = []))
    else cur.push({ xmin: Number(m[2]), xmax: Number(m[3]), text: m[4]!.replace(/""/g, '"') })
  }
  return tiers
}

describe('tidySegments', () => {
  it('sorts, clips to the recording, cuts overlaps and drops empty segments', () => {
    expect(
      tidySegments(
        [
          { startS: 5, endS: 7, label: 'b' },
          { startS: -1, endS: 2, label: 'a' },
          { startS: 6, endS: 8, label: 'c' },
          { startS: 9, endS: 9, label: 'empty' },
          { startS: 9.5, endS: 12, label: 'd' },
        ],
        10,
      ),
    ).toEqual([
      { startS: 0, endS: 2, label: 'a' },
      { startS: 5, endS: 7, label: 'b' },
      { startS: 7, endS: 8, label: 'c' },
      { startS: 9.5, endS: 10, label: 'd' },
    ])
  })
})

describe('textGrid', () => {
  it('tiles [0, duration] with intervals, numbered, gaps empty, quotes doubled', () => {
    const tg = textGrid(10, [{ name: 'cry', segments: [{ startS: 1, endS: 2.5, label: 'say "aah"' }] }])
    expect(tg).toMatch(
      /^File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 10\ntiers\? <exists>\nsize = 1\n/,
    )
    expect(tg).toContain('intervals: size = 3')
    expect(tg).toContain('intervals [3]:')
    const cry = tiersOf(tg).get('cry')!
    expect(cry).toEqual([
      { xmin: 0, xmax: 1, text: '' },
      { xmin: 1, xmax: 2.5, text: 'say "aah"' },
      { xmin: 2.5, xmax: 10, text: '' },
    ])
  })

  it('writes one empty interval for a tier without segments', () => {
    expect(tiersOf(textGrid(3, [{ name: 'cry', segments: [] }])).get('cry')).toEqual([
      { xmin: 0, xmax: 3, text: '' },
    ])
  })

  it('marks cries as "cry" and says what ICLAS and the clinician made of them', () => {
    const cries = [
      {
        id: 4,
        startS: 2,
        endS: 3,
        score: 0.984,
        flagged: true,
        verdict: 'not_cry' as const,
        decision: 'rejected' as const,
      },
      {
        id: 3,
        startS: 0.5,
        endS: 1,
        score: null,
        flagged: false,
        verdict: null,
        decision: 'pending' as const,
      },
    ]
    const tiers = tiersOf(criesTextGrid(5, cries))
    expect(
      tiers
        .get('cry')!
        .filter((i) => i.text === 'cry')
        .map((i) => [i.xmin, i.xmax]),
    ).toEqual([
      [0.5, 1],
      [2, 3],
    ])
    expect(tiers.get('review')!.map((i) => i.text)).toEqual([
      '',
      '#3',
      '',
      '#4 · score 0.98 · flagged · rejected · verdict not cry',
      '',
    ])
    expect(cryLabel(cries[1]!)).toBe('#3')
  })
})

describe('audacityLabels', () => {
  it('writes start, end and label separated by tabs, one line each', () => {
    expect(
      audacityLabels(
        [
          { startS: 1, endS: 2.5, label: 'a\tb' },
          { startS: 0.25, endS: 0.5, label: 'first' },
        ],
        10,
      ),
    ).toBe('0.250000\t0.500000\tfirst\n1.000000\t2.500000\ta b\n')
    expect(
      criesAudacityLabels(3, [
        { id: 1, startS: 1, endS: 2, score: 0.5, flagged: false, verdict: null, decision: 'accepted' },
      ]),
    ).toBe('1.000000\t2.000000\tcry #1 · score 0.50 · accepted\n')
  })
})

describe('boundaries to the millisecond', () => {
  it('rounds every boundary once to the millisecond and writes three decimals; the end stays exact', () => {
    const tg = textGrid(12.3456875, [
      {
        name: 'cry',
        segments: [
          { startS: 0.1 + 0.2, endS: 1.23449, label: 'cry' },
          { startS: 1.2345, endS: 2.0006, label: 'cry' },
        ],
      },
    ])
    expect(tg).toContain('xmax = 12.345688')
    expect(tg).toContain('            xmin = 0.300\n            xmax = 1.234\n')
    expect(tg).toContain('            xmin = 1.235\n            xmax = 2.001\n')
    expect(tg).toContain('            xmin = 2.001\n            xmax = 12.345688\n')
    expect(
      tiersOf(tg)
        .get('cry')!
        .map((i) => [i.xmin, i.xmax]),
    ).toEqual([
      [0, 0.3],
      [0.3, 1.234],
      [1.234, 1.235],
      [1.235, 2.001],
      [2.001, 12.345688],
    ])
  })

  it('Audacity labels carry the same millisecond boundaries', () => {
    expect(audacityLabels([{ startS: 1.2345, endS: 2.0004, label: 'cry' }], 5)).toBe(
      '1.235000\t2.000000\tcry\n',
    )
  })
})

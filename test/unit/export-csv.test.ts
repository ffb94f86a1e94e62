// CSV cells: RFC 4180 quoting, formula-injection guard on text (not on numbers), number formatting; the cry
// export's columns line up with its rows.
import { describe, expect, it } from 'vitest'
import { csvCell, formatNumber, toCsv } from '../../src/main/engine/export/csv'
import { criesCsv, type CryExportRow } from '../../src/main/engine/export/cries'

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(' padded')).toBe('" padded"')
  })

  it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-cmd')).toBe("'-cmd")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell(-3.5)).toBe('-3.5')
  })

  it('writes empty cells for null, 1/0 for booleans and trims number noise', () => {
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvCell(true)).toBe('1')
    expect(csvCell(false)).toBe('0')
    expect(formatNumber(0.1 + 0.2)).toBe('0.3')
    expect(formatNumber(1e-9)).toBe('0')
    expect(formatNumber(-1e-9)).toBe('0')
    expect(formatNumber(42)).toBe('42')
    expect(formatNumber(1234.5678912)).toBe('1234.567891')
  })

  it('ends every line with CRLF', () => {
    const csv = toCsv([{ header: 'a', value: (r: { a: number }) => r.a }], [{ a: 1 }, { a: 2 }])
    expect(csv).toBe('a\r\n1\r\n2\r\n')
  })
})

describe('criesCsv', () => {
  it('writes one row per cry with as many cells as headers', () => {
    const cry: CryExportRow = {
      id: 7,
      recordingId: 3,
      infantId: 2,
      infantLabel: 'Baby, Ada',
      infantBed: '3',
      infantExternalId: null,
      fileName: 'night.wav',
      startS: 1.5,
      endS: 2.25,
      at: '2026-03-01T08:00:01.500Z',
      measures: {
        durationS: 0.75,
        f0MeanHz: 431.2,
        f0MinHz: 380,
        f0MaxHz: 510,
        voicedFraction: 0.9,
        hnrDb: 11.5,
        spectralCentroidHz: 1800,
        rmsDbfs: -22.1,
        peak: 0.6,
      },
      clipped: false,
      cryConfidence: 0.99,
      gateConfidence: 0.2,
      score: 0.97,
      modelId: 4,
      decision: 'rejected',
      decisionReason: 'score above the gate threshold',
      flagged: true,
      mayNotBeCry: false,
      whatMoved: [{ measure: 'f0', text: 'f0 mean 640 Hz, +38 % over baseline (464 Hz)', z: 4.1 }],
      inBaseline: false,
      verdict: 'deviation',
      verdictNote: 'weak, "hoarse"',
      verdictBy: 'clinician',
      reviewedAt: '2026-03-02T09:00:00.000Z',
    }
    const lines = criesCsv([cry]).trimEnd().split('\r\n')
    expect(lines).toHaveLength(2)
    const headers = lines[0]!.split(',')
    // Split the row on commas outside quotes.
    const cells = lines[1]!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''))
    expect(cells.slice(0, headers.length)).toHaveLength(headers.length)
    const get = (h: string) => cells[headers.indexOf(h)]
    expect(get('infant_label')).toBe('"Baby, Ada"')
    expect(get('score')).toBe('0.97')
    expect(get('flagged')).toBe('1')
    expect(get('in_baseline')).toBe('0')
    expect(get('rms_dbfs')).toBe('-22.1')
    expect(get('verdict_note')).toBe('"weak, ""hoarse"""')
    expect(get('infant_external_id')).toBe('')
  })
})

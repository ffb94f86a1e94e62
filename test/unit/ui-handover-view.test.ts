// The shift handover as the screen and the printout write it: the ward's totals, each infant's cries and
// flags, its alerts with what changed and who handled them, the verdicts with who gave them.
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert, HandoverInfant, Infant, ShiftHandover } from '../../src/shared/contract'
import { setTimeFormat } from '../../src/renderer/src/view-model/format'
import { handoverView } from '../../src/renderer/src/view-model/handover-view'

afterEach(() => setTimeFormat('hospital'))

// Local times, so that the text does not depend on the machine's zone.
const at = (d: number, h: number, m = 0, s = 0) => new Date(2026, 11, d, h, m, s).toISOString()

const infant = (id: number, label: string, bed: string | null, externalId: string | null = null): Infant => ({
  id,
  label,
  bed,
  externalId,
  notes: null,
  birthDate: null,
  gestationalAgeDays: null,
  birthWeightG: null,
  createdAt: at(1, 8),
  recordingCount: 3,
  cryCount: 40,
  lastCryAt: at(2, 9),
})

const alert = (id: number, infantId: number, over: Partial<Alert> = {}): Alert => ({
  id,
  infantId,
  infantLabel: 'Baby Ada',
  statistic: 'cusum',
  state: 'new',
  at: at(2, 9),
  value: 5.1,
  limit: 4,
  cryId: 9,
  message: "Sustained change in this infant's cries (CUSUM 5.1 above 4.0): f0 mean 620 Hz (baseline 450 Hz)",
  createdAt: at(2, 9, 5),
  updatedAt: at(2, 9, 5),
  updatedBy: 'system',
  note: null,
  ...over,
})

const quiet = (i: Infant): HandoverInfant => ({
  infant: i,
  recordings: 0,
  cries: 0,
  flagged: 0,
  awaitingReview: 0,
  alerts: [],
  verdicts: [],
})

const handover: ShiftHandover = {
  from: at(2, 1, 20),
  to: at(2, 13, 20),
  generatedAt: at(2, 13, 20),
  generatedBy: 'Ward nurse',
  infants: [
    {
      infant: infant(1, 'Baby Ada', '3', 'RX0042817'),
      recordings: 2,
      cries: 14,
      flagged: 3,
      awaitingReview: 1,
      alerts: [
        alert(2, 1),
        alert(1, 1, {
          statistic: 'ewma',
          state: 'acknowledged',
          updatedBy: 'clinician',
          updatedAt: at(2, 11, 30),
          note: 'feeding well, watch',
        }),
      ],
      verdicts: [
        {
          reviewId: 12,
          cryId: 9,
          cryAt: at(2, 8, 40, 12),
          verdict: 'deviation',
          note: 'hoarse',
          by: 'Clinician',
          username: 'clinician',
          role: 'clinician',
          at: at(2, 10, 5),
          superseded: false,
        },
        {
          reviewId: 11,
          cryId: 9,
          cryAt: at(2, 8, 40, 12),
          verdict: 'not_cry',
          note: null,
          by: 'Clinician',
          username: 'clinician',
          role: 'clinician',
          at: at(2, 10, 1),
          superseded: true,
        },
      ],
    },
    { ...quiet(infant(2, 'Baby Bo', '4')), recordings: 1, cries: 6 },
    quiet(infant(3, 'Baby Cy', null)),
  ],
}

describe('handoverView', () => {
  it('titles the shift and sums up the ward', () => {
    const v = handoverView(handover)
    expect(v.title).toBe('Shift handover — 02 Dec 2026 01:20 to 13:20')
    expect(v.summary).toBe(
      '3 infants · 1 with open drift alerts · 20 cries · 3 flagged, 1 awaiting review · 2 verdicts',
    )
    expect(v.footer).toMatch(/^Made by Ward nurse, 02 Dec 2026 13:20\./)
  })

  it('writes the end of a shift over midnight with its date', () => {
    const v = handoverView({ ...handover, from: at(1, 20), to: at(2, 8) })
    expect(v.title).toBe('Shift handover — 01 Dec 2026 20:00 to 02 Dec 2026 08:00')
  })

  it("writes an infant's cries, flags, alerts with what changed, and verdicts with who gave them", () => {
    const ada = handoverView(handover).infants[0]!
    expect(ada.title).toBe('Bed 3 · Baby Ada')
    expect(ada.hospitalNumber).toBe('RX0042817')
    expect(ada.activity).toBe('14 cries in 2 recordings · 3 flagged, 1 awaiting review')
    expect(ada.needsAttention).toBe(true)
    expect(ada.quiet).toBe(false)
    expect(ada.alerts.map((a) => [a.state, a.head])).toEqual([
      ['new', 'CUSUM · raised 02 Dec 2026 09:05'],
      ['acknowledged', 'EWMA · raised 02 Dec 2026 09:05'],
    ])
    expect(ada.alerts[0]!.message).toContain('f0 mean 620 Hz (baseline 450 Hz)')
    expect(ada.alerts[0]!.handled).toBe('')
    expect(ada.alerts[1]!.handled).toBe('Acknowledged by clinician, 02 Dec 2026 11:30: “feeding well, watch”')
    expect(ada.verdicts[0]).toEqual({
      id: 12,
      cryId: 9,
      verdict: 'Deviation',
      by: 'Clinician (clinician), 02 Dec 2026 10:05',
      cry: 'cry of 02 Dec 2026 08:40:12',
      note: 'hoarse',
      superseded: false,
    })
    expect(ada.verdicts[1]).toMatchObject({ verdict: 'Not a cry', superseded: true })
  })

  it('marks a quiet infant and one with nothing to act on', () => {
    const [, bo, cy] = handoverView(handover).infants
    expect(bo!.title).toBe('Bed 4 · Baby Bo')
    expect(bo!.activity).toBe('6 cries in 1 recording · none flagged')
    expect(bo!.needsAttention).toBe(false)
    expect(bo!.quiet).toBe(false)
    expect(cy!.title).toBe('Baby Cy')
    expect(cy!.activity).toBe('No cries recorded in this shift')
    expect(cy!.quiet).toBe(true)
  })

  it('an acknowledged alert alone needs no attention, and the summary says when all is reviewed', () => {
    const calm: ShiftHandover = {
      ...handover,
      infants: [
        {
          ...quiet(infant(1, 'Baby Ada', '3')),
          cries: 5,
          recordings: 1,
          flagged: 2,
          alerts: [alert(1, 1, { state: 'acknowledged', updatedBy: 'clinician' })],
        },
      ],
    }
    const v = handoverView(calm)
    expect(v.infants[0]!.needsAttention).toBe(false)
    expect(v.infants[0]!.activity).toBe('5 cries in 1 recording · 2 flagged, all reviewed')
    expect(v.summary).toBe(
      '1 infant · 1 with open drift alerts · 5 cries · 2 flagged, 0 awaiting review · 0 verdicts',
    )
  })
})

// The audit log view's "what changed": changed keys only, creations listed, removals marked, values shortened.
import { describe, expect, it } from 'vitest'
import { auditChanges, AUDIT_FAMILIES } from '../../src/renderer/src/view-model/audit-format'
import { formatTime } from '../../src/renderer/src/view-model/format'

describe('auditChanges', () => {
  it('lists only the keys whose values differ, before → after', () => {
    expect(
      auditChanges(
        { flagPercentile: 0.95, gateThreshold: 0.3 },
        { flagPercentile: 0.9, gateThreshold: 0.3, reason: 'pilot' },
      ),
    ).toEqual(['flagPercentile: 0.95 → 0.9', 'reason: pilot'])
  })

  it('lists a creation’s values, and marks removed keys', () => {
    expect(auditChanges(null, { label: 'Bed 9', bed: '9' })).toEqual(['label: Bed 9', 'bed: 9'])
    expect(auditChanges({ gmmKMin: 2 }, {})).toEqual(['gmmKMin: 2 → (removed)'])
  })

  it("shows stored instants in the ward's time format, and leaves other strings as they are", () => {
    const at = '2026-12-02T14:05:09.123Z'
    const lines = auditChanges({ shiftEnd: '2026-12-02T13:00:00Z' }, { shiftEnd: at, note: '2026-12-02' })
    expect(lines).toEqual([
      `shiftEnd: ${formatTime('2026-12-02T13:00:00Z', { seconds: true })} → ${formatTime(at, { seconds: true })}`,
      'note: 2026-12-02',
    ])
    expect(lines[0]).not.toContain('T13:00')
    // A zone-less clock text (a simulated ward's start) is not an instant: kept as written.
    expect(auditChanges(null, { start: '2025-01-06T00:00:00' })).toEqual(['start: 2025-01-06T00:00:00'])
  })

  it('handles plain values and shortens long ones', () => {
    expect(auditChanges('new', 'resolved')).toEqual(['new → resolved'])
    expect(auditChanges(null, { limit: 0.9999999999988257, value: 1.0659764375792804 })).toEqual([
      'limit: 1',
      'value: 1.06598',
    ])
    expect(auditChanges(null, null)).toEqual([])
    const long = auditChanges(null, { filter: { x: 'y'.repeat(200) } })[0]!
    expect(long.length).toBeLessThan(100)
    expect(long.endsWith('…')).toBe(true)
  })

  it('offers every action family the services write', () => {
    for (const p of ['settings.', 'cry.', 'alert.', 'handover.', 'export.', 'user.', 'store.', 'evaluation.'])
      expect(AUDIT_FAMILIES.map((f) => f.prefix)).toContain(p)
  })
})

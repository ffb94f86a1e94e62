// A new drift alert's notification (the app's notice, the browser's Notification, Electron's): what it says,
// where it leads, and alerts raised together as one notice.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AlertBatcher, alertNotice } from '../../src/shared/alert-notice'
import type { Alert } from '../../src/shared/contract'

const alert = (id: number, infantId: number, over: Partial<Alert> = {}): Alert => ({
  id,
  infantId,
  infantLabel: `infant-0${infantId}`,
  statistic: 'cusum',
  state: 'new',
  at: '2026-12-02T10:00:00.000Z',
  value: 5.2,
  limit: 4,
  cryId: 100 + id,
  message: `Sustained change in this infant's cries (CUSUM 5.2 above 4.0): f0 up ${id}`,
  createdAt: '2026-12-02T10:01:00.000Z',
  updatedAt: '2026-12-02T10:01:00.000Z',
  updatedBy: 'system',
  note: null,
  ...over,
})

describe('alertNotice', () => {
  it('names the infant, says what changed and links to its timeline', () => {
    expect(alertNotice([alert(7, 3)])).toEqual({
      title: 'Drift alert — infant-03',
      body: "Sustained change in this infant's cries (CUSUM 5.2 above 4.0): f0 up 7",
      path: 'timeline/3',
      infantId: 3,
      alertIds: [7],
    })
  })

  it("puts one infant's alerts together, and several infants' alerts lead to the ward", () => {
    const same = alertNotice([alert(1, 2), alert(2, 2, { statistic: 'ewma' })])!
    expect(same.title).toBe('2 drift alerts — infant-02')
    expect(same.path).toBe('timeline/2')
    expect(same.body.split('\n')).toHaveLength(2)
    const several = alertNotice([1, 2, 3, 4, 5, 6].map((i) => alert(i, i)))!
    expect(several.title).toBe('6 drift alerts — 6 infants')
    expect(several.path).toBe('ward')
    expect(several.infantId).toBeNull()
    const lines = several.body.split('\n')
    expect(lines).toHaveLength(5) // four alerts, then how many more
    expect(lines[0]).toMatch(/^infant-01: Sustained change/)
    expect(lines[4]).toBe('and 2 more')
  })

  it('announces only alerts that are still new', () => {
    expect(alertNotice([alert(1, 1, { state: 'acknowledged' })])).toBeNull()
    expect(alertNotice([alert(1, 1, { state: 'resolved' }), alert(2, 2)])!.alertIds).toEqual([2])
    expect(alertNotice([])).toBeNull()
  })
})

describe('AlertBatcher', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('hands on a burst of alerts once, after the wait', () => {
    const batches: number[][] = []
    const b = new AlertBatcher((alerts) => batches.push(alerts.map((a) => a.id)), 1000)
    b.push(alert(1, 1))
    vi.advanceTimersByTime(500)
    b.push(alert(2, 2))
    b.push(alert(2, 2)) // the same alert twice: once
    expect(batches).toEqual([])
    vi.advanceTimersByTime(500)
    expect(batches).toEqual([[1, 2]])
    b.push(alert(3, 1))
    vi.advanceTimersByTime(1000)
    expect(batches).toEqual([[1, 2], [3]])
  })

  it('drops an alert acknowledged before the notice went out, and ignores changes of others', () => {
    const batches: number[][] = []
    const b = new AlertBatcher((alerts) => batches.push(alerts.map((a) => a.id)), 1000)
    b.push(alert(1, 1))
    b.push(alert(2, 1))
    b.push(alert(1, 1, { state: 'acknowledged' }))
    b.push(alert(9, 4, { state: 'resolved' }))
    vi.advanceTimersByTime(1000)
    expect(batches).toEqual([[2]])
    b.push(alert(5, 5))
    b.push(alert(5, 5, { state: 'resolved' }))
    vi.advanceTimersByTime(1000)
    expect(batches).toEqual([[2]]) // nothing left to announce: no empty notice
  })

  it('stops on dispose', () => {
    const onBatch = vi.fn()
    const b = new AlertBatcher(onBatch, 1000)
    b.push(alert(1, 1))
    b.dispose()
    vi.advanceTimersByTime(5000)
    expect(onBatch).not.toHaveBeenCalled()
  })
})

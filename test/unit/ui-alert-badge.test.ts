// The Ward tab's badge of open drift alerts, and the display setting for desktop notifications.
import { describe, expect, it } from 'vitest'
import { notificationSetting, wardBadge } from '../../src/renderer/src/view-model/alert-badge'

describe('wardBadge', () => {
  it('counts open alerts, red while one is unacknowledged', () => {
    const b = wardBadge([
      { id: 1, state: 'new' },
      { id: 2, state: 'acknowledged' },
      { id: 3, state: 'resolved' },
    ])
    expect(b).toEqual({
      open: 2,
      unacknowledged: 1,
      color: 'error',
      text: '2 open drift alerts (1 not yet acknowledged)',
    })
  })

  it('turns orange once every open alert is acknowledged, and goes with the last one', () => {
    expect(wardBadge([{ id: 2, state: 'acknowledged' }])).toMatchObject({
      open: 1,
      color: 'warning',
      text: '1 open drift alert, all acknowledged',
    })
    expect(wardBadge([{ id: 3, state: 'resolved' }])).toBeNull()
    expect(wardBadge([])).toBeNull()
  })

  it('counts an alert listed twice (between two reads) once', () => {
    expect(
      wardBadge([
        { id: 4, state: 'new' },
        { id: 4, state: 'new' },
      ])!.open,
    ).toBe(1)
  })
})

describe('notificationSetting', () => {
  it('asks only while the browser has not been asked', () => {
    expect(notificationSetting('default').canAsk).toBe(true)
    for (const s of ['granted', 'denied', 'unsupported', 'desktop-app'] as const)
      expect(notificationSetting(s).canAsk).toBe(false)
    expect(notificationSetting('denied').label).toMatch(/site settings/)
    expect(notificationSetting('desktop-app').label).toMatch(/desktop app/)
  })
})

// First start of a fresh workstation (browser mode, new data folder): the demo ward builds in the background,
// its progress on the ward screen, until the ward holds the simulated infants with their recordings and cries;
// reopened, the workstation shows the ready ward at once. The ward is shrunk with ICLAS_DEMO_CONFIG.
import { expect, test } from './app'
import { scaled } from '../helpers/time-scale'

// 2 infants × 4 days × two 6-minute sessions: long enough to watch it build, short enough for a test.
const SMALL = { infants: 2, days: 4, deviating: 1, seed: 5, hoursPerDay: 0.2, sessionsPerDay: 2, cryRate: 4 }
const RECORDINGS_EACH = 4 * 2

let previous: string | undefined
test.beforeAll(() => {
  previous = process.env.ICLAS_E2E_ENV
  process.env.ICLAS_E2E_ENV = JSON.stringify({ ICLAS_NO_DEMO: '0', ICLAS_DEMO_CONFIG: JSON.stringify(SMALL) })
})
test.afterAll(() => {
  if (previous === undefined) delete process.env.ICLAS_E2E_ENV
  else process.env.ICLAS_E2E_ENV = previous
})

// The newcomer's path: accounts without PINs, in demo mode (src/main/core/pin-policy.ts).
test.use({ pins: null })

test('a fresh workstation builds its demo ward with visible progress, then opens on it', async ({ app }) => {
  test.setTimeout(300_000)
  const { page } = app
  await expect(page.getByTestId('demo-mode-banner')).toContainText('Demo mode: accounts without PINs')
  await app.signIn('nurse')
  const banner = page.getByTestId('demo-banner')
  await expect(banner).toHaveAttribute('data-state', 'building')
  await expect(banner).toContainText('Building the demo ward')
  // Determinate progress from the job's events (the bar only spins until the first one arrives).
  await expect(page.getByRole('progressbar', { name: 'demo ward progress' })).toHaveAttribute(
    'aria-valuenow',
    /^[1-9]\d*(\.\d+)?$/,
  )
  // The demo job is visible from every screen, like any long work.
  await expect(page.getByTestId('jobs-indicator')).toContainText('Demo ward')
  await app.screenshot('demo-01-building')

  await expect(banner).toHaveAttribute('data-state', 'ready', { timeout: scaled(240_000) })
  await expect(banner).toContainText('not patients')
  const infants = page.getByRole('table', { name: 'infants' })
  for (const label of ['Demo 1 (simulated)', 'Demo 2 (simulated)']) {
    const row = infants.getByRole('row', { name: new RegExp(label.replace(/[()]/g, '\\$&')) })
    await expect(row.getByRole('cell').nth(6)).toHaveText(String(RECORDINGS_EACH))
    expect(Number(await row.getByRole('cell').nth(7).textContent())).toBeGreaterThan(0)
  }
  await app.screenshot('demo-02-ready')

  // Reopened: the ward is there at once, nothing is built again.
  await page.reload()
  await expect(page.getByTestId('demo-banner')).toHaveAttribute('data-state', 'ready')
  await expect(infants.getByRole('row', { name: /Demo 1 \(simulated\)/ })).toBeVisible()

  // A nurse sees the infant's recordings like any other: they went through the real import.
  await infants.getByRole('row', { name: /Demo 1 \(simulated\)/ }).click()
  await expect(page.getByRole('table', { name: 'recordings' }).getByRole('row')).toHaveCount(
    RECORDINGS_EACH + 1,
  )
  await app.screenshot('demo-03-infant')
})

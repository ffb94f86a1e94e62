// Mandatory PINs from the first start (issue 17, item 3). A new ward that is not the demo (npm start --no-demo)
// has four accounts without PINs: the nurse is turned away until an admin sets its PIN, the admin signs in to a
// screen that sets its own PIN and everyone else's before anything opens, and then each signs in with their
// PIN. The demo ward's first start keeps demo mode instead, said by a banner on the sign-in screen.
import { expect, test } from './app'

test.describe('a new ward that is not the demo', () => {
  test.use({ pins: null })

  test('the admin sets every PIN before anything opens; then each account signs in with its PIN', async ({
    app,
  }) => {
    const { page } = app
    await expect(page.getByRole('combobox', { name: 'User' })).toBeVisible()
    await expect(page.getByTestId('demo-mode-banner')).toHaveCount(0)

    // The nurse has no PIN yet: refused, with what to do.
    await page.getByLabel('User').click()
    await page.getByRole('option', { name: 'Ward nurse (nurse)' }).click()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toContainText('has no PIN yet')
    await expect(page.getByTestId('signed-in-user')).toHaveCount(0)

    // The admin without a PIN meets the first-start screen, and nothing else.
    await page.getByLabel('User').click()
    await page.getByRole('option', { name: 'Administrator (admin)' }).click()
    await page.getByRole('button', { name: 'Sign in' }).click()
    const setup = page.getByTestId('first-start')
    await expect(setup.getByRole('heading', { name: 'First start: set the PINs' })).toBeVisible()
    await expect(page.getByRole('tab', { name: 'Ward' })).toHaveCount(0)
    const submit = setup.getByRole('button', { name: 'Set 4 PINs and continue' })
    await setup.getByLabel('Your PIN (admin)').fill('4821')
    await setup.getByLabel('Your PIN again').fill('4821')
    await setup.getByLabel(/PIN for Ward nurse/).fill('1357')
    await setup.getByLabel(/PIN for Clinician/).fill('2468')
    await expect(submit).toBeDisabled() // the researcher has none yet
    await setup.getByLabel(/PIN for Researcher/).fill('12') // too short
    await expect(submit).toBeDisabled()
    await setup.getByLabel(/PIN for Researcher/).fill('9753')
    await expect(submit).toBeEnabled()
    await app.screenshot('first-start-01-set-pins')
    await submit.click()

    // The workstation opens; the accounts all have PINs now.
    await expect(page.getByTestId('signed-in-user')).toContainText('Administrator')
    await page.getByRole('tab', { name: 'Admin' }).click()
    const users = page.getByRole('table', { name: 'users' })
    for (const name of ['nurse', 'clinician', 'researcher', 'admin'])
      await expect(users.getByRole('row', { name: new RegExp(`^${name} `) })).toContainText('set')
    await expect(users.getByRole('button', { name: 'Clear PIN' })).toHaveCount(0) // mandatory here
    await app.screenshot('first-start-02-admin-with-pins')

    // The nurse signs in with the PIN the admin set, and only with it.
    await page.getByRole('button', { name: 'Sign out' }).click()
    // The sign-in screen's account list, not the admin screen's "Users" it replaces (CI once read both).
    await page.getByRole('combobox', { name: 'User', exact: true }).click()
    await page.getByRole('option', { name: 'Ward nurse (nurse)' }).click()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toContainText('wrong PIN')
    await page.getByLabel(/^PIN/).fill('1357')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByTestId('signed-in-user')).toContainText('Ward nurse')

    // A reload signs the tab back in (its one-time ticket), without the PIN again.
    await page.reload()
    await expect(page.getByTestId('signed-in-user')).toContainText('Ward nurse')
    await expect(page.getByRole('combobox', { name: 'User' })).toHaveCount(0)
  })
})

test.describe("the demo ward's first start", () => {
  let previous: string | undefined
  test.beforeAll(() => {
    previous = process.env.ICLAS_E2E_ENV
    const tiny = { infants: 1, days: 1, deviating: 0, hoursPerDay: 0.05, sessionsPerDay: 1 }
    process.env.ICLAS_E2E_ENV = JSON.stringify({
      ICLAS_NO_DEMO: '0',
      ICLAS_DEMO_CONFIG: JSON.stringify(tiny),
    })
  })
  test.afterAll(() => {
    if (previous === undefined) delete process.env.ICLAS_E2E_ENV
    else process.env.ICLAS_E2E_ENV = previous
  })
  test.use({ pins: null })

  test('opens straight to sign-in in demo mode, said by a banner, until the first patient', async ({
    app,
  }) => {
    const { page } = app
    await expect(page.getByTestId('demo-mode-banner')).toContainText('Demo mode: accounts without PINs')
    await app.screenshot('first-start-03-demo-mode-sign-in')
    await app.signIn('nurse')
    await expect(page.getByTestId('demo-mode-banner')).toBeVisible()

    // The first patient ends demo mode: the nurse's next call is refused and the app goes back to sign-in,
    // where an account without a PIN is turned away and the admin meets the first-start screen.
    await page.getByRole('tab', { name: 'Ward' }).click()
    await page.getByRole('button', { name: 'Add infant' }).click()
    await page.getByRole('textbox', { name: 'Name or label' }).fill('Baby Ada')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('tab', { name: 'Import' }).click()
    await expect(page.getByRole('combobox', { name: 'User' })).toBeVisible()
    await expect(page.getByTestId('demo-mode-banner')).toHaveCount(0)
    await page.getByLabel('User').click()
    await page.getByRole('option', { name: 'Ward nurse (nurse)' }).click()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert')).toContainText('has no PIN yet')
    await page.getByLabel('User').click()
    await page.getByRole('option', { name: 'Administrator (admin)' }).click()
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByTestId('first-start')).toBeVisible()
  })
})

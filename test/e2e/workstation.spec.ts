// The workstation as a new user meets it (issue 16): browser mode's address and the page a visit without
// the access token gets, first paint, times as a hospital reads them, the cry view and the timeline of a new
// infant, layout (overlaps, page heights) and the infant's age.
import path from 'node:path'
import { expect, test, SCREENSHOTS } from './app'

test('browser mode: a stable address, and a visit without the token says how to get in', async ({ app }) => {
  test.skip(app.target !== 'browser', 'browser mode only')
  const { page } = app
  // The launch URL traded its token for a cookie; the address is the default port or the next free one.
  const origin = new URL(page.url()).origin
  expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const port = Number(new URL(origin).port)
  expect(port >= 4280 && port <= 4289, `port ${port}: 4280 or a fallback up to 4289`).toBe(true)

  // Another browser (no cookie) at the bare address: a page saying how to get in, not a bare 401.
  const stranger = await page
    .context()
    .browser()!
    .newContext({ viewport: { width: 1440, height: 900 } })
  const visit = await stranger.newPage()
  const response = await visit.goto(`${origin}/`)
  expect(response!.status()).toBe(401)
  const help = visit.getByTestId('sign-in-help')
  await expect(help.getByRole('heading', { name: 'ICLAS — how to sign in' })).toBeVisible()
  await expect(help).toContainText(`Open http://127.0.0.1:${port}/?token=…`)
  await expect(help.getByRole('table')).toContainText('Ward nurse')
  await expect(help.getByRole('table')).toContainText('Administrator')
  await visit.screenshot({
    path: path.join(SCREENSHOTS, 'browser-workstation-01-no-token.png'),
    fullPage: true,
  })

  // A token from an earlier start: the page says so.
  await visit.goto(`${origin}/?token=from-an-earlier-start`)
  await expect(help).toContainText('from an earlier start')
  await stranger.close()

  // The launch URL itself still opens the sign-in screen, which lists the seeded accounts.
  await page.getByLabel('User').click()
  for (const name of ['Ward nurse (nurse)', 'Clinician (clinician)', 'Researcher (researcher)'])
    await expect(page.getByRole('option', { name })).toBeVisible()
  await page.getByRole('option', { name: 'Administrator (admin)' }).click()
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('signed-in-user')).toContainText('Administrator')
})

test('first paint: the sign-in screen loads no screen code; hashed assets are cached for good', async ({
  app,
}) => {
  test.skip(app.target !== 'browser', 'HTTP caching is browser mode')
  const { page } = app
  const scripts = new Map<string, string>()
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script')
      scripts.set(new URL(r.url()).pathname, r.headers()['cache-control'] ?? '')
  })
  await page.reload()
  await expect(page.getByRole('combobox', { name: 'User' })).toBeVisible()
  const names = [...scripts.keys()]
  expect(names.length).toBeGreaterThan(0)
  for (const [name, cache] of scripts) {
    expect(name).toMatch(/^\/assets\/[\w-]+-[\w-]{8}\.js$/) // content-hashed names
    expect(cache).toBe('public, max-age=31536000, immutable')
  }
  // Screens, charts and audio code wait until they are opened.
  expect(
    names.filter((n) => /\/(Shell|Ward|Timeline|Waveform|Thresholds|installCanvasRenderer)-/.test(n)),
  ).toEqual([])
  await app.screenshot('workstation-02-sign-in-first-paint')
  // Signing in fetches the shell and the ward screen, and the page itself is never cached.
  await app.signIn('nurse')
  await expect(page.getByRole('heading', { name: 'Ward overview' })).toBeVisible()
  expect([...scripts.keys()].some((n) => /\/Ward-/.test(n))).toBe(true)
  const doc = await page.request.get(new URL(page.url()).origin + '/')
  expect(doc.headers()['cache-control']).toBe('no-store')
})

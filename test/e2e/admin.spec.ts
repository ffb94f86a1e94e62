// The administrator's path: a user with a PIN added, a backup made, both found in the audit log, which is
// exported as CSV (itself an audited export).
import { expect, test } from './app'

test('admin adds a user with a PIN, backs up the database, and finds both in the audit log', async ({
  app,
}) => {
  const { page } = app
  await app.signIn('admin')
  await page.getByRole('tab', { name: 'Admin' }).click()
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible()

  await page.getByRole('button', { name: 'Add user' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('User name').fill('n.jones')
  await dialog.getByLabel('Display name').fill('Nurse Jones')
  await dialog.getByLabel(/^PIN/).fill('4821') // mandatory on a ward that is not the demo
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  const users = page.getByRole('table', { name: 'users' })
  await expect(users.getByRole('row', { name: /n\.jones/ })).toContainText('set')

  await page.getByRole('button', { name: 'Back up now' }).click()
  await expect(page.getByTestId('backup-made')).toContainText('integrity-checked')
  await expect(page.getByRole('table', { name: 'backups' }).getByRole('row', { name: /manual/ })).toHaveCount(
    1,
  )
  await app.screenshot('admin-01-users-and-backups')

  await page.getByRole('tab', { name: 'Audit' }).click()
  const rows = page.getByTestId('audit-row')
  await expect(rows.first()).toHaveAttribute('data-action', 'store.backup')
  await expect(rows.nth(1)).toHaveAttribute('data-action', 'user.create')
  await expect(rows.nth(1)).toContainText('hasPin: true')
  await expect(page.getByRole('table', { name: 'audit log' })).not.toContainText('4821') // PINs never leave the core
  await page.getByRole('combobox', { name: 'Kind' }).click()
  await page.getByRole('option', { name: 'Users and PINs' }).click()
  // The new user, after the four PINs the ward's accounts were given before its start (iclas accounts).
  await expect(rows).toHaveCount(5)
  await expect(rows.first()).toHaveAttribute('data-action', 'user.create')
  const csv = await app.download(() => page.getByRole('button', { name: 'Export CSV' }).click())
  expect(csv.name).toMatch(/^iclas-audit-.*\.csv$/)
  expect(csv.text.split('\r\n')[0]).toBe('id,at,username,role,action,entity,entity_id,before,after')
  expect(csv.text).toContain('user.create')
  await expect(page.getByTestId('audit-exported')).toContainText(': 5 entries')
  await app.screenshot('admin-02-audit-log')

  // The export itself is in the log.
  await page.getByRole('combobox', { name: 'Kind' }).click()
  await page.getByRole('option', { name: 'Audit exports' }).click()
  await expect(rows.first()).toHaveAttribute('data-action', 'audit.export')
})

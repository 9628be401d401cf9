import { expect, test } from '@playwright/test'
import { contextFor, createFirm, registerPerson, signIn, snap, STAFF, waitLive } from './helpers'

test('association staff suspend a firm and the firm notices at once', async ({ browser, request }) => {
  const rogue = await createFirm(request, await registerPerson(request, 'Mario Furbo'), 'Confezioni Furbe', ['stitching'])
  const reporter = await createFirm(request, await registerPerson(request, 'Elena Onesta'), 'Sartoria Onesta', ['stitching'])
  // Another firm reports it from its public profile.
  const reporterPage = await (await contextFor(browser)).newPage()
  await signIn(reporterPage, reporter)
  await reporterPage.goto(`/firms/${rogue.firmId}`)
  await reporterPage.getByRole('button', { name: 'Segnala all’associazione' }).click()
  await reporterPage.getByRole('button', { name: 'Invia segnalazione' }).click()
  await expect(reporterPage.getByText('Scrivi in breve il motivo.')).toBeVisible()
  await reporterPage.getByLabel('Motivo').fill('Partita IVA non corrispondente')
  await reporterPage.getByLabel('Dettagli (facoltativo)').fill('La ragione sociale in fattura è diversa.')
  await reporterPage.getByRole('button', { name: 'Invia segnalazione' }).click()
  await expect(reporterPage.getByText(/Segnalazione inviata/)).toBeVisible()

  // What a visitor sees first.
  const visitor = await (await contextFor(browser)).newPage()
  await visitor.goto('/')
  await expect(visitor.getByRole('heading', { name: 'Il mercato del distretto, online' })).toBeVisible()
  await snap(visitor, 'home')
  await visitor.goto('/signin')
  await snap(visitor, 'signin')

  // The suspended-to-be firm is working on its board.
  const firmPage = await (await contextFor(browser)).newPage()
  await signIn(firmPage, rogue)
  await firmPage.goto('/board')
  await waitLive(firmPage)

  // Staff: the report is in the queue; the firm is suspended from the firms tab.
  const staffPage = await (await contextFor(browser)).newPage()
  await signIn(staffPage, STAFF, STAFF.password)
  await staffPage.goto('/staff')
  await expect(staffPage.locator('.queue-item').filter({ hasText: rogue.firmName! })).toBeVisible()
  await snap(staffPage, 'staff-queue')
  await staffPage.getByRole('tab', { name: 'Imprese' }).click()
  await staffPage.getByLabel('Cerca').fill(rogue.firmName!)
  await staffPage.getByRole('button', { name: 'Cerca' }).click()
  const card = staffPage.getByTestId('staff-firm').filter({ hasText: rogue.firmName! })
  await card.getByRole('button', { name: 'Sospendi' }).click()
  await card.getByRole('button', { name: 'Conferma sospensione' }).click()
  await expect(card.getByText('Scrivi il motivo (almeno 5 caratteri).')).toBeVisible()
  await card.getByLabel('Motivo della sospensione').fill('Dati fiscali non verificabili dopo segnalazione.')
  await card.getByRole('button', { name: 'Conferma sospensione' }).click()
  await expect(card.locator('.badge', { hasText: 'Sospesa' })).toBeVisible()
  // Defect 5: the staff member is never told "your firm was suspended".
  await expect(staffPage.locator('.toast').filter({ hasText: 'La tua impresa' })).toHaveCount(0)
  await snap(staffPage, 'staff-firms')

  // The firm sees the banner and a toast without reloading, and can no longer post.
  await expect(firmPage.getByTestId('suspended-banner')).toBeVisible()
  await expect(firmPage.locator('.toast').filter({ hasText: 'sospesa' })).toBeVisible()
  await snap(firmPage, 'suspended-firm')
  // A suspended firm is not offered the order form at all (it would only be refused).
  await firmPage.goto('/orders/new')
  await expect(firmPage.locator('main .narrow .banner-error').filter({ hasText: 'sospesa' })).toBeVisible()
  await expect(firmPage.getByRole('button', { name: 'Pubblica ordine' })).toHaveCount(0)

  // The audit log has the staff action, with its reason.
  await staffPage.getByRole('tab', { name: 'Registro' }).click()
  await expect(staffPage.getByTestId('audit-log')).toContainText('Dati fiscali non verificabili')
  // Defect 4: names and words, not codes and ids.
  await expect(staffPage.getByTestId('audit-log')).toContainText('Impresa sospesa')
  await expect(staffPage.getByTestId('audit-log')).toContainText(rogue.firmName!)
  await expect(staffPage.getByTestId('audit-log')).not.toContainText('moderation.firm_suspended')
  await snap(staffPage, 'staff-audit')

  // Public pages for everyone: the district dashboard.
  await staffPage.goto('/observatory')
  await expect(staffPage.getByRole('heading', { name: 'Osservatorio del distretto' })).toBeVisible()
  await snap(staffPage, 'observatory')
})

import { expect, test, type APIRequestContext } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { apiPost, consoleErrors, contextFor, createFirm, registerPerson, signIn, snap, STAFF, unique, type Person } from './helpers'

// The console log is shared by every spec of the worker: judge only this test's pages
// (another spec's deliberate refusal must not fail this one).
test.beforeEach(() => {
  consoleErrors.length = 0
})

const DRAWING = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cartamodello-davanti.png'))
const ORDER_TITLE = unique('Confezione giacche in lana cotta ')

async function statusOf(api: APIRequestContext, person: Person, path: string): Promise<number> {
  const response = await api.get(`/api/v1${path}`, { headers: { Authorization: `Bearer ${person.token}` } })
  return response.status()
}

test('the client attaches a drawing, a supplier sees its preview and downloads it, a competitor on a sealed order cannot see the bid files', async ({ browser, request }) => {
  const client = await createFirm(request, await registerPerson(request, 'Giulia Client'), 'Confezioni Bini', ['apparel'])
  const supplier = await createFirm(request, await registerPerson(request, 'Paolo Supplier'), 'Laboratorio Chen', ['stitching'])
  const competitor = await createFirm(request, await registerPerson(request, 'Anna Competitor'), 'Maglificio Neri', ['stitching'])

  // The client writes a sealed order and attaches the pattern drawing before posting it.
  const clientPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(clientPage, client)
  await clientPage.goto('/orders/new')
  await clientPage.getByLabel('Titolo').fill(ORDER_TITLE)
  await clientPage.getByLabel('Descrizione').fill('Confezione di giacche in lana cotta, fodera in viscosa, cartamodello allegato.')
  await clientPage.getByRole('combobox', { name: /^Fase/ }).selectOption('stitching')
  await clientPage.getByLabel('Quantità').fill('300')
  await clientPage.getByLabel('Unità').fill('capi')
  await clientPage.getByLabel('Busta chiusa').check()
  await clientPage.getByTestId('pending-file-input').setInputFiles({ name: 'cartamodello-davanti.png', mimeType: 'image/png', buffer: DRAWING })
  await expect(clientPage.getByText('cartamodello-davanti.png')).toBeVisible()
  await snap(clientPage, 'documents-order-new')
  await clientPage.getByRole('button', { name: 'Pubblica ordine' }).click()
  await expect(clientPage).toHaveURL(/\/orders\/\d+$/)
  const orderId = Number(clientPage.url().split('/').pop())
  const clientFiles = clientPage.locator('.attachments').getByTestId('file-row')
  await expect(clientFiles).toHaveCount(1)
  await expect(clientFiles.first().locator('img.thumb')).toBeVisible()
  await expect(clientPage.getByText('Offerte in busta chiusa: gli allegati si vedono dopo la scadenza.')).toBeVisible()

  // The supplier sees the drawing's preview on the order and downloads the original.
  const supplierPage = await (await contextFor(browser, 'en-GB')).newPage()
  await signIn(supplierPage, supplier)
  await supplierPage.goto('/board')
  await expect(supplierPage.getByTestId('order-card').filter({ hasText: ORDER_TITLE }).locator('img.order-card-cover')).toBeVisible()
  await supplierPage.goto(`/orders/${orderId}`)
  const row = supplierPage.locator('.attachments').getByTestId('file-row').first()
  await expect(row.locator('img.thumb')).toBeVisible()
  await expect(row).toContainText('cartamodello-davanti.png')
  await snap(supplierPage, 'documents-order-supplier')
  const [download] = await Promise.all([supplierPage.waitForEvent('download'), row.getByRole('button', { name: 'Download' }).click()])
  expect(download.suggestedFilename()).toBe('cartamodello-davanti.png')
  const saved = readFileSync(await download.path())
  expect(saved.equals(DRAWING)).toBeTruthy()

  // The supplier bids and attaches its own sample photo to the bid.
  const bid = await apiPost<{ id: number }>(request, supplier, `/orders/${orderId}/bids`, {
    firm_id: supplier.firmId,
    unit_price: '18.50',
    delivery_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    notes: 'Campione di cucitura pronto in una settimana.',
  })
  await supplierPage.reload()
  const bidCard = supplierPage.locator('.attachments', { hasText: 'Files of your bid' })
  await bidCard.getByTestId('file-input').setInputFiles({ name: 'campione-cucitura.png', mimeType: 'image/png', buffer: DRAWING })
  await bidCard.getByRole('button', { name: 'Upload' }).click()
  await expect(bidCard.getByTestId('file-row')).toHaveCount(1)
  await expect(bidCard.locator('img.thumb')).toBeVisible()
  await snap(supplierPage, 'documents-bid-files')

  // A competitor sees the order and its drawing, but never the supplier's bid files;
  // nor does the client before the sealed deadline.
  const competitorPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(competitorPage, competitor)
  await competitorPage.goto(`/orders/${orderId}`)
  await expect(competitorPage.locator('.attachments').getByTestId('file-row')).toHaveCount(1)
  await expect(competitorPage.getByText('campione-cucitura.png')).toHaveCount(0)
  const bidFiles = (await (await request.get(`/api/v1/bids/${bid.id}/attachments`, { headers: { Authorization: `Bearer ${supplier.token}` } })).json()) as { id: number }[]
  expect(bidFiles).toHaveLength(1)
  for (const path of [`/bids/${bid.id}/attachments`, `/attachments/${bidFiles[0].id}`, `/attachments/${bidFiles[0].id}/content`]) {
    expect(await statusOf(request, competitor, path)).toBe(404)
    expect(await statusOf(request, client, path)).toBe(404)
  }

  // Staff check a certification the supplier sends; it becomes a badge on its profile.
  await supplierPage.goto(`/firms/${supplier.firmId}`)
  const credentials = supplierPage.locator('.credentials')
  await credentials.getByLabel('Name (e.g. GOTS, OEKO-TEX, ISO 9001)').fill('OEKO-TEX Standard 100')
  await credentials.getByLabel('Valid until').fill(new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10))
  await credentials.locator('input[type=file]').setInputFiles({ name: 'oeko-tex.png', mimeType: 'image/png', buffer: DRAWING })
  await credentials.getByRole('button', { name: 'Send to the association' }).click()
  await expect(credentials.getByText('Being checked')).toBeVisible()
  const staffPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(staffPage, STAFF, STAFF.password)
  await staffPage.goto('/staff?tab=documents')
  const item = staffPage.getByTestId('document-queue').locator('li', { hasText: supplier.firmName! })
  await expect(item).toContainText('OEKO-TEX Standard 100')
  await snap(staffPage, 'documents-staff-queue')
  // Rejecting needs a reason; approving does not.
  await expect(item.getByRole('button', { name: 'Respingi' })).toBeDisabled()
  await item.getByLabel('Nota (obbligatoria per respingere)').fill('Certificato verificato sul portale OEKO-TEX')
  await item.getByRole('button', { name: 'Approva' }).click()
  await expect(staffPage.getByText('Documento approvato')).toBeVisible()
  await expect(staffPage.getByTestId('document-queue').locator('li', { hasText: supplier.firmName! })).toHaveCount(0)
  await clientPage.goto(`/firms/${supplier.firmId}`)
  await expect(clientPage.getByTestId('certifications')).toContainText('OEKO-TEX Standard 100')
  await snap(clientPage, 'documents-firm-badges')
  expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([])
})

test('in a contract, a message carries a photo the other firm sees under it', async ({ browser, request }) => {
  const client = await createFirm(request, await registerPerson(request, 'Sara Client'), 'Maglificio Lenzi', ['knitting'])
  const supplier = await createFirm(request, await registerPerson(request, 'Wei Supplier'), 'Tintoria Zhou', ['dyeing'])
  const order = await apiPost<{ id: number }>(request, client, '/orders', {
    firm_id: client.firmId,
    title: unique('Tintura filati cardati '),
    description: 'Tintura in rocca, colore bordeaux da campione.',
    phase: 'dyeing',
    quantity: 800,
    unit: 'kg',
    bid_deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    delivery_due: new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10),
    visibility: 'public',
  })
  const bid = await apiPost<{ id: number }>(request, supplier, `/orders/${order.id}/bids`, {
    firm_id: supplier.firmId,
    unit_price: '3.10',
    delivery_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  })
  const contract = await apiPost<{ id: number }>(request, client, `/orders/${order.id}/award`, { bid_id: bid.id })

  const supplierPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(supplierPage, supplier)
  await supplierPage.goto(`/contracts/${contract.id}`)
  await supplierPage.getByLabel('Scrivi un messaggio').fill('Ecco la prova colore sul filato, confermate?')
  await supplierPage.getByTestId('message-file-input').setInputFiles({ name: 'prova-colore.png', mimeType: 'image/png', buffer: DRAWING })
  await supplierPage.getByRole('button', { name: 'Invia', exact: true }).click()
  await expect(supplierPage.getByTestId('messages').getByTestId('file-row')).toHaveCount(1)

  const clientPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(clientPage, client)
  await clientPage.goto(`/contracts/${contract.id}`)
  const message = clientPage.getByTestId('messages').locator('li', { hasText: 'Ecco la prova colore' })
  await expect(message.locator('img.thumb')).toBeVisible()
  await expect(clientPage.locator('.attachments').getByTestId('file-row')).toHaveCount(1)
  await snap(clientPage, 'documents-contract-message')

  // An upload sent with an expired access token: the app refreshes the session once and
  // sends the same bytes again (a binary body must survive the retry intact).
  await supplierPage.evaluate(() => {
    const session = JSON.parse(localStorage.getItem('distretto.session') ?? '{}') as Record<string, unknown>
    localStorage.setItem('distretto.session', JSON.stringify({ ...session, access_token: 'expired' }))
  })
  const uploadStatuses: number[] = []
  supplierPage.on('response', (response) => {
    if (response.request().method() === 'POST' && response.url().endsWith(`/contracts/${contract.id}/attachments`)) uploadStatuses.push(response.status())
  })
  const contractFiles = supplierPage.locator('.attachments', { hasText: 'Documenti del contratto' })
  await contractFiles.getByTestId('file-input').setInputFiles({ name: 'scheda-colore.png', mimeType: 'image/png', buffer: DRAWING })
  await contractFiles.getByRole('button', { name: 'Carica', exact: true }).click()
  await expect(contractFiles.getByTestId('file-row').filter({ hasText: 'scheda-colore.png' })).toHaveCount(1)
  expect(uploadStatuses).toEqual([401, 201])
  const auth = { headers: { Authorization: `Bearer ${supplier.token}` } }
  const files = (await (await request.get(`/api/v1/contracts/${contract.id}/attachments`, auth)).json()) as { id: number; filename: string }[]
  const retried = files.find((file) => file.filename === 'scheda-colore.png')
  expect(retried).toBeDefined()
  const stored = await request.get(`/api/v1/attachments/${retried?.id}/content`, auth)
  expect((await stored.body()).equals(DRAWING)).toBeTruthy()
})

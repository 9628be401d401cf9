import { expect, test, type Page } from '@playwright/test'
import { consoleErrors, contextFor, createFirm, PASSWORD, registerPerson, signIn, snap, unique, validVat, waitLive } from './helpers'

// The console log is shared by every spec of the worker: judge only this test's pages
// (another spec's deliberate refusal must not fail this one).
test.beforeEach(() => {
  consoleErrors.length = 0
})

const ORDER_TITLE = unique('Tintura in capo maglie merinos ')

async function review(page: Page, labels: string[], submit: string) {
  for (const label of labels) await page.getByRole('group', { name: label }).locator('label').nth(4).click()
  await page.getByRole('button', { name: submit }).click()
  await expect(page.getByTestId('my-review')).toBeVisible()
}

test('a client posts an order, two subsuppliers bid live, the client awards and the contract runs to a review', async ({ browser, request }) => {
  // Four browsers and a live channel each: on a loaded CI machine this takes over 90 s.
  test.setTimeout(180_000)
  // Two dyeing subsuppliers, one Italian-speaking and one English-speaking, watching the board.
  const alfa = await createFirm(request, await registerPerson(request, 'Marta Alfa'), 'Tintoria Alfa', ['dyeing'])
  const beta = await createFirm(request, await registerPerson(request, 'John Beta'), 'Tintoria Beta', ['dyeing', 'finishing'])
  const alfaPage = await (await contextFor(browser, 'it-IT')).newPage()
  const betaPage = await (await contextFor(browser, 'en-GB')).newPage()
  for (const [page, person] of [[alfaPage, alfa], [betaPage, beta]] as const) {
    await signIn(page, person)
    await page.goto('/board')
    await waitLive(page)
  }
  await expect(betaPage.getByRole('heading', { name: 'Board', exact: true })).toBeVisible()

  // The client registers, creates the firm and posts an order, all through the screens.
  const client = await (await contextFor(browser, 'it-IT')).newPage()
  const clientEmail = `${unique('lucia.maglificio')}@e2e.distretto.it`
  await client.goto('/register')
  await client.getByLabel('Nome e cognome').fill('Lucia Rossi')
  await client.getByLabel('Email').fill(clientEmail)
  await client.getByLabel('Password').fill('corta')
  await client.getByRole('button', { name: 'Crea account' }).click()
  await expect(client.getByText('La password deve avere almeno 10 caratteri.')).toBeVisible()
  await snap(client, 'register-validation')
  await client.getByLabel('Password').fill(PASSWORD)
  await client.getByRole('button', { name: 'Crea account' }).click()
  await expect(client).toHaveURL(/\/firms\/new$/)

  await client.getByRole('button', { name: 'Registra impresa' }).click()
  await expect(client.getByText('Scegli almeno una fase.')).toBeVisible()
  await client.getByLabel('Ragione sociale').fill(unique('Maglificio Rossi '))
  const vat = validVat()
  await client.getByLabel('Partita IVA').fill(vat.slice(0, 10) + String((Number(vat[10]) + 1) % 10))
  await client.getByRole('button', { name: 'Registra impresa' }).click()
  await expect(client.getByText('La cifra di controllo non torna: ricontrolla la partita IVA.')).toBeVisible()
  await snap(client, 'firm-new-validation')
  await client.getByLabel('Partita IVA').fill(vat)
  await client.locator('label.chip', { hasText: 'Maglieria' }).click()
  await client.getByLabel('Regione').selectOption('Toscana')
  await client.getByLabel('Provincia').fill('PO')
  await client.getByRole('button', { name: 'Registra impresa' }).click()
  await expect(client).toHaveURL(/\/firms\/\d+$/)
  await waitLive(client)

  // The supplier's reputation before any contract.
  await client.goto(`/firms/${beta.firmId}`)
  await expect(client.getByTestId('reputation-scores')).toContainText('Nessun punteggio')

  await client.goto('/orders/new')
  await client.getByRole('button', { name: 'Pubblica ordine' }).click()
  await expect(client.getByText('Scrivi un titolo di almeno 3 caratteri.')).toBeVisible()
  await expect(client.getByText('Scegli la fase di lavorazione.')).toBeVisible()
  await expect(client.getByLabel('Quantità')).toHaveAttribute('aria-invalid', 'true')
  await snap(client, 'order-new-validation')
  await client.getByLabel('Titolo').fill(ORDER_TITLE)
  await client.getByLabel('Descrizione').fill('Tintura in capo di maglie in lana merino 100%, colori da cartella Pantone, imballo singolo.')
  await client.getByRole('combobox', { name: /^Fase/ }).selectOption('dyeing')
  await client.getByLabel('Quantità').fill('2000')
  await client.getByLabel('Unità').fill('capi')
  await client.getByLabel('Prezzo unitario indicativo').fill('3,20')
  await client.getByRole('button', { name: 'Pubblica ordine' }).click()
  await expect(client).toHaveURL(/\/orders\/\d+$/)
  const orderUrl = client.url()

  // Both subsuppliers see it appear on their board without reloading, and bid.
  for (const page of [alfaPage, betaPage]) {
    await expect(page.getByTestId('order-card').filter({ hasText: ORDER_TITLE })).toBeVisible()
  }
  await snap(alfaPage, 'board-live')
  await alfaPage.getByRole('link', { name: ORDER_TITLE }).click()
  await alfaPage.getByLabel(/Prezzo unitario/).fill('3,10')
  await alfaPage.getByLabel('Note per il cliente').fill('Campionatura in 3 giorni lavorativi.')
  await alfaPage.getByRole('button', { name: 'Invia offerta' }).click()
  await expect(alfaPage.getByTestId('my-bid')).toBeVisible()
  await snap(alfaPage, 'order-bidder')

  await betaPage.getByRole('link', { name: ORDER_TITLE }).click()
  await betaPage.getByLabel(/Unit price/).fill('2.85')
  await betaPage.getByRole('button', { name: 'Send bid' }).click()
  await expect(betaPage.getByTestId('my-bid')).toContainText('€')

  // The client compares (updated live) and awards the cheaper bid.
  const rows = client.getByTestId('bid-comparison').locator('tbody tr')
  await expect(rows).toHaveCount(2)
  await expect(client.getByTestId('bid-count')).toHaveText('2')
  await snap(client, 'bid-comparison')
  await rows.filter({ hasText: beta.firmName! }).getByRole('button', { name: 'Aggiudica' }).click()
  await client.getByRole('button', { name: 'Conferma aggiudicazione' }).click()
  await expect(client).toHaveURL(/\/contracts\/\d+$/)
  const contractUrl = client.url()

  // The loser is told, on the open page and with a toast.
  await expect(alfaPage.getByTestId('bid-rejected')).toBeVisible()
  await expect(alfaPage.locator('.toast').filter({ hasText: 'La tua offerta non è stata scelta' })).toBeVisible()
  await snap(alfaPage, 'bid-rejected')

  // The winner delivers; the client sees it live and accepts.
  await expect(betaPage.getByText('Congratulations, your bid was chosen!')).toBeVisible()
  await betaPage.getByRole('link', { name: 'Open the contract' }).click()
  await expect(betaPage).toHaveURL(contractUrl)
  await betaPage.getByLabel('Write a message').fill('Partiamo lunedì con la tintura.')
  await betaPage.getByRole('button', { name: 'Send', exact: true }).click()
  await expect(client.getByTestId('messages')).toContainText('Partiamo lunedì con la tintura.')
  await betaPage.getByRole('button', { name: 'Mark as delivered' }).click()
  await expect(betaPage.getByTestId('timeline').locator('.timeline-step.done', { hasText: 'Delivered' })).toBeVisible()
  await snap(betaPage, 'contract-en')
  await client.getByRole('button', { name: 'Accetta la consegna' }).click()
  await expect(client.getByTestId('timeline').locator('.timeline-step.done', { hasText: 'Completato' })).toBeVisible()
  await snap(client, 'contract')

  // Both sides review each other.
  await review(client, ['Qualità', 'Puntualità', 'Comunicazione'], 'Pubblica recensione')
  await betaPage.reload()
  await review(betaPage, ['Quality', 'Timeliness', 'Communication'], 'Publish review')
  await client.reload()
  await expect(client.getByText('La recensione della controparte')).toBeVisible()
  await snap(client, 'contract-reviewed')

  // The supplier's reputation now has a score, explained, with its history.
  await client.goto(`/firms/${beta.firmId}`)
  const scores = client.getByTestId('reputation-scores')
  await expect(scores).toContainText('/100')
  await expect(scores.locator('.score').first()).not.toContainText('Nessun punteggio')
  await expect(client.locator('.reputation svg[role=img]')).toBeVisible()
  await snap(client, 'reputation')

  // Lists and the bell.
  await client.goto('/contracts')
  await expect(client.getByRole('link', { name: ORDER_TITLE })).toBeVisible()
  await snap(client, 'contracts')
  await alfaPage.goto('/notifications')
  await expect(alfaPage.locator('.notification').first()).toBeVisible()
  await snap(alfaPage, 'notifications')
  await client.goto(orderUrl)
  await snap(client, 'order-awarded')

  // Nothing the app needs was refused by the Content-Security-Policy.
  expect(consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([])
})

// Trade conventions (issue 13): a whole journey typed the Italian way — 1.250,5 kg at
// 0,035 € — from the order through a bid, two delivered lots with their DDT, the client's
// checks and billing data, to the FatturaPA invoice; axe over each screen, screenshots.
import { expect, test } from '@playwright/test'
import { apiPatch, contextFor, expectAccessible, createFirm, registerPerson, signIn, snap, unique, waitLive } from './helpers'

const DAY = 86400_000
const italianDay = (d: Date) => `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`

test('an order in Italian formats runs through lots to a FatturaPA invoice', async ({ browser, request }) => {
  test.setTimeout(180_000)
  const client = await createFirm(request, await registerPerson(request, 'Giulia Bisenzio'), 'Lanificio Bisenzio', ['weaving'])
  const dyer = await createFirm(request, await registerPerson(request, 'Paolo Nesti'), 'Tintoria Nesti', ['dyeing'])
  await apiPatch(request, dyer, `/firms/${dyer.firmId}`, { address: 'Via di Gello 14', postal_code: '59100', city: 'Prato', rea: 'PO-512345' })

  // The client posts the order, typing numbers and dates the Italian way.
  const clientPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(clientPage, client)
  await clientPage.goto('/orders/new')
  const title = unique('Tintura filato cardato in rocca, lotto ')
  await clientPage.getByLabel('Titolo').fill(title)
  await clientPage.getByRole('combobox', { name: /^Fase/ }).selectOption('dyeing')
  await clientPage.getByLabel('Quantità').fill('1,250.5')
  await clientPage.getByLabel('Unità').fill('kg')
  await clientPage.getByLabel('Prezzo unitario indicativo').fill('0,035')
  const due = italianDay(new Date(Date.now() + 40 * DAY))
  await clientPage.getByLabel('Consegna entro').fill(due)
  await clientPage.getByLabel('Modalità di pagamento').selectOption('riba')
  await clientPage.getByLabel('Giorni').selectOption('90')
  await clientPage.getByLabel('Tolleranza di consegna (±%)').selectOption('5')
  await clientPage.getByRole('button', { name: 'Pubblica ordine' }).click()
  // "1,250.5" is the English way: in Italian it cannot be read, and the form says how.
  await expect(clientPage.getByText('Non riesco a leggere il numero: scrivilo come 1.250,5.')).toBeVisible()
  await snap(clientPage, 'trade-order-validation')
  await clientPage.getByLabel('Quantità').fill('1.250,5')
  await expectAccessible(clientPage, 'order form')
  await snap(clientPage, 'trade-order-form')
  await clientPage.getByRole('button', { name: 'Pubblica ordine' }).click()
  await expect(clientPage).toHaveURL(/\/orders\/\d+$/)
  await expect(clientPage.getByText('1.250,5 kg')).toBeVisible()
  await expect(clientPage.getByText('0,035 € / kg')).toBeVisible()
  await expect(clientPage.getByTestId('order-terms')).toContainText('Ri.Ba. a 90 giorni fine mese')
  const orderUrl = clientPage.url()

  // The dyer bids 0,0345 €/kg and confirms the client's terms.
  const dyerPage = await (await contextFor(browser, 'it-IT')).newPage()
  await signIn(dyerPage, dyer)
  await dyerPage.goto(orderUrl)
  await dyerPage.getByLabel(/Prezzo unitario/).fill('0,0345')
  await expect(dyerPage.getByText('Totale offerta: 43,14 €')).toBeVisible()
  await expectAccessible(dyerPage, 'bid form')
  await dyerPage.getByRole('button', { name: 'Invia offerta' }).click()
  await expect(dyerPage.getByTestId('my-bid')).toContainText('0,0345 €')
  await expect(dyerPage.getByTestId('my-bid')).toContainText('43,14 €')

  // The client awards: the contract fixes the terms.
  await clientPage.reload()
  await clientPage.getByTestId('bid-comparison').getByRole('button', { name: 'Aggiudica' }).click()
  await clientPage.getByRole('button', { name: 'Conferma aggiudicazione' }).click()
  await expect(clientPage).toHaveURL(/\/contracts\/\d+$/)
  const contractUrl = clientPage.url()
  await expect(clientPage.getByTestId('contract-terms')).toContainText('IVA 22%')
  await waitLive(clientPage)

  // The dyer delivers in two lots, each with its transport document.
  await dyerPage.goto(contractUrl)
  const record = dyerPage.getByRole('form', { name: 'Registra un lotto consegnato' })
  await record.getByLabel('Quantità del lotto').fill('600')
  await record.getByLabel('Numero DDT').fill('101/26')
  await record.getByRole('button', { name: 'Registra il lotto' }).click()
  await expect(dyerPage.getByTestId('lot')).toHaveCount(1)
  await record.getByLabel('Quantità del lotto').fill('750')
  await record.getByLabel('Numero DDT').fill('102/26')
  await record.getByRole('button', { name: 'Registra il lotto' }).click()
  // 600 + 750 = 1.350 > 1.250,5 + 5% (1.313,025): refused, worded from the server's code.
  await expect(dyerPage.getByText(/supererebbe il massimo consentito/)).toBeVisible()
  await record.getByLabel('Quantità del lotto').fill('650,5')
  await record.getByRole('button', { name: 'Registra il lotto' }).click()
  await expect(dyerPage.getByTestId('lot')).toHaveCount(2)
  await expectAccessible(dyerPage, 'contract lots (supplier)')
  await snap(dyerPage, 'trade-contract-lots-supplier')

  // The client checks each lot (live), sending back 0,5 kg of the second.
  await expect(clientPage.getByTestId('lot')).toHaveCount(2)
  await clientPage.getByRole('form', { name: 'Controlla il lotto 101/26' }).getByRole('button', { name: 'Conferma il controllo' }).click()
  await expect(clientPage.getByTestId('lots-progress')).toContainText('Accettati 600 di 1.250,5 kg')
  const second = clientPage.getByRole('form', { name: 'Controlla il lotto 102/26' })
  await second.getByLabel('Accettati').fill('650')
  await second.getByLabel('Scartati').fill('0,5')
  await expectAccessible(clientPage, 'contract lots (client)')
  await snap(clientPage, 'trade-contract-lots-client')
  await second.getByRole('button', { name: 'Conferma il controllo' }).click()
  // 1.250 accepted is within 5% of 1.250,5: the contract is complete.
  await expect(clientPage.getByTestId('lots-progress')).toContainText('Accettati 1.250 di 1.250,5 kg')
  await expect(clientPage.getByRole('button', { name: 'Scarica XML FatturaPA' })).toBeVisible()

  // The client's billing data, from its profile; then the invoice.
  await clientPage.goto(`/firms/${client.firmId}`)
  const billing = clientPage.getByRole('region', { name: 'Dati di fatturazione' })
  await billing.getByRole('button', { name: 'Modifica' }).click()
  await billing.getByLabel('Indirizzo (via e numero)').fill('Via Bologna 252')
  await billing.getByLabel('CAP').fill('59100')
  await billing.getByLabel('Comune').fill('Prato')
  await billing.getByLabel('Codice destinatario SdI').fill('M5UXCR1')
  await expectAccessible(clientPage, 'billing form')
  await billing.getByRole('button', { name: 'Salva i dati di fatturazione' }).click()
  await expect(billing).toContainText('M5UXCR1')
  await snap(clientPage, 'trade-billing')

  await clientPage.goto(contractUrl)
  const download = clientPage.waitForEvent('download')
  await clientPage.getByRole('button', { name: 'Scarica XML FatturaPA' }).click()
  const file = await download
  const xml = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'))
  expect(xml).toContain('<TipoDocumento>TD01</TipoDocumento>')
  expect(xml).toContain('<PrezzoTotale>43.14</PrezzoTotale>')
  expect(xml).toContain('<ImportoTotaleDocumento>52.63</ImportoTotaleDocumento>')
  expect(xml).toContain('<ModalitaPagamento>MP12</ModalitaPagamento>')
  expect(xml).toContain('<NumeroDDT>101/26</NumeroDDT>')
  await snap(clientPage, 'trade-contract-completed')
})

import { expect, test } from '@playwright/test'
import { apiPost, contextFor, createFirm, registerPerson, signIn, snap, STAFF, unique } from './helpers'

function inDays(days: number): string {
  const date = new Date(Date.now() + days * 86400_000)
  return date.toISOString().slice(0, 10)
}

test('staff publish a tariff, a dyer bidding below it is warned and marked, and a phase firm plans its capacity', async ({ browser, request }) => {
  // The association publishes the piece-dyeing tariff from the public tariffs page.
  const staffPage = await (await contextFor(browser)).newPage()
  await signIn(staffPage, STAFF, STAFF.password)
  await staffPage.goto('/tariffs')
  await expect(staffPage.getByRole('heading', { name: 'Tariffe di riferimento' })).toBeVisible()
  const publish = staffPage.getByRole('form', { name: 'Pubblica una tariffa' })
  await publish.getByRole('button', { name: 'Pubblica' }).click()
  await expect(publish.getByText('Indica un prezzo minimo maggiore di zero')).toBeVisible()
  await publish.getByLabel('Lavorazione').selectOption('dyeing')
  await publish.getByLabel('Unità').fill('m')
  await publish.getByLabel('Minimo').fill('1,25')
  await publish.getByLabel('Consigliato').fill('1,70')
  await publish.getByLabel('Nota').fill('Tintura in pezza, colori medi, fissaggio incluso')
  await publish.getByRole('button', { name: 'Pubblica' }).click()
  await expect(staffPage.locator('.toast').filter({ hasText: 'Tariffa pubblicata (versione 1)' })).toBeVisible()
  const table = staffPage.getByTestId('tariffs-table')
  await expect(table).toContainText('1,25 €')
  await expect(table).toContainText('1,70 €')
  await expect(table).toContainText('riservata')
  await snap(staffPage, 'tariffs')

  // A weaver posts a dyeing order; a dyer bids below the minimum.
  const weaver = await createFirm(request, await registerPerson(request, 'Paolo Tessitore'), 'Tessitura Bardazzi', ['weaving'])
  const dyer = await createFirm(request, await registerPerson(request, 'Chen Wei'), 'Tintoria Chen', ['dyeing'])
  const order = await apiPost<{ id: number }>(request, weaver, '/orders', {
    firm_id: weaver.firmId,
    title: unique('Tintura pezza lana cardata '),
    description: 'Blu navy, solidità alla luce 5.',
    phase: 'dyeing',
    quantity: 4000,
    unit: 'm',
    bid_deadline: new Date(Date.now() + 7 * 86400_000).toISOString(),
    delivery_due: inDays(40),
    visibility: 'public',
  })
  const dyerPage = await (await contextFor(browser)).newPage()
  await signIn(dyerPage, dyer)
  await dyerPage.goto(`/orders/${order.id}`)
  await expect(dyerPage.getByText(/Tariffa di riferimento: minimo 1,25/)).toBeVisible()
  await dyerPage.getByLabel('Prezzo unitario (€ / m)').fill('1,10')
  await expect(dyerPage.getByTestId('below-tariff-warning')).toContainText('sotto il minimo')
  await snap(dyerPage, 'bid-below-tariff-warning')
  await dyerPage.getByRole('button', { name: 'Invia offerta' }).click()
  await expect(dyerPage.getByTestId('my-bid').getByTestId('below-tariff-badge')).toBeVisible()
  await snap(dyerPage, 'bid-below-tariff')

  // The client sees the mark on the bid too.
  const clientPage = await (await contextFor(browser)).newPage()
  await signIn(clientPage, weaver)
  await clientPage.goto(`/orders/${order.id}`)
  await expect(clientPage.getByTestId('below-tariff-badge')).toHaveText('Sotto tariffa')
  await snap(clientPage, 'bids-below-tariff')

  // The dyer declares its free capacity for the coming weeks on its own profile.
  await dyerPage.goto(`/firms/${dyer.firmId}`)
  await expect(dyerPage.getByText('Nessuna capacità dichiarata')).toBeVisible()
  await dyerPage.getByRole('button', { name: 'Modifica il calendario' }).click()
  const editor = dyerPage.getByRole('form', { name: 'Modifica il calendario' })
  const cells = editor.getByTestId('capacity-editor').locator('input')
  // The firm's phase comes as a first row (in metres); yarn dyeing by the kilo is added.
  await expect(cells).toHaveCount(12)
  await editor.getByLabel('Unità').fill('kg')
  await editor.getByRole('button', { name: 'Aggiungi lavorazione' }).click()
  await expect(cells).toHaveCount(24)
  for (let week = 0; week < 4; week++) await cells.nth(week).fill(week === 3 ? '1500' : '2500')
  await cells.nth(12).fill('800')
  await cells.nth(4).fill('tanto')
  await editor.getByRole('button', { name: 'Salva il calendario' }).click()
  await expect(editor.getByText(/Quantità non valida/)).toBeVisible()
  await cells.nth(4).fill('')
  await snap(dyerPage, 'capacity-editor')
  await editor.getByRole('button', { name: 'Salva il calendario' }).click()
  await expect(dyerPage.locator('.toast').filter({ hasText: 'Calendario salvato' })).toBeVisible()
  const grid = dyerPage.getByTestId('capacity-grid')
  await expect(grid).toContainText('1.500')
  await expect(grid).toContainText('Tintoria · kg')
  await snap(dyerPage, 'capacity-calendar')

  // Staff follow the awards below the minimum from their console.
  await staffPage.goto('/staff?tab=below-tariff')
  await expect(staffPage.getByText('Nessuna aggiudicazione sotto tariffa')).toBeVisible()
})

function isoWeek(offset: number): string {
  const day = new Date(Date.now() + offset * 7 * 86400_000)
  const utc = new Date(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()))
  utc.setUTCDate(utc.getUTCDate() + 3 - ((utc.getUTCDay() + 6) % 7))
  const year = utc.getUTCFullYear()
  const week = 1 + Math.round((utc.getTime() - Date.UTC(year, 0, 4)) / (7 * 86400_000) + ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7 - 3) / 7)
  return `${year}-W${String(week).padStart(2, '0')}`
}

test('a client sees the district free capacity while posting, and a dyer filters the board by its own', async ({ browser, request }) => {
  // Three finishing firms keep calendars (in metres): enough firms for a district figure.
  const finishers = []
  for (const name of ['Rifinizione Lenzi', 'Finissaggio Santini', 'Garzatura Pieroni']) {
    const firm = await createFirm(request, await registerPerson(request, name), name, ['finishing'])
    const weeks = [0, 1, 2, 3, 4, 5].map((offset) => ({ phase: 'finishing', week: isoWeek(offset), quantity: '3000', unit: 'm' }))
    const response = await request.put(`/api/v1/firms/${firm.firmId}/capacity`, { data: weeks, headers: { Authorization: `Bearer ${firm.token}` } })
    expect(response.ok(), await response.text()).toBeTruthy()
    finishers.push(firm)
  }
  const client = await createFirm(request, await registerPerson(request, 'Giulia Lanificio'), 'Lanificio Cecchi', ['weaving'])
  const clientPage = await (await contextFor(browser)).newPage()
  await signIn(clientPage, client)
  await clientPage.goto('/orders/new')
  await expect(clientPage.getByText('Scegli lavorazione e unità per vedere la capacità libera del distretto.')).toBeVisible()
  await clientPage.getByLabel('Titolo').fill('Finissaggio garzatura 6.000 metri')
  await clientPage.getByRole('combobox', { name: /^Fase/ }).selectOption('finishing')
  await clientPage.getByLabel('Quantità').fill('6000')
  await clientPage.getByLabel('Unità').fill('m')
  await clientPage.getByLabel('Consegna entro').fill(inDays(30))
  const district = clientPage.getByTestId('district-capacity')
  await expect(district).toContainText('9.000 m')
  await expect(district).toContainText('Capacità libera sufficiente')
  await snap(clientPage, 'order-new-district-capacity')
  await clientPage.getByRole('button', { name: 'Pubblica ordine' }).click()
  await expect(clientPage).toHaveURL(/\/orders\/\d+$/)
  const title = 'Finissaggio garzatura 6.000 metri'

  // A finisher with 18.000 m free in the window sees it among the orders that fit.
  const finisherPage = await (await contextFor(browser)).newPage()
  await signIn(finisherPage, finishers[0])
  await finisherPage.goto('/board')
  // The filter goes into the address once the board has loaded its first page: wait for it.
  await expect(finisherPage.getByTestId('order-card').filter({ hasText: title })).toBeVisible()
  await finisherPage.getByTestId('fits-capacity').check()
  await expect(finisherPage).toHaveURL(/fits=1/)
  await expect(finisherPage.getByTestId('order-card').filter({ hasText: title })).toBeVisible()
  await snap(finisherPage, 'board-fits-capacity')
})

import { expect, test } from '@playwright/test'
import { apiPost, contextFor, createFirm, registerPerson, signIn, snap, staffToken, unique, waitLive } from './helpers'

test('a firm votes in a consultation, changes its vote, and sees the results once it closes', async ({ browser, request }) => {
  const staff = await staffToken(request)
  const consultation = await apiPost<{ id: number; title: string }>(request, staff, '/forum/topics', {
    category: 'consultazioni',
    title: unique('Tariffa minima per l’orlatura a 2,10 € al paio '),
    body: 'L’associazione propone un **minimo di riferimento** per l’orlatura di tomaie.\n\n- modello base\n- pelle',
    options: ['Favorevole', 'Contrario', 'Astenuto'],
    closes_at: new Date(Date.now() + 7 * 86400_000).toISOString(),
  })
  const owner = await createFirm(request, await registerPerson(request, 'Marta Orlatura'), 'Orlatura Santini', ['upper_stitching'], 'Marche')
  const page = await (await contextFor(browser)).newPage()
  await signIn(page, owner)
  await waitLive(page)
  await page.getByRole('link', { name: 'Forum', exact: true }).first().click()
  await page.getByRole('button', { name: /Consultazioni/ }).click()
  await page.getByRole('link', { name: consultation.title }).click()
  await expect(page.getByRole('heading', { name: consultation.title })).toBeVisible()
  await expect(page.getByText('I risultati saranno pubblicati alla chiusura.')).toBeVisible()
  await page.getByLabel('Contrario').check()
  await page.getByRole('button', { name: 'Vota', exact: true }).click()
  await expect(page.getByText(`Voto di ${owner.firmName}: «Contrario»`)).toBeVisible()
  // One vote per firm: changing it replaces the firm's vote.
  await page.getByLabel('Favorevole').check()
  await page.getByRole('button', { name: 'Cambia voto' }).click()
  await expect(page.getByText(`Voto di ${owner.firmName}: «Favorevole»`)).toBeVisible()
  await expect(page.getByTestId('consultation-results')).toHaveCount(0)
  await snap(page, 'forum-consultation-open')

  // A consultation that closes in a moment: three firms vote, then the results appear.
  // The voters exist first, so the few seconds it is open only have to cover their votes.
  const voters = []
  for (const [name, option] of [['Tintoria Lenzi', 'Favorevole'], ['Filatura Nesti', 'Favorevole'], ['Tessitura Gori', 'Contrario']] as const) {
    voters.push({ firm: await createFirm(request, await registerPerson(request, `Titolare ${name}`), name, ['weaving']), option })
  }
  const closesAt = Date.now() + 5_000
  const quick = await apiPost<{ id: number; title: string }>(request, staff, '/forum/topics', {
    category: 'consultazioni',
    title: unique('Chiusura collettiva estiva dal 10 al 23 agosto '),
    body: 'Calendario comune di chiusura per le imprese di fase.',
    options: ['Favorevole', 'Contrario'],
    closes_at: new Date(closesAt).toISOString(),
  })
  for (const { firm, option } of voters) await apiPost(request, firm, `/forum/topics/${quick.id}/votes`, { firm_id: firm.firmId, option })
  // Until it has closed (the server's clock is this machine's), not a fixed pause.
  await new Promise((done) => setTimeout(done, Math.max(0, closesAt - Date.now() + 100)))
  await page.goto(`/forum/topics/${quick.id}`)
  const results = page.getByTestId('consultation-results')
  await expect(results).toContainText('Favorevole')
  await expect(results).toContainText('2 voti')
  await expect(results).toContainText('1 voto')
  await expect(page.getByText('3 imprese hanno votato')).toBeVisible()
  await snap(page, 'forum-consultation-results')
})

test('a confidi manager approves a guarantee within the firm’s cap', async ({ browser, request }) => {
  const manager = await registerPerson(request, 'Sara Confidi')
  const confidi = await apiPost<{ id: number; name: string }>(request, manager, '/consortia', {
    name: unique('Confidi Tessile Pratese '),
    description: 'Garanzie sui finanziamenti bancari delle imprese tessili socie.',
    kind: 'credit_guarantee',
  })
  const owner = await createFirm(request, await registerPerson(request, 'Luca Tintoria'), 'Tintoria Bardazzi', ['dyeing'])
  await apiPost(request, owner, `/consortia/${confidi.id}/members`, { firm_id: owner.firmId })
  await apiPost(request, manager, `/consortia/${confidi.id}/members/${owner.firmId}/approve`, {})

  // The firm's owner asks for a guarantee from the consortium page.
  const ownerPage = await (await contextFor(browser)).newPage()
  await signIn(ownerPage, owner)
  await ownerPage.goto(`/consortia/${confidi.id}`)
  await ownerPage.getByRole('tab', { name: 'Garanzie del confidi' }).click()
  await ownerPage.getByLabel('Importo del finanziamento (€)').fill('30.000,00')
  await ownerPage.getByLabel('Finalità').fill('Acquisto di coloranti per la stagione autunno-inverno')
  await ownerPage.getByRole('button', { name: 'Invia la richiesta' }).click()
  await expect(ownerPage.getByTestId('guarantee-status').first()).toHaveText('in attesa')
  await snap(ownerPage, 'confidi-firm-request')

  // The manager sets the cap and approves 50% of it for a year.
  const page = await (await contextFor(browser)).newPage()
  await signIn(page, manager)
  await page.goto(`/consortia/${confidi.id}?tab=guarantees`)
  await page.getByLabel(`Plafond ${owner.firmName}`).fill('20.000,00')
  await page.getByRole('button', { name: 'Salva' }).click()
  await expect(page.locator('table')).toContainText('20.000,00 €')
  await page.getByRole('button', { name: 'Approva' }).click()
  await page.getByLabel('Percentuale garantita (max 80)').fill('85')
  await page.getByRole('button', { name: 'Conferma approvazione' }).click()
  await expect(page.getByText('Tra 0 e 80.')).toBeVisible()
  await page.getByLabel('Percentuale garantita (max 80)').fill('50')
  await page.getByRole('button', { name: 'Conferma approvazione' }).click()
  await expect(page.getByText('Nessuna richiesta in attesa.')).toBeVisible()
  const caps = page.locator('table')
  await expect(caps).toContainText('15.000,00 €')
  await expect(caps).toContainText('5.000,00 €')
  await snap(page, 'confidi-manager')

  // The firm sees the decision live.
  await expect(ownerPage.getByTestId('guarantee-status').first()).toHaveText('approvata', { timeout: 15_000 })
})

test('a topic written in Chinese displays, and a reply is previewed from the server’s sanitised HTML', async ({ browser, request }) => {
  const owner = await createFirm(request, await registerPerson(request, 'Wang Li'), 'Confezioni Hua Xing', ['stitching'])
  const title = unique('关于DURC和新的缝纫参考价格的问题 ')
  await apiPost(request, owner, '/forum/topics', {
    category: 'abbigliamento',
    title,
    body: '请问协会：新的**缝纫参考价格**从什么时候开始适用？我们的DURC需要更新吗？',
  })
  const reader = await createFirm(request, await registerPerson(request, 'Giovanni Cecchi'), 'Confezioni Cecchi', ['stitching'])
  const page = await (await contextFor(browser)).newPage()
  await signIn(page, reader)
  await page.goto('/forum?q=DURC')
  await expect(page.getByRole('link', { name: title })).toBeVisible()
  await snap(page, 'forum-search')
  await page.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.locator('article strong', { hasText: '缝纫参考价格' })).toBeVisible()
  await page.getByLabel('La tua risposta').last().fill('Valgono dal 1° gennaio. <script>alert(1)</script> [modulo](javascript:alert(1))')
  await page.getByRole('button', { name: 'Anteprima' }).last().click()
  const preview = page.getByTestId('markdown-preview')
  await expect(preview).toContainText('Valgono dal 1° gennaio.')
  await expect(preview).toContainText('<script>alert(1)</script>')
  await expect(preview.locator('script')).toHaveCount(0)
  await expect(preview.locator('a')).toHaveCount(0)
  await page.getByRole('button', { name: 'Scrivi' }).last().click()
  await page.getByLabel('La tua risposta').last().fill('Valgono dal 1° gennaio: vedi gli **annunci** dell’associazione.')
  await page.getByRole('button', { name: 'Invia risposta' }).click()
  await expect(page.locator('.post strong', { hasText: 'annunci' })).toBeVisible()
  await snap(page, 'forum-topic-chinese')
})

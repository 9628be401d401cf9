import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { apiPost, contextFor, createFirm, registerPerson, signIn, snap, unique, waitLive } from './helpers'

test('a member firm joins a consortium and signs up to its trade fair, with the cost split and a calendar file', async ({ browser, request }) => {
  // The consortium's secretary sets it up; one member firm is already signed up to the fair.
  const secretary = await registerPerson(request, 'Giulia Segreteria')
  const consortium = await apiPost<{ id: number; name: string }>(request, secretary, '/consortia', {
    name: unique('Consorzio Export Tessile Pratese '),
    description: 'Partecipazioni collettive alle fiere internazionali del tessile.',
    kind: 'export',
  })
  const start = new Date(Date.now() + 60 * 86400_000)
  const day = (d: Date) => d.toISOString().slice(0, 10)
  const fair = await apiPost<{ id: number; name: string }>(request, secretary, `/consortia/${consortium.id}/trade-fairs`, {
    name: unique('Milano Unica '),
    venue: 'Fiera Milano Rho',
    city: 'Milano',
    country: 'Italia',
    starts_on: day(start),
    ends_on: day(new Date(start.getTime() + 2 * 86400_000)),
    signup_deadline: new Date(Date.now() + 30 * 86400_000).toISOString(),
    total_cost: '48500.00',
    booth_area_m2: 120,
    cost_split: 'equal',
    max_firms: 8,
  })
  const early = await createFirm(request, await registerPerson(request, 'Paolo Lanificio'), 'Lanificio Bianchi', ['spinning'])
  await apiPost(request, early, `/consortia/${consortium.id}/members`, { firm_id: early.firmId })
  await apiPost(request, secretary, `/consortia/${consortium.id}/members/${early.firmId}/approve`, {})
  await apiPost(request, early, `/trade-fairs/${fair.id}/participations`, { firm_id: early.firmId })

  // A firm owner asks to join through the directory…
  const owner = await createFirm(request, await registerPerson(request, 'Anna Tessitura'), 'Tessitura Verdi', ['weaving'])
  const page = await (await contextFor(browser)).newPage()
  await signIn(page, owner)
  await waitLive(page)
  await page.goto('/consortia')
  await page.getByRole('link', { name: consortium.name }).click()
  await page.getByRole('button', { name: 'Chiedi di entrare' }).click()
  await expect(page.getByText(/in attesa di approvazione/)).toBeVisible()
  await snap(page, 'consortium-pending')

  // …the secretary approves it…
  const secretaryPage = await (await contextFor(browser)).newPage()
  await signIn(secretaryPage, secretary)
  await secretaryPage.goto(`/consortia/${consortium.id}`)
  await secretaryPage.getByRole('button', { name: 'Approva' }).click()
  await expect(secretaryPage.getByRole('link', { name: owner.firmName! })).toBeVisible()
  await snap(secretaryPage, 'consortium-manager')

  // …and the firm hears it live, then signs up to the fair.
  await expect(page.getByText(/è socia del consorzio/)).toBeVisible()
  await page.getByRole('tab', { name: 'Fiere' }).click()
  await page.getByRole('link', { name: fair.name }).click()
  await page.getByRole('button', { name: 'Iscrivi la mia impresa' }).click()
  await expect(page.getByText('La tua impresa è iscritta.')).toBeVisible()
  const costs = page.getByTestId('cost-table')
  await expect(costs.locator('tbody tr')).toHaveCount(2)
  await expect(costs.locator('tbody')).toContainText('24.250,00 €')
  await expect(costs.locator('tfoot')).toContainText('48.500,00 €')
  await snap(page, 'trade-fair')

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /calendario/ }).click()])
  const ics = readFileSync((await download.path())!, 'utf8')
  expect(ics).toContain('BEGIN:VCALENDAR')
  expect(ics).toContain('Milano')

  // Training: a one-seat course; the second person enrolled waits, and sees where.
  const lesson = new Date(Date.now() + 20 * 86400_000)
  const course = await apiPost<{ id: number; title: string }>(request, secretary, `/consortia/${consortium.id}/courses`, {
    title: unique('Sicurezza sulle macchine di tintoria '),
    description: 'Corso obbligatorio per addetti.',
    capacity: 1,
    enrol_deadline: new Date(Date.now() + 10 * 86400_000).toISOString(),
    sessions: [{ starts_at: lesson.toISOString(), ends_at: new Date(lesson.getTime() + 4 * 3600_000).toISOString(), location: 'Sede del consorzio, Prato' }],
  })
  await page.goto(`/courses/${course.id}`)
  await page.getByRole('button', { name: 'Iscrivi', exact: true }).click()
  const enrolments = page.getByTestId('enrolments')
  await expect(enrolments.locator('li')).toHaveCount(1)
  await expect(enrolments).toContainText('Iscritto')
  await page.getByLabel('Nome e cognome').fill('Marco Verdi')
  await page.getByLabel('Email').fill('marco.verdi@e2e.distretto.it')
  await page.getByRole('button', { name: 'Metti in lista d’attesa' }).click()
  await expect(enrolments.locator('li').filter({ hasText: 'Marco Verdi' })).toContainText('posizione 1')
  await snap(page, 'course')
})

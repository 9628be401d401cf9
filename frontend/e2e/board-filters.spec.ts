import { expect, test, type Locator, type Page } from '@playwright/test'
import { apiPost, consoleErrors, contextFor, createFirm, registerPerson, signIn, snap, unique } from './helpers'

test.beforeEach(() => {
  consoleErrors.length = 0
})

const DAY = 86400_000

/** Clicks the box and reads it back before the browser does anything else: what the person
 * sees right after the click. A box bound only to the address (which the router applies in
 * a transition, later) reads back its old state here. */
async function clickAndRead(box: Locator): Promise<boolean> {
  return box.evaluate((input: HTMLInputElement) => {
    input.click()
    return input.checked
  })
}

function card(page: Page, title: string): Locator {
  return page.getByTestId('order-card').filter({ hasText: title })
}

test('the board filters stay as clicked while a slow board answers, and the results follow them', async ({ browser, request }) => {
  test.setTimeout(120_000)
  const mine = await createFirm(request, await registerPerson(request, 'Giulia Bardi'), 'Maglificio Bardi', ['knitting'])
  const other = await createFirm(request, await registerPerson(request, 'Piero Lenzi'), 'Confezioni Lenzi', ['apparel'])
  const post = (person: typeof mine, title: string, phase: string) =>
    apiPost(request, person, '/orders', {
      firm_id: person.firmId,
      title,
      description: 'Lotto di prova per i filtri della bacheca.',
      phase,
      quantity: 500,
      unit: 'capi',
      bid_deadline: new Date(Date.now() + 7 * DAY).toISOString(),
      delivery_due: new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10),
      visibility: 'public',
    })
  const myDyeing = unique('Tintura filati cashmere ')
  const myWeaving = unique('Tessitura jacquard ')
  const theirDyeing = unique('Tintura capi finiti ')
  await post(mine, myDyeing, 'dyeing')
  await post(mine, myWeaving, 'weaving')
  await post(other, theirDyeing, 'dyeing')

  const page = await (await contextFor(browser)).newPage()
  await signIn(page, mine)
  await page.goto('/board')
  for (const title of [myDyeing, myWeaving, theirDyeing]) await expect(card(page, title)).toBeVisible()

  // From now on every board page answers a second and a half late.
  await page.route(
    (url) => url.pathname === '/api/v1/orders',
    async (route) => {
      await new Promise((done) => setTimeout(done, 1500))
      await route.continue().catch(() => undefined) // the page may have moved on and cancelled it
    },
  )

  const mineBox = page.getByTestId('board-mine')
  const fitsBox = page.getByTestId('fits-capacity')
  const phase = page.getByLabel('Fase', { exact: true })

  // "Mine": the box is ticked at once and stays ticked; the board then shows only our orders.
  expect(await clickAndRead(mineBox)).toBe(true)
  await expect(mineBox).toBeChecked()
  await expect(page).toHaveURL(/mine=1/)
  await expect(card(page, myDyeing)).toBeVisible()
  await expect(card(page, myWeaving)).toBeVisible()
  await expect(card(page, theirDyeing)).toHaveCount(0)
  await expect(mineBox).toBeChecked()

  // Two changes before the address catches up with the first: both hold.
  await page.evaluate(() => {
    const box = document.querySelector<HTMLInputElement>('[data-testid="board-mine"]')!
    box.click()
    const select = document.querySelector<HTMLSelectElement>('#board-phase')!
    select.value = 'dyeing'
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
  await expect(mineBox).not.toBeChecked()
  await expect(phase).toHaveValue('dyeing')
  await expect(page).toHaveURL(/phase=dyeing/)
  await expect(page).not.toHaveURL(/mine=1/)
  await expect(card(page, myDyeing)).toBeVisible()
  await expect(card(page, theirDyeing)).toBeVisible()
  await expect(card(page, myWeaving)).toHaveCount(0)
  await expect(mineBox).not.toBeChecked()
  await expect(phase).toHaveValue('dyeing')

  // "Fits my capacity" (the firm declared none: nothing fits) takes "mine"'s place.
  await mineBox.check()
  await expect(page).toHaveURL(/mine=1/)
  expect(await clickAndRead(fitsBox)).toBe(true)
  await expect(mineBox).not.toBeChecked()
  await expect(page).toHaveURL(/fits=1/)
  await expect(page).not.toHaveURL(/mine=1/)
  await expect(page.getByText('Nessun ordine da mostrare')).toBeVisible()
  await expect(page.getByTestId('order-card')).toHaveCount(0)
  await expect(fitsBox).toBeChecked()
  await expect(phase).toHaveValue('dyeing')

  // An address opened afresh sets the filters.
  await fitsBox.uncheck()
  await expect(page).not.toHaveURL(/fits=1/)
  await page.goto('/board?mine=1')
  await expect(mineBox).toBeChecked()
  await expect(phase).toHaveValue('')
  await expect(card(page, myWeaving)).toBeVisible()
  await snap(page, 'board-filters')
  expect(consoleErrors).toEqual([])
})

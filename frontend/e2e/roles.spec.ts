// Every role's main pages in Italian, English and Chinese, at desktop and phone width:
// a screenshot of each for people to look at, and axe-core over each page with zero
// serious or critical violations. One test per locale and role, so no test is long and
// the workers share the tours out.
import { expect, test as base, type Browser } from '@playwright/test'
import { consortiumDistrict, contextFor, DESKTOP, expectAccessible, PHONE, screenshot, signIn, STAFF, tradedDistrict } from './helpers'

const LOCALES = [
  { tag: 'it-IT', code: 'it', lang: 'it' },
  { tag: 'en-GB', code: 'en', lang: 'en' },
  { tag: 'zh-CN', code: 'zh', lang: 'zh-Hans' },
] as const

interface Districts {
  market: Awaited<ReturnType<typeof tradedDistrict>> & { contract: { id: number } }
  consortia: Awaited<ReturnType<typeof consortiumDistrict>>
}

// The tours only read, so a worker builds each district once and every locale's tour of
// it reuses it (a district is ~20 API calls, most of them password hashes).
const test = base.extend<object, Districts>({
  market: [
    async ({ playwright }, use, workerInfo) => {
      const request = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL })
      const market = await tradedDistrict(request)
      const awarded = await request.post(`/api/v1/orders/${market.order.id}/award`, {
        data: { bid_id: market.bid.id },
        headers: { Authorization: `Bearer ${market.client.token}` },
      })
      expect(awarded.ok(), `award → ${awarded.status()} ${await awarded.text()}`).toBeTruthy()
      const contract = (await awarded.json()) as { id: number }
      await request.dispose()
      await use({ ...market, contract })
    },
    { scope: 'worker' },
  ],
  consortia: [
    async ({ playwright }, use, workerInfo) => {
      const request = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL })
      const consortia = await consortiumDistrict(request)
      await request.dispose()
      await use(consortia)
    },
    { scope: 'worker' },
  ],
})

async function tour(browser: Browser, locale: (typeof LOCALES)[number], role: string, who: { email: string } | null, pages: string[], password?: string) {
  const context = await contextFor(browser, locale.tag)
  const page = await context.newPage()
  if (who) await signIn(page, who, password)
  for (const path of pages) {
    await page.setViewportSize(DESKTOP)
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', locale.lang)
    // The phone layout is another page for axe: the menu folds, tables become cards.
    // Scanned and saved at each width in turn, so the page is laid out once per width.
    const name = `${locale.code}-${role}-${path.replace(/[/?=&]+/g, '_').replace(/^_|_$/g, '') || 'home'}`
    for (const label of ['desktop', 'phone'] as const) {
      if (label === 'phone') await page.setViewportSize(PHONE)
      await expectAccessible(page, `${role} ${path} (${locale.code}, ${label})`)
      await screenshot(page, name, label)
    }
  }
  await context.close()
}

for (const locale of LOCALES) {
  test.describe(`every role's main pages in ${locale.code}: screenshots and axe`, () => {
    test('visitor', async ({ browser }) => {
      await tour(browser, locale, 'visitor', null, ['/', '/firms', '/consortia', '/observatory', '/tariffs', '/forum', '/signin'])
    })

    test('final firm', async ({ browser, market }) => {
      await tour(browser, locale, 'final-firm', market.client, ['/board', `/orders/${market.order.id}`, `/contracts/${market.contract.id}`, '/orders/new', `/firms/${market.client.firmId}`, '/notifications'])
    })

    test('supplier', async ({ browser, market }) => {
      await tour(browser, locale, 'supplier', market.dyer, ['/board', `/orders/${market.order.id}`, '/contracts', `/contracts/${market.contract.id}`, `/firms/${market.dyer.firmId}`])
    })

    test('consortium secretary', async ({ browser, consortia }) => {
      await tour(browser, locale, 'secretary', consortia.secretary, ['/secretariat', `/consortia/${consortia.consortium.id}`, `/trade-fairs/${consortia.fair.id}`, `/courses/${consortia.course.id}`])
    })

    test('association officer', async ({ browser }) => {
      await tour(browser, locale, 'officer', STAFF, ['/staff', '/staff?tab=firms', '/staff?tab=disputes', '/staff?tab=documents', '/staff?tab=audit', '/staff?tab=below-tariff'], STAFF.password)
    })
  })
}

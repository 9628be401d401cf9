// Every role's main pages in Italian, English and Chinese, at desktop and phone width:
// a screenshot of each for people to look at, and axe-core over each page with zero
// serious or critical violations.
import { expect, test, type Browser } from '@playwright/test'
import { consortiumDistrict, contextFor, DESKTOP, expectAccessible, PHONE, screenshot, signIn, STAFF, tradedDistrict } from './helpers'

const LOCALES = [
  { tag: 'it-IT', code: 'it', lang: 'it', board: 'Bacheca' },
  { tag: 'en-GB', code: 'en', lang: 'en', board: 'Board' },
  { tag: 'zh-CN', code: 'zh', lang: 'zh-Hans', board: '订单广场' },
] as const

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
  test(`every role's main pages in ${locale.code}: screenshots and axe`, async ({ browser, request }) => {
    test.setTimeout(600_000)
    const market = await tradedDistrict(request)
    const consortia = await consortiumDistrict(request)
    const contract = await (
      await request.post(`/api/v1/orders/${market.order.id}/award`, {
        data: { bid_id: market.bid.id },
        headers: { Authorization: `Bearer ${market.client.token}` },
      })
    ).json()

    await tour(browser, locale, 'visitor', null, ['/', '/firms', '/consortia', '/observatory', '/tariffs', '/forum', '/signin'])
    await tour(browser, locale, 'final-firm', market.client, ['/board', `/orders/${market.order.id}`, `/contracts/${contract.id}`, '/orders/new', `/firms/${market.client.firmId}`, '/notifications'])
    await tour(browser, locale, 'supplier', market.dyer, ['/board', `/orders/${market.order.id}`, '/contracts', `/contracts/${contract.id}`, `/firms/${market.dyer.firmId}`])
    await tour(browser, locale, 'secretary', consortia.secretary, ['/secretariat', `/consortia/${consortia.consortium.id}`, `/trade-fairs/${consortia.fair.id}`, `/courses/${consortia.course.id}`])
    await tour(browser, locale, 'officer', STAFF, ['/staff', '/staff?tab=firms', '/staff?tab=disputes', '/staff?tab=documents', '/staff?tab=audit', '/staff?tab=below-tariff'], STAFF.password)
  })
}

// Every role's main pages in Italian, English and Chinese, at desktop and phone width:
// a screenshot of each for people to look at, and axe-core over each page with zero
// serious or critical violations.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { consortiumDistrict, contextFor, DESKTOP, PHONE, signIn, snap, STAFF, tradedDistrict } from './helpers'

const LOCALES = [
  { tag: 'it-IT', code: 'it', lang: 'it', board: 'Bacheca' },
  { tag: 'en-GB', code: 'en', lang: 'en', board: 'Board' },
  { tag: 'zh-CN', code: 'zh', lang: 'zh-Hans', board: '订单广场' },
] as const

async function accessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const described = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`)
  expect(described, `axe on ${name}`).toEqual([])
}

async function tour(browser: Browser, locale: (typeof LOCALES)[number], role: string, who: { email: string } | null, pages: string[], password?: string) {
  const context = await contextFor(browser, locale.tag)
  const page = await context.newPage()
  if (who) await signIn(page, who, password)
  for (const path of pages) {
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', locale.lang)
    await page.waitForLoadState('networkidle')
    await accessible(page, `${role} ${path} (${locale.code}, desktop)`)
    // The phone layout is another page for axe: the menu folds, tables become cards.
    await page.setViewportSize(PHONE)
    await accessible(page, `${role} ${path} (${locale.code}, phone)`)
    await page.setViewportSize(DESKTOP)
    await snap(page, `${locale.code}-${role}-${path.replace(/[/?=&]+/g, '_').replace(/^_|_$/g, '') || 'home'}`)
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

// The account pages share one form: the same card, one heading, labelled fields and a
// submit button as wide as the form, at desktop and at phone width, and no serious or
// critical axe finding.
import { expect, test } from '@playwright/test'
import { consoleErrors, contextFor, DESKTOP, expectAccessible, PHONE, snap } from './helpers'

test.beforeEach(() => {
  consoleErrors.length = 0
})

const PAGES = [
  { path: '/signin', name: 'signin', fields: 2 },
  { path: '/register', name: 'register', fields: 3 },
  { path: '/forgot-password', name: 'forgot-password', fields: 1 },
  { path: '/reset-password?token=not-a-real-token', name: 'reset-password', fields: 2 },
]

for (const locale of ['it-IT', 'en-GB', 'zh-CN']) {
  test(`account pages share one form in ${locale}`, async ({ browser }) => {
    const page = await (await contextFor(browser, locale)).newPage()
    for (const { path, name, fields } of PAGES) {
      await page.goto(path)
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport)
        const card = page.locator('.auth-card')
        await expect(card).toHaveCount(1)
        await expect(card.getByRole('heading', { level: 1 })).toHaveCount(1)
        const form = card.locator('form')
        await expect(form.locator('input')).toHaveCount(fields)
        for (const input of await form.locator('input').all()) await expect(input).toHaveAccessibleName(/\S/)
        const submit = form.locator('button[type=submit]')
        await expect(submit).toHaveClass(/btn-primary/)
        const [formBox, buttonBox, cardBox] = [await form.boundingBox(), await submit.boundingBox(), await card.boundingBox()]
        expect(Math.abs((buttonBox?.width ?? 0) - (formBox?.width ?? -1))).toBeLessThan(1)
        // The card fits the screen: nothing cut off at phone width.
        expect((cardBox?.x ?? -1) >= 0 && (cardBox?.x ?? 0) + (cardBox?.width ?? Infinity) <= viewport.width).toBe(true)
        await expectAccessible(page, `${path} at ${viewport.width}px`)
      }
      if (locale === 'it-IT') await snap(page, `auth-${name}`)
    }
    expect(consoleErrors).toEqual([])
  })
}

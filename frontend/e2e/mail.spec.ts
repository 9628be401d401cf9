// Email: alerts from the board's filters, notification settings, an invitation that
// registers a colleague into the firm, and a forgotten password reset through the link
// the server mailed (written as .eml files in E2E_MAIL_DIR: no SMTP server needed).
import { expect, test } from '@playwright/test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { contextFor, expectAccessible, createFirm, PASSWORD, registerPerson, signIn, snap, unique } from './helpers'

/** Undoes quoted-printable (soft line breaks, =XX bytes) well enough to read links. */
function unquote(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

/** The token of the newest mailed link to `path` for `address` (waits for the sender). */
async function mailedLink(address: string, path: string): Promise<string> {
  const folder = process.env.E2E_MAIL_DIR
  expect(folder, 'E2E_MAIL_DIR is set by playwright.config.ts').toBeTruthy()
  let token = ''
  await expect
    .poll(
      () => {
        for (const name of readdirSync(folder!).sort().reverse()) {
          const text = unquote(readFileSync(join(folder!, name), 'latin1'))
          if (!text.includes(`To: ${address}`)) continue
          const found = text.match(new RegExp(`/${path}\\?token=([A-Za-z0-9_\\-]+)`))
          if (found) {
            token = found[1]!
            return true
          }
        }
        return false
      },
      { timeout: 30_000, message: `a mail to ${address} with a /${path} link` },
    )
    .toBe(true)
  return token
}

test('alerts from the board, notification settings, an invitation and a password reset', async ({ browser, request }) => {
  const owner = await createFirm(request, await registerPerson(request, 'Lucia Bardazzi'), 'Lanificio Bardazzi', ['weaving'])
  const page = await (await contextFor(browser)).newPage()
  await signIn(page, owner)

  // "Avvisami" saves the board's current filters as a search.
  await page.goto('/board?phase=dyeing&region=Toscana')
  await page.getByTestId('alert-me').click()
  await expect(page.locator('.toast').filter({ hasText: 'Ti avviseremo dei nuovi ordini come questi' })).toBeVisible()

  // Settings: a daily summary in English, without contract messages.
  await page.goto('/settings/notifications')
  await expect(page.getByRole('heading', { name: 'Avvisi via email' })).toBeVisible()
  await expect(page.locator('.saved-search')).toContainText('Toscana')
  await page.getByText('Riepilogo del giorno').click()
  await page.getByLabel('Lingua delle email').selectOption('en')
  await page.getByLabel('Messaggi sui contratti').uncheck()
  await expectAccessible(page, 'settings')
  await snap(page, 'mail-settings')
  await page.getByRole('button', { name: 'Salva le preferenze' }).click()
  await expect(page.locator('.toast').filter({ hasText: 'Preferenze salvate' })).toBeVisible()
  await page.reload()
  await expect(page.getByLabel('Messaggi sui contratti')).not.toBeChecked()
  await expect(page.getByLabel('Lingua delle email')).toHaveValue('en')

  // The owner invites a colleague as manager; the invitation is pending.
  const colleague = `${unique('giulia.bardazzi')}@e2e.distretto.it`
  await page.goto(`/firms/${owner.firmId}`)
  const invites = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Inviti in attesa' }) })
  await invites.getByLabel('Email').fill(colleague)
  await invites.getByLabel('Ruolo').selectOption('manager')
  await invites.getByRole('button', { name: 'Invia l’invito' }).click()
  await expect(invites.getByText(`Invito inviato a ${colleague}`)).toBeVisible()
  await expect(invites.locator('.saved-search')).toContainText(colleague)
  await snap(page, 'mail-firm-invitations')

  // The colleague opens the mailed link, without an account, and registers into the firm.
  const invitation = await mailedLink(colleague, 'invitation')
  const newcomer = await (await contextFor(browser)).newPage()
  await newcomer.goto(`/invitation?token=${invitation}`)
  await expect(newcomer.getByText(/come Responsabile/)).toBeVisible()
  await expectAccessible(newcomer, 'invitation')
  await snap(newcomer, 'mail-invitation')
  await newcomer.getByLabel('Nome e cognome').fill('Giulia Bardazzi')
  await newcomer.locator('input[type=password]').fill(PASSWORD)
  await newcomer.getByRole('button', { name: 'Crea il tuo account' }).click()
  await expect(newcomer).toHaveURL(new RegExp(`/firms/${owner.firmId}$`))
  await page.reload()
  await expect(invites.getByText('Nessun invito in attesa.')).toBeVisible()

  // Forgotten password: the same answer for anyone, then the mailed link, once.
  const anonymous = await (await contextFor(browser)).newPage()
  await anonymous.goto('/signin')
  await anonymous.getByRole('link', { name: 'Password dimenticata?' }).click()
  // The page is loaded on demand: until it shows, the sign-in form (with its own Email
  // field) is still on screen, and a fill would land there.
  await expect(anonymous.getByRole('heading', { name: 'Password dimenticata' })).toBeVisible()
  await anonymous.getByLabel('Email').fill(owner.email)
  await expectAccessible(anonymous, 'forgotten password')
  await anonymous.getByRole('button', { name: 'Mandami il link' }).click()
  await expect(anonymous.getByText(/riceverai a breve un’email/)).toBeVisible()
  await snap(anonymous, 'mail-forgot-password')
  const reset = await mailedLink(owner.email, 'reset-password')
  await anonymous.goto(`/reset-password?token=${reset}`)
  await anonymous.getByLabel('Nuova password').fill('una-password-nuova-2026')
  await anonymous.getByLabel('Ripeti la password').fill('una-password-diversa')
  await anonymous.getByRole('button', { name: 'Salva la password' }).click()
  await expect(anonymous.getByText('Le due password non coincidono')).toBeVisible()
  await anonymous.getByLabel('Ripeti la password').fill('una-password-nuova-2026')
  await expectAccessible(anonymous, 'reset password')
  await snap(anonymous, 'mail-reset-password')
  await anonymous.getByRole('button', { name: 'Salva la password' }).click()
  await expect(anonymous.getByText('Password cambiata.', { exact: false })).toBeVisible()
  await signIn(anonymous, owner, 'una-password-nuova-2026')

  // The link works once.
  await anonymous.goto(`/reset-password?token=${reset}`)
  await anonymous.getByLabel('Nuova password').fill('ancora-un-altra-password')
  await anonymous.getByLabel('Ripeti la password').fill('ancora-un-altra-password')
  await anonymous.getByRole('button', { name: 'Salva la password' }).click()
  await expect(anonymous.getByText(/già stato usato o è scaduto/)).toBeVisible()

  // An unsubscribe link that was tampered with is refused, kindly.
  await anonymous.goto('/unsubscribe?token=1.all.99999999999.forged')
  await anonymous.getByRole('button', { name: 'Sì, disiscrivimi' }).click()
  await expect(anonymous.getByText(/non è valido o è scaduto/)).toBeVisible()
  await expectAccessible(anonymous, 'unsubscribe')
  await snap(anonymous, 'mail-unsubscribe-refused')
})

for (const locale of [
  { tag: 'en-GB', code: 'en', settings: 'Email alerts', forgot: 'Forgotten password' },
  { tag: 'zh-CN', code: 'zh', settings: '邮件提醒', forgot: '忘记密码' },
]) {
  test(`mail screens in ${locale.code}: screenshots and axe`, async ({ browser, request }) => {
    const person = await createFirm(request, await registerPerson(request, 'Marco Lenzi'), 'Tintoria Lenzi', ['dyeing'])
    const page = await (await contextFor(browser, locale.tag)).newPage()
    await signIn(page, person)
    await page.goto('/board?phase=dyeing')
    await page.getByTestId('alert-me').click()
    await page.goto('/settings/notifications')
    await expect(page.getByRole('heading', { name: locale.settings, exact: true })).toBeVisible()
    await expect(page.locator('.saved-search')).toHaveCount(1)
    await expectAccessible(page, `settings ${locale.code}`)
    await snap(page, `mail-settings-${locale.code}`)
    const anonymous = await (await contextFor(browser, locale.tag)).newPage()
    await anonymous.goto('/forgot-password')
    await expect(anonymous.getByRole('heading', { name: locale.forgot })).toBeVisible()
    await expectAccessible(anonymous, `forgot ${locale.code}`)
    await snap(anonymous, `mail-forgot-${locale.code}`)
  })
}

import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test'
import axe from 'axe-core'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PASSWORD = 'correct-horse-battery'
export const STAFF = { email: process.env.E2E_STAFF_EMAIL ?? 'staff@e2e.distretto.it', password: process.env.E2E_STAFF_PASSWORD ?? 'staff-password-e2e' }
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots')
export const DESKTOP = { width: 1366, height: 900 }
export const PHONE = { width: 390, height: 844 }

// Names, emails and VAT numbers count up from the start time; the parallel workers
// (TEST_PARALLEL_INDEX, below WORKER_STRIDE) each take every WORKER_STRIDE-th number from
// it, so two workers started in the same millisecond never register the same email.
const WORKER_STRIDE = 10
let counter = (Date.now() % 1_000_000) * WORKER_STRIDE + Number(process.env.TEST_PARALLEL_INDEX ?? 0)

export function unique(prefix: string): string {
  counter += WORKER_STRIDE
  return `${prefix}${counter}`
}

/** A valid Italian VAT number (partita IVA) nobody else in this run has. */
export function validVat(): string {
  counter += WORKER_STRIDE
  const base = `${String(1_000_000 + (counter % 8_999_999)).slice(-7)}048`
  let total = 0
  for (let i = 0; i < 10; i++) {
    let digit = Number(base[i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    total += digit
  }
  return base + String((10 - (total % 10)) % 10)
}

export interface Person {
  email: string
  name: string
  token: string
  firmId?: number
  firmName?: string
}

async function ok<T>(response: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(response.ok(), `${response.url()} → ${response.status()} ${await response.text()}`).toBeTruthy()
  return (await response.json()) as T
}

/** Registers through the API (the registration screen has its own test). */
export async function registerPerson(api: APIRequestContext, name: string): Promise<Person> {
  const email = `${unique(name.toLowerCase().replace(/\W+/g, '.'))}@e2e.distretto.it`
  await ok(await api.post('/api/v1/auth/register', { data: { email, password: PASSWORD, full_name: name } }))
  const tokens = await ok<{ access_token: string }>(await api.post('/api/v1/auth/token', { form: { username: email, password: PASSWORD } }))
  return { email, name, token: tokens.access_token }
}

// A province of each region the specs use: the server checks it belongs to the region.
const PROVINCE_OF: Record<string, string> = { Toscana: 'PO', Marche: 'FM', Veneto: 'TV', Lombardia: 'VA', Campania: 'NA', Puglia: 'BA' }

export async function createFirm(api: APIRequestContext, person: Person, name: string, phases: string[], region = 'Toscana'): Promise<Person> {
  const firm = await ok<{ id: number; name: string }>(
    await api.post('/api/v1/firms', {
      data: { name: unique(`${name} `), vat_number: validVat(), phases, region, province: PROVINCE_OF[region] ?? null, size_class: 'small', description: `${name}: lavorazioni conto terzi.` },
      headers: { Authorization: `Bearer ${person.token}` },
    }),
  )
  return { ...person, firmId: firm.id, firmName: firm.name }
}

export async function apiPost<T>(api: APIRequestContext, person: Person, path: string, data: unknown): Promise<T> {
  return ok<T>(await api.post(`/api/v1${path}`, { data, headers: { Authorization: `Bearer ${person.token}` } }))
}

export async function apiPatch<T>(api: APIRequestContext, person: Person, path: string, data: unknown): Promise<T> {
  return ok<T>(await api.patch(`/api/v1${path}`, { data, headers: { Authorization: `Bearer ${person.token}` } }))
}

export async function staffToken(api: APIRequestContext): Promise<Person> {
  const tokens = await ok<{ access_token: string }>(await api.post('/api/v1/auth/token', { form: { username: STAFF.email, password: STAFF.password } }))
  return { email: STAFF.email, name: 'Staff', token: tokens.access_token }
}

/** Console errors of every page, so a test can assert the app ran clean (no CSP refusals). */
export const consoleErrors: string[] = []

// The requests each page of contextFor has in flight (the live websocket is not one), so
// settled() can wait for the last answer instead of for networkidle's fixed half second of
// silence after it (measured: 0.52 s a page, a third of a role tour).
const inFlight = new WeakMap<Page, Set<Request>>()

function trackRequests(page: Page): void {
  const pending = new Set<Request>()
  inFlight.set(page, pending)
  page.on('request', (request) => pending.add(request))
  page.on('requestfinished', (request) => pending.delete(request))
  page.on('requestfailed', (request) => pending.delete(request))
}

/** A browser context of its own for one person (own storage, own websocket). */
export async function contextFor(browser: Browser, locale = 'it-IT'): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: DESKTOP, timezoneId: 'Europe/Rome' })
  context.on('page', (page) => {
    trackRequests(page)
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`)
    })
  })
  return context
}

// How long no request may be in flight before the page counts as loaded: a query answered
// makes React render and its effects start the next query a few milliseconds later; the
// margin is for a box whose cores are all busy.
const QUIET_MS = 150

/** Until the page has asked for nothing for QUIET_MS and shows no loading spinner. */
export async function settled(page: Page): Promise<void> {
  const pending = inFlight.get(page)
  if (!pending) return page.waitForLoadState('networkidle')
  const deadline = Date.now() + 15_000
  let quietSince = Date.now()
  for (;;) {
    if (pending.size > 0) quietSince = Date.now()
    else if (Date.now() - quietSince >= QUIET_MS) {
      if ((await page.locator('.loading').count()) === 0) return
      quietSince = Date.now()
    }
    if (Date.now() > deadline) {
      throw new Error(`${page.url()} still loading after 15 s: ${[...pending].map((r) => r.url()).join(', ') || 'a spinner, nothing in flight'}`)
    }
    await new Promise((done) => setTimeout(done, 25))
  }
}

export async function signIn(page: Page, person: { email: string }, password = PASSWORD): Promise<void> {
  await page.goto('/signin')
  await page.locator('input[type=email]').fill(person.email)
  await page.locator('input[type=password]').fill(password)
  await page.locator('form button[type=submit]').click()
  await expect(page).not.toHaveURL(/\/signin/)
}

/** The live channel is connected (the dot in the bell). */
export async function waitLive(page: Page): Promise<void> {
  await expect(page.locator('.live-dot.live-live')).toHaveCount(1, { timeout: 15_000 })
}

/** Saves the page as it is now, for people to look at (`<name>-<label>.png`). */
export async function screenshot(page: Page, name: string, label: 'desktop' | 'phone'): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true })
}

/** Saves the page at desktop and at phone width, for people to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP
  await page.setViewportSize(DESKTOP)
  await screenshot(page, name, 'desktop')
  await page.setViewportSize(PHONE)
  await screenshot(page, name, 'phone')
  await page.setViewportSize(original)
}

const AXE_OPTIONS: axe.RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  // Only violations are judged: axe then skips building selectors for every passing node.
  resultTypes: ['violations'],
}

/** axe-core over the page as it is now (once it has settled): no serious or critical
 * violation. axe is injected once per document and run in it. @axe-core/playwright's
 * AxeBuilder injected its 0.5 MB script again on every scan, into the page and into a
 * blank page it opened for each result (measured: 1.9 s a scan against 0.46 s). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await settled(page)
  for (const frame of page.frames()) {
    if (!(await frame.evaluate('typeof window.axe === "object"'))) await frame.evaluate(axe.source)
  }
  const results = await page.evaluate((options) => (window as unknown as { axe: typeof axe }).axe.run(document, options), AXE_OPTIONS)
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`), `axe on ${name}`).toEqual([])
}

// --- Districts the role specs share ---------------------------------------------------

const DAY = 86400_000
const day = (d: Date) => d.toISOString().slice(0, 10)

/** A final firm's order with two bids, awarded to one supplier: a contract, disputed. */
export async function tradedDistrict(request: APIRequestContext) {
  const client = await createFirm(request, await registerPerson(request, 'Francesca Mazzoni'), 'Maison Arno Moda', ['apparel'], 'Toscana')
  const dyer = await createFirm(request, await registerPerson(request, 'Matteo Nesti'), 'Tintoria Nesti', ['dyeing'])
  const rival = await createFirm(request, await registerPerson(request, 'Elena Benassi'), 'Tintoria Benassi', ['dyeing'])
  const order = await apiPost<{ id: number; title: string }>(request, client, '/orders', {
    firm_id: client.firmId,
    title: unique('Tintura capi in maglia merino, lotto '),
    description: 'Blu navy, solidità alla luce 5, 1.800 capi.',
    phase: 'dyeing',
    quantity: 1800,
    unit: 'capi',
    target_unit_price: '3.20',
    bid_deadline: new Date(Date.now() + 7 * DAY).toISOString(),
    delivery_due: day(new Date(Date.now() + 40 * DAY)),
    visibility: 'public',
  })
  const bid = await apiPost<{ id: number }>(request, dyer, `/orders/${order.id}/bids`, { firm_id: dyer.firmId, unit_price: '3.10', delivery_date: day(new Date(Date.now() + 30 * DAY)), notes: 'Tintura in capo, campionatura in 5 giorni' })
  await apiPost(request, rival, `/orders/${order.id}/bids`, { firm_id: rival.firmId, unit_price: '2.95', delivery_date: day(new Date(Date.now() + 35 * DAY)) })
  return { client, dyer, rival, order, bid }
}

/** A consortium run by a secretary without a firm, with a fair, a one-seat course and a
 * firm waiting for approval. */
export async function consortiumDistrict(request: APIRequestContext) {
  const secretary = await registerPerson(request, 'Sara Segreteria')
  const consortium = await apiPost<{ id: number; name: string }>(request, secretary, '/consortia', {
    name: unique('Consorzio Export Tessile Pratese '),
    description: 'Stand collettivi alle fiere internazionali per lanifici e tintorie di Prato.',
    kind: 'export',
  })
  const start = new Date(Date.now() + 60 * DAY)
  const fair = await apiPost<{ id: number; name: string }>(request, secretary, `/consortia/${consortium.id}/trade-fairs`, {
    name: unique('Milano Unica '),
    venue: 'Fiera Milano Rho',
    city: 'Milano',
    country: 'Italia',
    starts_on: day(start),
    ends_on: day(new Date(start.getTime() + 2 * DAY)),
    signup_deadline: new Date(Date.now() + 30 * DAY).toISOString(),
    total_cost: '48500.00',
    booth_area_m2: 120,
    cost_split: 'equal',
    max_firms: 8,
  })
  const member = await createFirm(request, await registerPerson(request, 'Paolo Cecchi'), 'Lanificio Cecchi', ['spinning'])
  await apiPost(request, member, `/consortia/${consortium.id}/members`, { firm_id: member.firmId })
  await apiPost(request, secretary, `/consortia/${consortium.id}/members/${member.firmId}/approve`, {})
  await apiPost(request, member, `/trade-fairs/${fair.id}/participations`, { firm_id: member.firmId })
  const applicant = await createFirm(request, await registerPerson(request, 'Anna Santini'), 'Tessitura Santini', ['weaving'])
  await apiPost(request, applicant, `/consortia/${consortium.id}/members`, { firm_id: applicant.firmId })
  const lesson = new Date(Date.now() + 20 * DAY)
  const course = await apiPost<{ id: number; title: string }>(request, secretary, `/consortia/${consortium.id}/courses`, {
    title: unique('Sicurezza sulle macchine di tintoria '),
    description: 'Corso obbligatorio per addetti.',
    capacity: 1,
    enrol_deadline: new Date(Date.now() + 10 * DAY).toISOString(),
    sessions: [{ starts_at: lesson.toISOString(), ends_at: new Date(lesson.getTime() + 4 * 3600_000).toISOString(), location: 'Sede del consorzio, Prato' }],
  })
  await apiPost(request, member, `/courses/${course.id}/enrolments`, { firm_id: member.firmId, participant_name: 'Marco Cecchi', participant_email: 'marco.cecchi@e2e.distretto.it' })
  await apiPost(request, member, `/courses/${course.id}/enrolments`, { firm_id: member.firmId, participant_name: 'Lucia Cecchi', participant_email: 'lucia.cecchi@e2e.distretto.it' })
  return { secretary, consortium, fair, course, member, applicant }
}


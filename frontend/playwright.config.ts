import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'

// E2E_PORT pins the server's port; otherwise the OS hands one out (bind to port 0), so
// parallel runs and other servers on the box never collide. Set in the environment here,
// so Playwright's workers (which load this file again) and e2e/server.mjs see the same one.
function osPort(): string {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim()
}
const port = process.env.E2E_PORT || osPort()
process.env.E2E_PORT = port
const baseURL = `http://127.0.0.1:${port}`
// Where the server writes its email (.eml files, no SMTP): the mail spec reads the links.
process.env.E2E_MAIL_DIR ||= mkdtempSync(join(tmpdir(), 'distretto-e2e-mail-'))

// Debian's Chromium: no browser is ever downloaded.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/artifacts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  // Every test builds its own firms and orders (unique names per worker, e2e/helpers.ts), so
  // tests run side by side, a file's too; none is longer than ~40 s. Three workers on the
  // 2-core CI box: a test waits on the server and on timers part of the time, which a third
  // worker fills (E2E_WORKERS to choose; docs/testing.md has the measurements).
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 3),
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    headless: true,
    launchOptions: chromium,
    viewport: { width: 1280, height: 800 },
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    // A failed test keeps its trace (actions, DOM snapshots, network, console), but without
    // the screencast: filming every test, kept or not, was a third of the phase's CPU
    // (roles in one locale: 56.5 CPU-s with it, 41.6 without, 34.1 with no trace at all).
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
  },
  webServer: {
    command: 'node e2e/server.mjs',
    env: { E2E_PORT: port, E2E_MAIL_DIR: process.env.E2E_MAIL_DIR },
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: Boolean(process.env.E2E_REUSE_SERVER),
    stdout: 'ignore',
    stderr: 'pipe',
  },
})

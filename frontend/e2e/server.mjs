// Starts the real backend for the browser tests: a fresh SQLite database in a temporary
// directory, migrated, with one staff account, serving the freshly built web app.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repo = resolve(frontend, '..')
// E2E_PORT (set by playwright.config.ts); run on its own, a port the OS hands out.
async function osPort() {
  const probe = createServer()
  await new Promise((done) => probe.listen(0, '127.0.0.1', done))
  const { port } = probe.address()
  await new Promise((done) => probe.close(done))
  return String(port)
}
const port = process.env.E2E_PORT || (await osPort())
console.log(`e2e server on http://127.0.0.1:${port}`)
const staffEmail = process.env.E2E_STAFF_EMAIL ?? 'staff@e2e.distretto.it'
const staffPassword = process.env.E2E_STAFF_PASSWORD ?? 'staff-password-e2e'
// On the ramdisk when the box has one: the browser tests check behaviour, not durability,
// and SQLite's fsync on every commit is most of a request's time on a busy disk.
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
const dataDir = mkdtempSync(join(scratch, 'distretto-e2e-'))

const env = {
  ...process.env,
  DISTRETTO_ENVIRONMENT: 'test',
  DISTRETTO_SECRET_KEY: randomBytes(32).toString('hex'),
  DISTRETTO_DATABASE_URL: `sqlite+aiosqlite:///${join(dataDir, 'e2e.db')}`,
  DISTRETTO_DOCUMENTS_DIR: join(dataDir, 'documents'),
  DISTRETTO_MAIL_DIR: process.env.E2E_MAIL_DIR ?? join(dataDir, 'mail'),
  DISTRETTO_MAIL_POLL_SECONDS: '1',
  DISTRETTO_FRONTEND_DIST: join(frontend, 'dist'),
  DISTRETTO_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
}
delete env.DISTRETTO_REDIS_URL
// Some environments set it; then the Python process below compiles every module from
// source again (5 CPU-s more). `make e2e` unexports it too; this covers
// `npx playwright test` run by hand.
delete env.PYTHONDONTWRITEBYTECODE

if (!process.env.E2E_SKIP_BUILD) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: frontend, env, stdio: 'inherit' })
  if (build.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(build.status ?? 1)
  }
}

// Migrate, create the staff account and serve, in one process (e2e/server.py).
const server = spawn('uv', ['run', '--quiet', 'python', join(frontend, 'e2e', 'server.py'), '127.0.0.1', port, staffEmail, staffPassword], {
  cwd: repo,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
})
const stop = () => server.kill('SIGTERM')
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
server.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true })
  process.exit(code ?? 0)
})

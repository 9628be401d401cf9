// CI guard: the committed OpenAPI schema and the types made from it must match what the
// backend publishes now. Regenerates both into a scratch directory and fails (exit 1),
// naming the files, when either differs: "run npm run gen:api and commit".
// DISTRETTO_APP_FACTORY=module:function checks another app (the test of this check uses it).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const frontend = resolve(here, '..')
const repo = resolve(frontend, '..')
const [module, factory] = (process.env.DISTRETTO_APP_FACTORY ?? 'distretto.app:create_app').split(':')

const dump =
  `import json; from ${module} import ${factory} as make; ` +
  'print(json.dumps(make().openapi(), indent=1, sort_keys=True))'
const schema = execFileSync('uv', ['run', '--quiet', 'python', '-c', dump], {
  cwd: repo,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
const scratch = mkdtempSync(join(tmpdir(), 'distretto-api-'))
writeFileSync(join(scratch, 'openapi.json'), schema)
execFileSync(
  resolve(frontend, 'node_modules/.bin/openapi-typescript'),
  [join(scratch, 'openapi.json'), '-o', join(scratch, 'schema.d.ts')],
  { cwd: frontend, stdio: 'ignore' },
)
const stale = [
  ['openapi.json', join(scratch, 'openapi.json')],
  ['src/api/schema.d.ts', join(scratch, 'schema.d.ts')],
].filter(([committed, fresh]) => readFileSync(resolve(frontend, committed), 'utf8') !== readFileSync(fresh, 'utf8'))
if (stale.length > 0) {
  console.error(`API schema drift in ${stale.map(([file]) => `frontend/${file}`).join(', ')}: run \`cd frontend && npm run gen:api\` and commit the result.`)
  process.exit(1)
}
console.log('API schema and generated types are up to date.')

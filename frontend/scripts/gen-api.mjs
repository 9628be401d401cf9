// Regenerates the typed API client from the backend's OpenAPI schema:
// dumps the schema with the backend's own app factory (no server needed) to
// frontend/openapi.json, then runs openapi-typescript into src/api/schema.d.ts.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const frontend = resolve(here, '..')
const repo = resolve(frontend, '..')

const dump =
  'import json; from distretto.app import create_app; ' +
  'print(json.dumps(create_app().openapi(), indent=1, sort_keys=True))'
const schema = execFileSync('uv', ['run', '--quiet', 'python', '-c', dump], {
  cwd: repo,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
writeFileSync(resolve(frontend, 'openapi.json'), schema)
execFileSync(
  resolve(frontend, 'node_modules/.bin/openapi-typescript'),
  ['openapi.json', '-o', 'src/api/schema.d.ts'],
  { cwd: frontend, stdio: 'inherit' },
)

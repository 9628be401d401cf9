// Fails (exit 1) unless this Node satisfies package.json "engines.node" and, once
// installed, the engines of the tools that refuse older Nodes (vite, eslint, the React
// plugin): run before `npm ci` and the build, so a wrong Node fails with a clear message
// instead of an obscure syntax error deep in a build.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const TOOLS = ['vite', 'eslint', '@vitejs/plugin-react']

const parse = (v) => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0)
const compare = (a, b) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

/** `^x.y.z`, `>=x.y.z`, `x` and `||` alternatives: all the ranges engines use here. */
export function satisfies(version, range) {
  const v = parse(version)
  return range.split('||').some((alternative) => {
    const part = alternative.trim()
    if (part.startsWith('>=')) return compare(v, parse(part.slice(2))) >= 0
    if (part.startsWith('^')) {
      const base = parse(part.slice(1))
      return v[0] === base[0] && compare(v, base) >= 0
    }
    return v[0] === parse(part)[0]
  })
}

const required = [['package.json', JSON.parse(readFileSync(resolve(frontend, 'package.json'), 'utf8')).engines?.node]]
for (const tool of TOOLS) {
  const manifest = resolve(frontend, 'node_modules', tool, 'package.json')
  if (existsSync(manifest)) required.push([tool, JSON.parse(readFileSync(manifest, 'utf8')).engines?.node])
}
const unmet = required.filter(([, range]) => range && !satisfies(process.version, range))
for (const [who, range] of unmet) console.error(`Node ${process.version} does not satisfy ${who}: node ${range}`)
if (unmet.length) process.exit(1)
console.log(`Node ${process.version} satisfies ${required.map(([who, range]) => `${who} (${range})`).join(', ')}`)

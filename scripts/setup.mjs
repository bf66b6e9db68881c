#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when the lockfile changed and rebuilds.
// Plain Node on purpose: it runs before any dependency is there.
import { execSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const run = (cmd) => execSync(cmd, { stdio: ['ignore', 'inherit', 'inherit'] })
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0)

if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  run('npm ci --no-audit --no-fund')
}
run('npx --no-install tsc -p tsconfig.json')
// The dashboard (admin-ui/, Vite + Preact) into dist/admin-ui, served by the gateway at /admin.
run('npm run --silent build:admin')

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { GatewayError } from '../errors/gateway-error.js'

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

/** Where `npm run build` puts the dashboard (vite, admin-ui/): dist/admin-ui beside dist/src. */
export function dashboardDir (): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'admin-ui')
}

interface Asset { body: Buffer, type: string }

function loadAssets (dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  const assetDir = join(dir, 'assets')
  if (!existsSync(assetDir)) return assets
  for (const name of readdirSync(assetDir)) {
    const type = TYPES[extname(name)]
    if (type !== undefined) assets.set(name, { body: readFileSync(join(assetDir, name)), type })
  }
  return assets
}

/**
 * The dashboard at `/admin`: one HTML page and its hashed, immutable assets, read into memory at
 * start (a few hundred KB). The page carries no data and no inline script or style (the CSP
 * forbids both); everything it shows comes from the role-checked APIs, and each page of the
 * dashboard declares the roles it is for (admin-ui/src/pages/).
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ dir?: string }> = async (app, opts) => {
  const dir = opts.dir ?? dashboardDir()
  const indexFile = join(dir, 'index.html')
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined
  const assets = loadAssets(dir)

  const page = { access: { public: 'the dashboard\'s page: no data in it; it logs in and calls the role-checked APIs' } } as const
  for (const url of ['/admin', '/admin/']) {
    app.get(url, { config: page, schema: { summary: 'The admin dashboard', tags: ['admin'], hide: url === '/admin/' } }, async (_request, reply) => {
      if (index === undefined) throw new GatewayError('UNAVAILABLE', 'the dashboard is not built: run npm run build')
      return await reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index)
    })
  }
  app.get('/admin/assets/:file', {
    config: { access: { public: 'the dashboard\'s scripts and styles' } },
    schema: { summary: 'The dashboard\'s assets', tags: ['admin'], hide: true, params: Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9._-]{1,200}$' }) }) }
  }, async (request, reply) => {
    const asset = assets.get(request.params.file)
    if (asset === undefined) throw new GatewayError('NOT_FOUND', 'no such asset')
    return await reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body)
  })
}

import { createRequire } from 'node:module'
import tap, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { startNativeGateway } from '../helpers/native-setup.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept, courtEntry } from '../helpers/coordination-items.js'

// Real answers of every route, success and error, validated against the served document (issue 16
// item 1): the status is documented, the served Content-Type is a documented one, and the body
// validates against the schema declared for that status and media type (JSON Schema 2020-12).
// ajv 8 (with its 2020-12 dialect) is the one Fastify's own validator compiler brings.
const requireAjv = createRequire(createRequire(import.meta.url).resolve('@fastify/ajv-compiler'))
const Ajv2020 = (requireAjv('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default
const addFormats = (createRequire(import.meta.url)('ajv-formats') as { default: (a: AjvLike) => void }).default

interface AjvLike {
  addSchema: (s: object) => void
  getSchema: (ref: string) => (((data: unknown) => boolean) & { errors?: unknown }) | undefined
  errorsText: (e: unknown) => string
}
type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const DOC_ID = 'https://yrd.invalid/openapi.json'

/** A copy without `$id`s, so that every `#/components/…` resolves against the document itself. */
function withoutIds (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutIds)
  if (!isObject(v)) return v
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$id').map(([k, x]) => [k, withoutIds(x)]))
}
const pointer = (...tokens: string[]): string => tokens.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

interface SendOptions { token?: string, payload?: unknown, headers?: Record<string, string> }

interface Checker {
  paths: Record<string, Record<string, Json>>
  exercised: Map<string, Set<number>>
  send: (method: string, url: string, opts?: SendOptions) => Promise<LightMyRequestResponse>
}

async function checkerOf (t: Test, h: Harness): Promise<Checker> {
  const doc = (await h.app.inject({ url: '/docs/json' })).json<Json>()
  const paths = doc.paths as Record<string, Record<string, Json>>
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  ajv.addSchema({ ...(withoutIds(doc) as Json), $id: DOC_ID })

  // A static path before a templated one that also matches it (/v1/checks/stats, not /v1/checks/{id}).
  const templates = Object.keys(paths).sort((a, b) => a.split('{').length - b.split('{').length).map((p) => ({
    path: p, re: new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`)
  }))
  const exercised = new Map<string, Set<number>>()

  /** Checks one real answer against the document; `template` is the documented path it was sent to. */
  const check = (method: string, url: string, res: LightMyRequestResponse): void => {
    const path = url.split('?')[0] ?? url
    const template = templates.find((x) => x.re.test(path))?.path
    if (template === undefined) { t.fail(`${method} ${path}: not in the document`); return }
    const m = method.toLowerCase()
    const op = paths[template]?.[m]
    if (op === undefined) { t.fail(`${method} ${template}: not in the document`); return }
    const key = `${m} ${template}`
    exercised.set(key, (exercised.get(key) ?? new Set()).add(res.statusCode))
    const responses = op.responses as Record<string, Json>
    const status = String(res.statusCode)
    const documented = responses[status] !== undefined ? status : responses[`${status[0] ?? ''}XX`] !== undefined ? `${status[0] ?? ''}XX` : undefined
    if (documented === undefined) {
      t.fail(`${method} ${template}: status ${status} not documented (${Object.keys(responses).join(', ')}): ${res.body.slice(0, 300)}`)
      return
    }
    const content = responses[documented]?.content as Record<string, Json> | undefined
    const served = String(res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? ''
    if (content === undefined) {
      t.equal(res.body, '', `${method} ${template} ${status}: no content documented, none served`)
      return
    }
    if (!t.ok(served in content, `${method} ${template} ${status}: ${served} is documented (${Object.keys(content).join(', ')})`)) return
    if (!served.includes('json')) return
    const validate = ajv.getSchema(`${DOC_ID}#/${pointer('paths', template, m, 'responses', documented, 'content', served, 'schema')}`)
    if (validate === undefined) { t.fail(`${method} ${template} ${status}: no schema`); return }
    const body: unknown = JSON.parse(res.body)
    const valid = validate(body)
    t.ok(valid, `${method} ${template} ${status} ${served}: body matches${valid ? '' : `: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 500)}`}`)
  }

  const send = async (method: string, url: string, opts: SendOptions = {}): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
    const res = await h.app.inject({
      method: method as 'GET', url, headers, ...(opts.payload === undefined ? {} : { payload: opts.payload as string })
    })
    check(method, url, res)
    return res
  }

  return { paths, exercised, send }
}

/** Every documented operation: without credentials, then with those its roles admit (an admin's or a platform's). */
async function driveAll (h: Harness, c: Checker, known: Record<string, string>): Promise<void> {
  const tokens: Record<string, string> = {
    admin: await h.adminToken('admin'),
    operator: await h.adminToken('operator'),
    auditor: await h.adminToken('auditor'),
    platform: await h.platformToken('SH')
  }
  const fill = (template: string): string => template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(known[name] ?? 'none'))
  const table = h.app.accessTable
  for (const [template, item] of Object.entries(c.paths)) {
    for (const m of Object.keys(item)) {
      const method = m.toUpperCase()
      const url = fill(template)
      const hasBody = (item[m]?.requestBody as Json | undefined)?.content as Json | undefined
      const jsonBody = hasBody !== undefined && 'application/json' in hasBody
      const options = jsonBody ? { payload: '{}', headers: { 'content-type': 'application/json' } } : {}
      await c.send(method, url, options)
      const access = table.find((a) => a.method === method && a.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') === template)?.access
      if (access === undefined || !('roles' in access)) continue
      const role = ['admin', 'operator', 'auditor', 'platform'].find((r) => (access.roles as string[]).includes(r))
      if (role !== undefined) await c.send(method, url, { ...options, token: tokens[role] })
    }
  }
}

const missingOf = (c: Checker): string[] => Object.entries(c.paths)
  .flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)).filter((k) => !c.exercised.has(k))

tap.test('every route answers, success and error, as the document says', async (t) => {
  const h = await startHarness(t)
  const c = await checkerOf(t, h)
  const send = c.send

  // Something to read: an entry SH published, and its message.
  const entry = courtEntry('SH', '310000', 1)
  const jti = await accept(h, 'SH', 'list.upsert', [entry])
  const admin = await h.adminToken('admin')
  // Envelopes: accepted, the same again, a conflict, a refused signature, a wrong media type.
  const again = courtEntry('SH', '310000', 2)
  const signed = await h.sign('SH', { kind: 'list.upsert', items: [again] })
  await send('POST', '/v1/envelopes', { payload: signed.jws, headers: { 'content-type': 'application/jose' } })
  await send('POST', '/v1/envelopes', { payload: signed.jws, headers: { 'content-type': 'application/jose' } })
  const flattened = await h.sign('JS', { kind: 'list.upsert', items: [courtEntry('JS', '320000', 1)] }, 'flattened')
  await send('POST', '/v1/envelopes', { payload: flattened.jws, headers: { 'content-type': 'application/jose+json' } })
  await send('POST', '/v1/envelopes', { payload: `${signed.jws}x`, headers: { 'content-type': 'application/jose' } })
  await send('POST', '/v1/envelopes', { payload: 'x', headers: { 'content-type': 'text/plain' } })
  await send('GET', `/v1/subjects/${encodeURIComponent(entry.subject.creditCode ?? '')}/entries`, { token: admin, headers: { 'x-query-purpose': 'openapi test' } })

  await driveAll(h, c, {
    jti,
    platform: 'SH',
    owner: 'SH',
    id: 'SH',
    initiator: 'SH',
    caseId: 'none',
    entryId: entry.entryId,
    listCode: entry.listCode,
    batchId: 'none'
  })
  t.same(missingOf(c), [], 'every documented operation was exercised')
  t.comment([...c.exercised].map(([k, s]) => `${k}: ${[...s].sort().join(',')}`).join('\n'))
})

tap.test('every native route answers as the document says', async (t) => {
  const { h } = await startNativeGateway(t)
  const c = await checkerOf(t, h)
  await driveAll(h, c, { batchId: 'none' })
  const natives = Object.keys(c.paths).filter((p) => p.startsWith('/v1/native/'))
  t.ok(natives.length >= 4, `the native routes are documented (${natives.join(', ')})`)
  t.same(missingOf(c), [], 'every documented operation was exercised')
})

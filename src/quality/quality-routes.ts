import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { QualityReportV1 } from '../../contracts/quality-report-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { requireRoles } from '../auth/require-roles.js'
import { GatewayError } from '../errors/gateway-error.js'
import { qualityReport, monthsBetween } from './quality-report.js'
import { qualityCsv } from './quality-csv.js'
import { QUALITY_TIME_ZONE } from './quality-queries.js'
import { WEEKENDS_ONLY } from '../punishment/working-days.js'

const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })
/** Longest window one report covers. */
export const MAX_MONTHS = 36

/** The current month in China Standard Time. */
export function currentMonth (now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: QUALITY_TIME_ZONE, year: 'numeric', month: '2-digit' }).format(now).slice(0, 7)
}

/** The instant a month (YYYY-MM) starts in China Standard Time (UTC+8, no daylight saving). */
export const monthStart = (month: string): Date => new Date(`${month}-01T00:00:00+08:00`)
/** The month after `month` (YYYY-MM). */
export const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}
const addMonths = (month: string, n: number): string => {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const k = y * 12 + (m - 1) + n
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
}

/** `GET /v1/quality`: data quality per source platform and month, JSON or CSV. */
export const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const platforms = app.config.platforms.map((p) => p.id)
  const calendar = app.config.calendar ?? WEEKENDS_ONLY
  const domains = [...new Set((app.config.registries?.listTypes ?? []).map((l) => l.domain).filter((d) => d !== '*'))]
  app.get('/v1/quality', {
    preHandler: requireRoles(app, ['admin', 'operator', 'auditor']),
    schema: {
      summary: 'Data quality per source platform and month',
      description: 'For each source platform and month (China Standard Time) from `from` to `to` (YYYY-MM, default the 12 months up to this one, at most 36): ' +
        'envelopes received, accepted (by kind) and refused (by error code), rejection rate; completeness of the fields the sources are known to leave out ' +
        '(credit code, identity number, decision document type, name and number, legal basis, deciding department, …) over the list entries accepted; ' +
        '统一社会信用代码重错码率: credit codes duplicated within the source (one code, two names — not a full-/half-width variant of one name, nor a rename) and refused as invalid, against the 0.01% indicator; freshness (days from decision ' +
        'date to first arrival: median, p90, max, in calendar and in working days); 归集合规率 (公共信用信息数据归集合规率, 浙政办发〔2021〕29号: the share of entries ' +
        'first received that month that arrived complete and within 7 working days of the decision, against the binding 98% target); list items per domain; ' +
        'red-and-black contradictions; and `coverage`, every source × domain with its current entries. Refusals that claimed no configured platform are reported as `unattributed`; ' +
        'a refused envelope is known only by its security-log line (no content is kept), so completeness and duplicates are measured on accepted items. ' +
        'CSV with `format=csv` or `Accept: text/csv`.',
      tags: ['quality'],
      querystring: Type.Object({
        from: Type.Optional(Month),
        to: Type.Optional(Month),
        platform: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')]))
      }, { additionalProperties: false }),
      response: {
        200: { content: { 'application/json': { schema: QualityReportV1 }, 'text/csv': { schema: Type.String() } } },
        400: ProblemV1,
        401: ProblemV1,
        403: ProblemV1
      }
    }
  }, async (request, reply) => {
    const q = request.query
    const to = q.to ?? currentMonth()
    const from = q.from ?? addMonths(to, -11)
    const months = monthsBetween(from, to).length
    if (months === 0) throw new GatewayError('BAD_REQUEST', 'from is after to')
    if (months > MAX_MONTHS) throw new GatewayError('BAD_REQUEST', `at most ${MAX_MONTHS} months per report`)
    if (q.platform !== undefined && !platforms.includes(q.platform)) throw new GatewayError('BAD_REQUEST', 'platform is not a configured platform')
    const report = await qualityReport(
      app.pg,
      { platforms, from: monthStart(from), to: monthStart(nextMonth(to)), platform: q.platform },
      from,
      to,
      calendar,
      domains
    )
    const csv = q.format === 'csv' || (q.format === undefined && (request.headers.accept ?? '').includes('text/csv'))
    if (csv) return await reply.type('text/csv; charset=utf-8').send(qualityCsv(report))
    return report
  })
}

import type { GatewayNoticeItemV1 } from '../contracts/gateway-notice-item-v1.js'
import type { ListUpsertItemV1 } from '../contracts/list-upsert-item-v1.js'
import { idNumberCheckCharacter } from '../src/identifiers/id-number.js'
import { orgCodeCheckCharacter, usccCheckCharacter, USCC_CHARSET } from '../src/identifiers/uscc.js'
import { addMonths, dayBefore } from '../src/envelopes/validity-period.js'

/** The day (YYYY-MM-DD, UTC) of `now`, `days` later (earlier when negative). */
export function sampleDay (now: Date = new Date(), days = 0): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)
}

/**
 * The dates of a sample listing, relative to `now` (by default the clock, which the gateway checks
 * against): decided and valid from 13 months before, so a repair today is past the 12-month earliest
 * exit (exit.minimumMonths; REPAIR_TOO_EARLY otherwise); told (告知) two weeks before the decision; valid
 * until the day before `maximumMonths` after validFrom (国发〔2016〕33号 (二十一)), still in force today.
 */
export function sampleDates (now: Date = new Date(), maximumMonths = 36): {
  decidedOn: string, notifiedOn: string, validFrom: string, validUntil: string
} {
  const validFrom = addMonths(sampleDay(now), -13)
  const notifiedOn = sampleDay(new Date(`${validFrom}T00:00:00Z`), -14)
  return { decidedOn: validFrom, notifiedOn, validFrom, validUntil: dayBefore(addMonths(validFrom, maximumMonths)) }
}

/**
 * A valid unified social credit code registered in `region` (a GB/T 2260 division), derived from
 * `n`; `category` is GB 32100-2015 positions 1–2, by default 91 (工商, 企业): 11 for a 机关 (e.g. a
 * deciding department), 12 事业单位, 51 社会团体, 92 个体工商户.
 */
export function sampleUscc (region: string, n: number, category = '91'): string {
  let body = ''
  let x = n * 2654435761 % 4294967296
  for (let i = 0; i < 8; i++) {
    body += USCC_CHARSET[x % 10]
    x = Math.floor(x / 10) + (i + 1) * 7919
  }
  const first17 = `${category}${region}${body}${orgCodeCheckCharacter(body)}`
  return first17 + usccCheckCharacter(first17)
}

/** A valid resident identity number (fictitious) for someone born in 1980 in `region`. */
export function sampleIdNumber (region: string, n: number): string {
  const day = String(1 + (n % 28)).padStart(2, '0')
  const month = String(1 + (n % 12)).padStart(2, '0')
  const seq = String(n % 1000).padStart(3, '0')
  const first17 = `${region}1980${month}${day}${seq}`
  return first17 + idNumberCheckCharacter(first17)
}

/**
 * Measures fitting each list type, flagged as the measures list defines them (国发〔2016〕33号 (二十);
 * 过惩相当, 国办发〔2020〕49号 (十)): punitive and supervisory on a black entry, supervision only on a
 * key-supervision entry, incentives only on a red one.
 */
const MEASURES_BY_LIST_TYPE: Record<'black' | 'red' | 'key-supervision', ListUpsertItemV1['measures']> = {
  black: [
    { code: 'restrict-public-procurement', mandatory: true, description: '限制参与政府采购' },
    { code: 'strict-supervision', mandatory: false }
  ],
  'key-supervision': [{ code: 'strict-supervision', mandatory: false }],
  red: [{ code: 'fast-track-approval', mandatory: false }, { code: 'reduce-inspection-frequency', mandatory: false }]
}

const NAMES = ['华东食品有限公司', '长江环保科技有限公司', '江南旅游发展有限公司', '皖南质检设备有限公司', '申城药业股份有限公司']

/**
 * A complete black-list entry as 国办发〔2020〕49号 (八) requires it (with the 告知 record), owned by
 * `owner` and about an enterprise (or, with `person`, a natural person) of `region`; or a red or
 * key-supervision entry with measures and a period that fit its list type, dated from `now` (by default
 * the clock: see sampleDates). A test that compares dates as text sets its own.
 */
export function sampleEntry (owner: string, region: string, n: number, opts: { person?: boolean, version?: number, listType?: 'black' | 'red' | 'key-supervision', tag?: string, now?: Date } = {}): ListUpsertItemV1 {
  const listType = opts.listType ?? 'black'
  // Within the list type's bounds (国发〔2016〕33号 (二十一)): food-drug and red lists 36 months at most,
  // the key-supervision list 24; relative to `now`, so no test depends on the day it runs.
  const dates = sampleDates(opts.now, listType === 'key-supervision' ? 24 : 36)
  // A tag keeps runs apart (a demo run again on the same ledger gets new entries and subjects).
  const tag = opts.tag ?? ''
  const seed = n + [...tag].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1000003, 0) * 100
  const subject: ListUpsertItemV1['subject'] = opts.person === true
    ? { type: 'person', name: '张某某', idNumber: sampleIdNumber(region, seed) }
    : {
        type: 'enterprise',
        name: NAMES[n % NAMES.length] ?? '示例企业有限公司',
        creditCode: sampleUscc(region, seed),
        responsiblePersons: [{ role: 'legal-representative', name: '李某', idNumber: sampleIdNumber(region, seed + 7) }]
      }
  const entry: ListUpsertItemV1 = {
    entryId: tag === '' ? `${owner}-${listType}-${n}` : `${owner}-${listType}-${tag}-${n}`,
    owner,
    version: opts.version ?? 1,
    listType,
    listCode: listType === 'black' ? 'food-drug-serious-violation' : `${listType}-list`,
    domain: 'food-drug',
    subject,
    facts: '生产经营不符合食品安全标准的食品，情节严重。',
    legalBasis: '《中华人民共和国食品安全法》第一百二十三条；国发〔2016〕33号 (九)',
    decision: {
      authority: '市场监督管理局',
      documentType: 'penalty-decision',
      documentName: '行政处罚决定书',
      documentNumber: `${owner}市监罚〔${dates.decidedOn.slice(0, 4)}〕${100 + n}号`,
      decidedOn: dates.decidedOn
    },
    measures: MEASURES_BY_LIST_TYPE[listType].map((m) => ({ ...m })),
    exitConditions: '惩戒期满且已履行处罚决定，可申请移出。',
    remedies: '可依法申请行政复议或提起行政诉讼，或向认定部门提出异议。',
    validFrom: dates.validFrom,
    validUntil: dates.validUntil,
    repairable: true
  }
  if (listType === 'black') {
    entry.severeCategory = 'health-safety'
    // 告知 before the decision (国办发〔2020〕49号 (八)).
    entry.notification = { notifiedOn: dates.notifiedOn, channel: 'in-person' }
  }
  return entry
}

/**
 * A `gateway.notice` item as the gateway issues it, by type: a reminder that a case's response is
 * overdue (催办), a remediation notice after an entry was revoked as wrongful (纠错), or the outcome
 * of a check (核查结果). `n` keeps notice ids apart.
 */
export function sampleNotice (n: number, type: GatewayNoticeItemV1['noticeType'] = 'reminder'): GatewayNoticeItemV1 {
  const noticeId = `YRD-notice-${n}`
  switch (type) {
    case 'reminder':
      return { noticeId, noticeType: 'reminder', caseId: `SH-case-${n}`, initiator: 'SH', dueOn: '2026-12-04', text: '联合惩戒案件的响应已逾期，请于办理期限前响应并反馈。' }
    case 'remediation':
      return {
        noticeId,
        noticeType: 'remediation',
        entryId: `SH-black-${n}`,
        owner: 'SH',
        objectionId: `SH-objection-${n}`,
        measures: ['restrict-public-procurement'],
        dueOn: '2026-12-15',
        text: '该名单信息经异议处理已撤销认定，请解除已实施的惩戒措施并消除影响。'
      }
    case 'check.outcome':
      return { noticeId, noticeType: 'check.outcome', entryId: `SH-black-${n}`, owner: 'SH', checkId: `JS-check-${n}`, outcome: 'restricted', measures: ['restrict-public-procurement', 'strict-supervision'], text: '核查结果：已依据该名单信息限制其参与政府采购。' }
  }
}

import {
  fingerprintBytes, LEAF_ELEMENTS, type AnswerV2, type DetailV2, type RecordV2, type WholeListV2
} from '../../contracts/reconcile-v2.js'
import { compareElements, type Difference } from './compare-elements.js'
import {
  addElement, emptyFingerprint, fingerprintDigest, hashElement, HEX, KEY_HEX,
  type Element, type Fingerprint, type HashedElement
} from './element-hash.js'
import type { OwnerList, RangeOutcome } from './range-reconcile.js'

const MOD = 1n << 62n
const MAX_ROUNDS = 40
const BUCKET_HEX = 4
/**
 * Ranges narrower than a bucket whose elements are read together: at 10,000,000 entries a range of
 * five hex digits holds ~150, so 10,000 differences would otherwise hold 1.5 million elements at once.
 */
const READ_TOGETHER = 256

/** An element on the wire in a `tags` or `needs` record: the first 31 bits of its element hash. */
export const elementTag = (e: HashedElement): number => e.h[0]

/** A range's fingerprint as version 2 sends it (8 or 4 bytes by depth). */
export const shortFingerprint = (fp: Fingerprint, prefixLength: number): Buffer =>
  fingerprintDigest(fp).subarray(0, fingerprintBytes(prefixLength))

const toDetail = (e: Element): DetailV2 =>
  ({ entryId: e.entryId, version: e.version, status: e.status, contentHash: e.contentHash })

/** The platform does not speak version 2 (it answered 404 or 415): the run uses version 1. */
export class RangeV2Unsupported extends Error {
  override name = 'RangeV2Unsupported'
}

/** The whole-list check failed: a short fingerprint or tag matched by chance, or the list changed. */
export class WholeListMismatch extends Error {
  override name = 'WholeListMismatch'
}

/**
 * The 16 sub-ranges' fingerprints of each prefix, in as few reads as the list allows: from the
 * buckets above four hex digits, from one element read for all the narrower ones.
 */
export async function childrenOf (list: OwnerList, prefixes: readonly string[]): Promise<Map<string, Fingerprint[]>> {
  const out = new Map<string, Fingerprint[]>()
  const deep: string[] = []
  for (const p of prefixes) {
    if (p.length + 1 <= BUCKET_HEX) out.set(p, await list.children(p))
    else deep.push(p)
  }
  for (let i = 0; i < deep.length; i += READ_TOGETHER) {
    for (const [p, members] of await list.elements(deep.slice(i, i + READ_TOGETHER))) {
      const fps = Array.from({ length: 16 }, emptyFingerprint)
      for (const e of members) {
        const c = fps[HEX.indexOf(e.keyHash.charAt(p.length))]
        if (c !== undefined) addElement(c, e)
      }
      out.set(p, fps)
    }
  }
  return out
}

/** Whether a range a party holds `n` elements of is listed (as tags or details) rather than split. */
const listed = (n: number, prefix: string): boolean => n <= LEAF_ELEMENTS || prefix.length + 1 >= KEY_HEX

/**
 * Where the 16 sub-ranges of `prefix` differ from `theirs` (short fingerprints), what to send
 * next about each: the sub-ranges to list and the ones to split, with this party's fingerprints.
 */
function differing (
  prefix: string, mine: Fingerprint[], theirs: readonly Buffer[]
): { list: string[], split: string[] } {
  const out = { list: [] as string[], split: [] as string[] }
  for (let i = 0; i < 16; i++) {
    const child = prefix + HEX.charAt(i)
    const fp = mine[i] ?? emptyFingerprint()
    if (theirs[i]?.equals(shortFingerprint(fp, child.length)) === true) continue
    if (listed(fp.n, child)) out.list.push(child)
    else out.split.push(child)
  }
  return out
}

type ChildrenRecord = Extract<RecordV2, { type: 'children' }>
const isChildren = (r: RecordV2): r is ChildrenRecord => r.type === 'children'

/** One level below the other party's `children` records: the sub-ranges that differ, to list or to split. */
async function descend (
  list: OwnerList, records: readonly ChildrenRecord[]
): Promise<{ list: string[], split: string[] }> {
  const mine = await childrenOf(list, records.map((r) => r.prefix))
  const out = { list: [] as string[], split: [] as string[] }
  for (const r of records) {
    const d = differing(r.prefix, mine.get(r.prefix) ?? [], r.fingerprints)
    out.list.push(...d.list)
    out.split.push(...d.split)
  }
  return out
}

/** For each range to split, its `children` record (this party's 16 fingerprints). */
async function splitRecords (list: OwnerList, split: readonly string[]): Promise<RecordV2[]> {
  if (split.length === 0) return []
  const children = await childrenOf(list, split)
  return split.map((p) => ({
    type: 'children', prefix: p, fingerprints: (children.get(p) ?? []).map((fp) => shortFingerprint(fp, p.length + 1))
  }))
}

/**
 * The replica's side of one version-2 round trip over the list it holds: its whole-list
 * fingerprint, then, for each `children` record, one level further down where its sub-ranges
 * differ (their tags where it holds few, else their 16 sub-ranges); for each `tags` record, the
 * details of its elements there the gateway lacks and which of the gateway's tags it lacks; for
 * each `needs` record, the details asked for.
 */
export async function answerRangeV2 (list: OwnerList, request: readonly RecordV2[]): Promise<AnswerV2> {
  const whole = await list.fingerprint('')
  const out: RecordV2[] = []
  const { list: toList, split: toSplit } = await descend(list, request.filter(isChildren))
  const leaves = request.filter((r) => r.type === 'tags' || r.type === 'needs').map((r) => r.prefix)
  const elements = await list.elements([...new Set([...toList, ...leaves])])
  for (const p of toList) out.push({ type: 'tags', prefix: p, tags: (elements.get(p) ?? []).map(elementTag) })
  out.push(...await splitRecords(list, toSplit))
  for (const r of request) {
    if (r.type !== 'tags' && r.type !== 'needs') continue
    const held = elements.get(r.prefix) ?? []
    const theirs = new Set(r.tags)
    if (r.type === 'needs') {
      out.push({ type: 'details', prefix: r.prefix, details: held.filter((e) => theirs.has(elementTag(e))).map(toDetail), lacking: [] })
      continue
    }
    const ours = new Set(held.map(elementTag))
    out.push({
      type: 'details',
      prefix: r.prefix,
      details: held.filter((e) => !theirs.has(elementTag(e))).map(toDetail),
      lacking: r.tags.flatMap((t, i) => ours.has(t) ? [] : [i])
    })
  }
  return { whole: { n: whole.n, s1: whole.s1, s2: whole.s2 }, records: out }
}

export type RangeQueryV2 = (records: RecordV2[]) => Promise<AnswerV2>

/**
 * Range reconciliation, version 2, the gateway's side: both parties split, so each round trip
 * descends two levels; ranges where a party holds at most LEAF_ELEMENTS are compared by element
 * tags, and only the elements that differ travel in detail. Short fingerprints and tags can match
 * by chance: at the end the owner's whole-list fingerprint, less what only it holds and plus what
 * only the replica holds, must equal the replica's, or the run throws {@link WholeListMismatch}.
 */
export async function rangeReconcileV2 (list: OwnerList, owner: string, query: RangeQueryV2): Promise<RangeOutcome> {
  const ownOnly = new Map<string, HashedElement>()
  const theirs: DetailV2[] = []
  const sentTags = new Map<string, HashedElement[]>()
  let pending: RecordV2[] = await splitRecords(list, [''])
  let roundTrips = 0
  let rangesAsked = 0
  let whole: WholeListV2 | undefined
  while (pending.length > 0) {
    if (roundTrips >= MAX_ROUNDS) throw new Error('reconciliation did not converge')
    const answer = await query(pending)
    roundTrips += 1
    rangesAsked += pending.length
    whole = answer.whole
    const asked = new Set(pending.map((r) => `${r.type}:${r.prefix}`))
    const parentAsked = (p: string): boolean => p.length > 0 && asked.has(`children:${p.slice(0, -1)}`)
    const next: RecordV2[] = []
    const split = answer.records.filter(isChildren)
    for (const r of split) if (!parentAsked(r.prefix)) throw new Error(`replica split a range not asked: ${r.prefix}`)
    const { list: toList, split: toSplit } = await descend(list, split)
    const tagged = answer.records.filter((r): r is Extract<RecordV2, { type: 'tags' }> => r.type === 'tags')
    for (const r of tagged) if (!parentAsked(r.prefix)) throw new Error(`replica listed a range not asked: ${r.prefix}`)
    const own = await list.elements([...toList, ...tagged.map((r) => r.prefix)])
    for (const r of tagged) {
      const held = own.get(r.prefix) ?? []
      const replicaTags = new Set(r.tags)
      for (const e of held) if (!replicaTags.has(elementTag(e))) ownOnly.set(e.entryId, e)
      const ours = new Set(held.map(elementTag))
      const needs = r.tags.filter((t) => !ours.has(t))
      if (needs.length > 0) next.push({ type: 'needs', prefix: r.prefix, tags: needs })
    }
    for (const p of toList) {
      const held = own.get(p) ?? []
      sentTags.set(p, held)
      next.push({ type: 'tags', prefix: p, tags: held.map(elementTag) })
    }
    next.push(...await splitRecords(list, toSplit))
    for (const r of answer.records) {
      if (r.type !== 'details') continue
      if (!asked.has(`tags:${r.prefix}`) && !asked.has(`needs:${r.prefix}`)) throw new Error(`replica detailed a range not asked: ${r.prefix}`)
      theirs.push(...r.details)
      const sent = sentTags.get(r.prefix) ?? []
      for (const i of r.lacking) {
        const e = sent[i]
        if (e === undefined) throw new Error(`replica named tag ${i} of ${r.prefix}, which was not sent`)
        ownOnly.set(e.entryId, e)
      }
    }
    pending = next
  }
  if (whole !== undefined) await checkWholeList(list, owner, whole, [...ownOnly.values()], theirs)
  const differences: Difference[] = compareElements(ownOnly.values(), theirs)
  return { differences, roundTrips, rangesAsked }
}

/** The owner's whole list, less what only it holds, plus what only the replica holds, must be the replica's. */
async function checkWholeList (
  list: OwnerList, owner: string, whole: WholeListV2, ownOnly: readonly HashedElement[], theirs: readonly DetailV2[]
): Promise<void> {
  const fp = await list.fingerprint('')
  const expected = { n: fp.n, s1: fp.s1, s2: fp.s2 }
  const minus = emptyFingerprint()
  for (const e of ownOnly) addElement(minus, e)
  const plus = emptyFingerprint()
  for (const d of theirs) addElement(plus, hashElement(owner, d))
  expected.n += plus.n - minus.n
  expected.s1 = (((expected.s1 + plus.s1 - minus.s1) % MOD) + MOD) % MOD
  expected.s2 = (((expected.s2 + plus.s2 - minus.s2) % MOD) + MOD) % MOD
  if (expected.n !== whole.n || expected.s1 !== whole.s1 || expected.s2 !== whole.s2) {
    throw new WholeListMismatch('the whole-list check failed: a short fingerprint matched by chance, or a list changed during the run')
  }
}

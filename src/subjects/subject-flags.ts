import type { SubjectFlagsV1 } from '../../contracts/subject-entries-v1.js'

export interface FlaggableEntry { owner: string, entryId: string, listType: string, domain: string }

/**
 * Flags what one subject's current entries say against each other, without merging anything:
 * a red-list entry beside a black-list one (又红又黑, e.g. a major tax violator rated A-class), and
 * the same kind of listing in the same domain by more than one platform (repeat listings).
 */
export function subjectFlags (entries: readonly FlaggableEntry[]): SubjectFlagsV1 {
  const ref = (e: FlaggableEntry): string => `${e.owner}:${e.entryId}`
  const red = entries.filter((e) => e.listType === 'red')
  const black = entries.filter((e) => e.listType === 'black')
  const contradictions = red.length > 0 && black.length > 0
    ? [{
        red: red.map(ref),
        black: black.map(ref),
        acrossProvinces: red.some((r) => black.some((b) => b.owner !== r.owner))
      }]
    : []
  const groups = new Map<string, FlaggableEntry[]>()
  for (const e of entries) groups.set(`${e.listType}\u0000${e.domain}`, [...(groups.get(`${e.listType}\u0000${e.domain}`) ?? []), e])
  const repeatListings = [...groups.values()]
    .filter((g) => new Set(g.map((e) => e.owner)).size > 1)
    .map((g) => ({
      listType: g[0]?.listType ?? '',
      domain: g[0]?.domain ?? '',
      platforms: [...new Set(g.map((e) => e.owner))].sort(),
      entries: g.map(ref)
    }))
  return { contradictions, repeatListings }
}

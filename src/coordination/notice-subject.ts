import type { SubjectV1 } from '../../contracts/subject-v1.js'

/**
 * Where a notice's subject departs from its entry's subject as the ledger holds it, as a JSON
 * pointer into the item (never the value), or undefined when it does not. A notice may leave out
 * what the ledger has (a platform that may not hold identity numbers sends the subject as it
 * holds it) but may add or change nothing: otherwise a platform could attach another person's
 * identity number to someone else's case, and the gateway would carry it to every implementer.
 */
export function subjectMismatch (notice: SubjectV1, entry: SubjectV1): string | undefined {
  if (notice.type !== entry.type) return '/subject/type'
  if (notice.name !== entry.name) return '/subject/name'
  if (notice.creditCode !== undefined && notice.creditCode !== entry.creditCode) return '/subject/creditCode'
  if (notice.idNumber !== undefined && notice.idNumber !== entry.idNumber) return '/subject/idNumber'
  const held = entry.responsiblePersons ?? []
  for (const [i, p] of (notice.responsiblePersons ?? []).entries()) {
    const same = held.some((e) => e.role === p.role && e.name === p.name && (
      p.idNumber === undefined || p.idNumber === e.idNumber
    ) &&
      (p.creditCode === undefined || p.creditCode === e.creditCode))
    if (!same) return `/subject/responsiblePersons/${i}`
  }
  return undefined
}

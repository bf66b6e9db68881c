import type pg from 'pg'

/** One registered lookup (国办发〔2020〕49号 (十三)): who, what, when, why. */
export interface QueryRecord {
  principal: string
  role: string
  route: string
  /** The subject's keyed digest (SubjectDigests.digest): never the identifier, never an unkeyed hash of it. */
  subjectDigest: string
  subjectMasked: string
  purpose: string
  resultCount: number
}

/** Appends a query-log record and returns its id. */
export async function recordQuery (client: pg.Pool | pg.PoolClient, q: QueryRecord): Promise<number> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO query_log (principal, role, route, subject_masked, subject_hash, purpose, result_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [q.principal, q.role, q.route, q.subjectMasked, q.subjectDigest, q.purpose, q.resultCount])
  return Number(rows[0]?.id)
}

/**
 * Why an admin issuer's or a department system's id cannot be used, or undefined. A principal is
 * named `<issuer>` or `<issuer>:<sub>` (and a dashboard account `local:<username>`), so an id with
 * a `:` (or `local` itself) lets two configured parties produce one principal id: `a:b` with `sub`
 * `c` and `a` with `sub` `b:c` would share the query log, the audit trail and every check.
 */
export function issuerIdProblem (id: string): string | undefined {
  if (id.includes(':')) return `${JSON.stringify(id)} contains ':', which separates an issuer from its sub in principal ids (two issuers could then name one principal)`
  if (id === 'local') return '"local" names the dashboard\'s own accounts (principal local:<username>)'
  return undefined
}

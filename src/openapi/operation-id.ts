const word = (s: string): string => s === '' ? '' : `${s[0]?.toUpperCase() ?? ''}${s.slice(1).toLowerCase()}`

/**
 * A stable operationId from the method and the path (both fixed by the contract), e.g.
 * `GET /v1/messages/{jti}` → `getV1MessagesByJti`, `GET /.well-known/jwks.json` → `getWellKnownJwksJson`.
 */
export function operationIdOf (method: string, path: string): string {
  const parts = path.split('/').filter((s) => s !== '').map((segment) => {
    const param = /^\{(.+)\}$/.exec(segment)
    const words = (param?.[1] ?? segment).split(/[^A-Za-z0-9]+/).filter((w) => w !== '')
    const name = words.map((w) => w === w.toUpperCase() ? word(w) : `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`).join('')
    return param === null ? name : `By${name}`
  })
  return `${method.toLowerCase()}${parts.join('')}`
}

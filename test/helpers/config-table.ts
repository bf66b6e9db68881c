import type { TSchema } from '@sinclair/typebox'

interface Described {
  type?: string
  default?: unknown
  minimum?: number
  maximum?: number
  description?: string
  anyOf?: Array<{ const?: unknown, type?: string }>
  properties?: Record<string, Described>
}

function allowed (p: Described): string {
  if (p.anyOf !== undefined) return p.anyOf.map((a) => a.const === undefined ? a.type ?? '' : `\`${String(a.const)}\``).join(', ')
  if (p.type === 'integer') {
    if (p.maximum === undefined) return p.minimum === undefined ? 'integer' : `≥ ${p.minimum}`
    return `${p.minimum ?? '…'}–${p.maximum}`
  }
  if (p.type === 'array') return 'list'
  return p.type ?? ''
}

/**
 * The README's table of a config object's members, written from its schema: name (nested members
 * as `parent.member`), default, allowed values, description. The README holds this text; a test
 * fails when the two differ, so a default is written once, in the schema.
 */
export function configTable (schema: TSchema): string {
  const rows = ['| setting | default | allowed | what |', '|---|---|---|---|']
  const walk = (properties: Record<string, Described>, prefix: string): void => {
    for (const [name, p] of Object.entries(properties)) {
      if (p.type === 'object' && p.properties !== undefined) {
        walk(p.properties, `${prefix}${name}.`)
        continue
      }
      const description = (p.description ?? '').replaceAll('|', '\\|')
      rows.push(`| \`${prefix}${name}\` | \`${JSON.stringify(p.default)}\` | ${allowed(p)} | ${description} |`)
    }
  }
  walk((schema as Described).properties ?? {}, '')
  return rows.join('\n')
}

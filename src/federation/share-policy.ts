import type { ShareRule } from '../../config/peer-schema.js'

/** What a share rule looks at in an item: list entries name their list code and domain. */
interface Listed { listCode?: unknown, domain?: unknown }

function admits (rule: ShareRule, kind: string, items: readonly unknown[]): boolean {
  if (!(rule.kinds as readonly string[]).includes(kind)) return false
  return items.every((item) => {
    const { listCode, domain } = (typeof item === 'object' && item !== null ? item : {}) as Listed
    const named = (codes: readonly string[] | undefined, value: unknown): boolean =>
      codes === undefined || codes.length === 0 || codes.includes(String(value))
    return named(rule.listCodes, listCode) && named(rule.domains, domain)
  })
}

/**
 * Whether a message of `kind` with `items` may cross a peer link in the direction whose `rules` are
 * given: one rule must admit every item (a message is never split across the link). No rule, no message.
 */
export function sharedBy (rules: readonly ShareRule[], kind: string, items: readonly unknown[]): boolean {
  return rules.some((rule) => admits(rule, kind, items))
}

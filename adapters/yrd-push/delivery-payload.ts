/** A delivery's claims but its items, in the order they are serialised (docs/protocol.md#reference-push-protocol). */
export interface DeliveryHead { iss: string, aud: string, jti: string, iat: number, exp: number, kind: string }
export interface DeliveryTail {
  origin: string
  originDigest?: string | undefined
  /** A relayed message's publisher's own envelope and the gateways it passed (issue 18; docs/protocol.md). */
  publisher?: { envelope: string, via: string[] } | undefined
}

const RECENT = 8
// The items of the messages signed last, as UTF-8 JSON: a message goes to several destinations with the
// same items (one array: MessageItems), and a bulk message's items are 1.2 MB to serialise. Found by
// identity, so an array filtered for one destination (share scope, superseded items) is serialised anew.
const recent: Array<{ items: readonly unknown[], json: Buffer }> = []

function itemsJson (items: readonly unknown[]): Buffer {
  const hit = recent.find((r) => r.items === items)
  if (hit !== undefined) return hit.json
  const json = Buffer.from(JSON.stringify(items), 'utf8')
  recent.push({ items, json })
  if (recent.length > RECENT) recent.shift()
  return json
}

/**
 * The payload of a delivery: exactly the bytes of `JSON.stringify({ ...head, items, ...tail })` (as
 * the gateway's signer would serialise it; test/unit/delivery-payload.test.ts), its items serialised
 * once for all the destinations of a message.
 */
export function deliveryPayload (head: DeliveryHead, items: readonly unknown[], tail: DeliveryTail): Buffer {
  const h = JSON.stringify(head)
  const t = JSON.stringify(tail)
  return Buffer.concat([
    Buffer.from(`${h.slice(0, -1)},"items":`, 'utf8'),
    itemsJson(items),
    Buffer.from(t === '{}' ? '}' : `,${t.slice(1)}`, 'utf8')
  ])
}

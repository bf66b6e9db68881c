import type pg from 'pg'
import { messageItems } from './delivery-store.js'

const SIZE = 256

/**
 * The items of messages as their issuers sent them, decoded once and kept for the app that reads
 * them: a message goes to several destinations, and its items are read per delivery and per feed
 * page. One per app (the postgres plugin makes it), so two apps in one process never share entries.
 */
export class MessageItems {
  private readonly cache = new Map<string, unknown[]>()

  /** The items of message (`iss`, `jti`), from the cache or the ledger. */
  async of (db: pg.Pool | pg.PoolClient, iss: string, jti: string): Promise<unknown[]> {
    // A platform id has no ':' (PlatformIdV1): the key names one message.
    const key = `${iss}:${jti}`
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached
    const items = await messageItems(db, iss, jti)
    if (this.cache.size >= SIZE) this.cache.delete(this.cache.keys().next().value as string)
    this.cache.set(key, items)
    return items
  }

  /** Forgets a message whose stored envelope was shielded (personal fields erased). */
  forget (iss: string, jti: string): void {
    this.cache.delete(`${iss}:${jti}`)
  }
}

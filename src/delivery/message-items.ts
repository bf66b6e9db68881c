import type pg from 'pg'
import { messageItems } from './delivery-store.js'

const SIZE = 256

// A platform id has no ':' (PlatformIdV1): the key names one message.
const keyOf = (iss: string, jti: string): string => `${iss}:${jti}`

/**
 * The items of messages as their issuers sent them, decoded once and kept for the app that reads
 * them: a message goes to several destinations, and its items are read per delivery and per feed
 * page. One per app (the postgres plugin makes it), so two apps in one process never share entries.
 * A read in flight is shared: the workers of a message's destinations start together, and would
 * otherwise each read and decode the same envelope (1.6 MB for a bulk message).
 */
export class MessageItems {
  private readonly cache = new Map<string, Promise<unknown[]>>()

  /** The items of message (`iss`, `jti`), from the cache or the ledger. */
  async of (db: pg.Pool | pg.PoolClient, iss: string, jti: string): Promise<unknown[]> {
    const key = keyOf(iss, jti)
    const cached = this.cache.get(key)
    if (cached !== undefined) {
      try {
        return await cached
      } catch {
        // Another caller's read failed (on its own transaction's client, say): this one reads with its own.
      }
    }
    const read = messageItems(db, iss, jti)
    this.keep(key, read)
    try {
      return await read
    } catch (err) {
      // A failed read is not kept: the next caller reads again.
      if (this.cache.get(key) === read) this.cache.delete(key)
      throw err
    }
  }

  /**
   * Keeps the items of a message just committed, as decoded from its payload at ingest (the same
   * text the ledger stores), so its deliveries need not read the envelope back. A message already
   * kept, or being read, is left as it is.
   */
  seed (iss: string, jti: string, items: unknown[]): void {
    const key = keyOf(iss, jti)
    if (!this.cache.has(key)) this.keep(key, Promise.resolve(items))
  }

  // The oldest message makes room for a new one.
  private keep (key: string, items: Promise<unknown[]>): void {
    if (this.cache.size >= SIZE) this.cache.delete(this.cache.keys().next().value as string)
    this.cache.set(key, items)
  }

  /** Forgets a message whose stored envelope was shielded (personal fields erased). */
  forget (iss: string, jti: string): void {
    this.cache.delete(keyOf(iss, jti))
  }
}

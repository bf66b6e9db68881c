import {
  consistencyRanges, EMPTY_ROOT, inclusionRanges, leafHash, nodesCompletedBy, rangeHash, type NodeLookup
} from '../src/transparency/merkle-tree.js'

/**
 * A whole tree held in memory: the reference the tests and the transparency bench check the
 * gateway's stored logs against (the gateway itself never holds a whole tree).
 */
export class MemoryTree {
  private readonly nodes = new Map<string, Uint8Array>()
  size = 0

  readonly lookup: NodeLookup = ({ level, index }) => {
    const h = this.nodes.get(`${level}:${index}`)
    if (h === undefined) throw new RangeError(`no node at level ${level}, index ${index}`)
    return h
  }

  /** Appends a leaf (its raw bytes) and returns its index. */
  append (leaf: Uint8Array): number {
    return this.appendHash(leafHash(leaf))
  }

  appendHash (hash: Uint8Array): number {
    const index = this.size
    for (const n of nodesCompletedBy(index, hash, this.lookup)) this.nodes.set(`${n.level}:${n.index}`, n.hash)
    this.size += 1
    return index
  }

  root (size = this.size): Uint8Array {
    if (size > this.size || size < 0) throw new RangeError(`tree has ${this.size} leaves, not ${size}`)
    return size === 0 ? EMPTY_ROOT : rangeHash([0, size], this.lookup)
  }

  inclusionProof (index: number, size = this.size): Uint8Array[] {
    if (size > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${size}`)
    return inclusionRanges(index, size).map((r) => rangeHash(r, this.lookup))
  }

  consistencyProof (first: number, second = this.size): Uint8Array[] {
    if (second > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${second}`)
    return consistencyRanges(first, second).map((r) => rangeHash(r, this.lookup))
  }
}

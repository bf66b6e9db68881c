import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A temporary folder removed with the test, and a writer of files into it (a string as is, anything
 * else as JSON) that returns the file's path: the files a CLI test hands `credit-gw`.
 */
export function tempFiles (
  t: { teardown: (fn: () => void) => void }, prefix: string
): (name: string, value: unknown) => string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return (name, value) => {
    const path = join(dir, name)
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
    return path
  }
}

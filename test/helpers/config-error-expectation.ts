import type { Test } from 'tap'
import { ConfigError } from '../../config/config-error.js'

/**
 * Asserts that `load` refuses with a ConfigError naming `field` in a file ending with `fileEnd`,
 * and that the message names the file (what an operator reads at start-up).
 */
export function expectConfigError (t: Test, load: () => unknown, field: string, fileEnd: string, what: string): void {
  try {
    load()
    t.fail(`${what}: should not load`)
  } catch (err) {
    t.ok(err instanceof ConfigError, `${what}: ConfigError`)
    t.equal((err as ConfigError).field, field, `${what}: field`)
    t.ok((err as ConfigError).file.endsWith(fileEnd), `${what}: file`)
    t.match((err as Error).message, fileEnd, `${what}: message names the file`)
  }
}

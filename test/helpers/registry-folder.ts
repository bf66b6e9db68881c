import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Teardown { teardown: (fn: () => unknown) => void }

/** A config folder of a test's own, removed at teardown, whose registries the test writes file by file. */
export interface RegistryFolder {
  dir: string
  /** `dir/registries`, not yet created: a test may load without it first. */
  folder: string
  /** Writes one registry file: a value as JSON, a string as it stands (broken JSON included). */
  write: (file: string, value: unknown) => void
  /** Empties the registries folder. */
  reset: () => void
}

export function registryFolder (t: Teardown, prefix: string): RegistryFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const folder = join(dir, 'registries')
  return {
    dir,
    folder,
    write: (file, value) => {
      writeFileSync(join(folder, file), typeof value === 'string' ? value : JSON.stringify(value))
    },
    reset: () => { for (const f of readdirSync(folder)) rmSync(join(folder, f)) }
  }
}

/** A national measure that validates, for cases that break one field at a time. */
export const validMeasure = {
  code: 'm1',
  name: { zh: '措施', en: 'Measure' },
  kind: 'mandatory',
  effect: 'punitive',
  legalBasis: '国发〔2016〕33号 (二十)',
  appliedBy: 'finance'
}

/** A national black list type that validates, calling for {@link validMeasure}. */
export function validBlackListType (domain: string, severeCategory: string): Record<string, unknown> {
  return {
    code: 'b1',
    name: { zh: '黑名单', en: 'Black' },
    listType: 'black',
    domain,
    legalBasis: '国发〔2016〕33号 (九)',
    severeCategory,
    exit: { minimumMonths: 12, maximumMonths: 36, conditions: '期满移出' },
    repairable: true,
    objection: { measuresContinueDuringObjection: false },
    defaultMeasures: ['m1']
  }
}

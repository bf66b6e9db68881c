import { readFileSync } from 'node:fs'

/**
 * A secret given as `<NAME>` or as `<NAME>_FILE` (a path whose content is the value, the trailing
 * newline an editor or `echo` leaves trimmed), the way container secrets arrive (/run/secrets/…).
 * Both at once is refused: which one wins would be a guess. Empty counts as not given.
 */
export function secretFromEnv (env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const inline = env[name]
  const file = env[`${name}_FILE`]
  const given = (v: string | undefined): v is string => v !== undefined && v !== ''
  if (given(inline) && given(file)) throw new Error(`${name} and ${name}_FILE are both set: give one of them`)
  if (!given(file)) return given(inline) ? inline : undefined
  let content: string
  try {
    content = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`${name}_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
  }
  return content.replace(/(\r?\n)+$/, '')
}

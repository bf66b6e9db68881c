import { readFileSync } from 'node:fs'
import { Value } from '@sinclair/typebox/value'
import type { TSchema, Static } from '@sinclair/typebox'
import { ConfigError } from './config-error.js'

/** Reads a JSON config file; a missing or malformed file is a ConfigError naming it. */
export function readJson (file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(file, '', `cannot read: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigError(file, '', `not JSON: ${(err as Error).message}`)
  }
}

/** Fills the schema's defaults and validates; the first problem is a ConfigError naming file and field. */
export function validated<T extends TSchema> (schema: T, raw: unknown, file: string): Static<T> {
  const value = Value.Default(schema, Value.Clone(raw))
  const first = Value.Errors(schema, value).First()
  if (first !== undefined) throw new ConfigError(file, first.path, first.message)
  return value as Static<T>
}

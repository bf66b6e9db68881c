/**
 * Why the configuration cannot be used, a closed list: a config file that does not validate, or a
 * platform secret (environment `GW_<ID>_<NAME>`) that is missing or malformed.
 */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'SECRET_MISSING' | 'SECRET_INVALID'

/**
 * Raised when the config folder does not validate, or a platform's secrets do not (`file` is then
 * `environment` and `field` the variable); the message names the file and the field.
 */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode

  constructor (readonly file: string, readonly field: string, reason: string, code: ConfigErrorCode = 'CONFIG_INVALID') {
    super(`${file}: ${field === '' ? '(root)' : field}: ${reason}`)
    this.name = 'ConfigError'
    this.code = code
  }
}

/** Raised when the config folder does not validate; the message names the file and the field. */
export class ConfigError extends Error {
  constructor (readonly file: string, readonly field: string, reason: string) {
    super(`${file}: ${field === '' ? '(root)' : field}: ${reason}`)
    this.name = 'ConfigError'
  }
}

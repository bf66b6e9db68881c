import type { T } from '../i18n'

/** A delivery status, a platform's health, a case's status or a platform's part in it as a coloured badge (classes in
 * styles.css). */
export function Badge ({ kind, value, t }: { kind: 'status' | 'health' | 'case' | 'pstate' | 'finding' | 'run', value: string, t: T }) {
  return <span class={`badge ${kind}-${value}`} data-testid={`${kind}-${value}`}>{t(`${kind}.${value}`)}</span>
}

export function ErrorLine ({ error, t }: { error: Error | undefined, t: T }) {
  if (error === undefined) return null
  const code = (error as { code?: string }).code
  return <p class='error' role='alert'>{t('error')}: {code === undefined ? '' : `[${code}] `}{error.message}</p>
}

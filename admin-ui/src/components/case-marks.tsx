import type { T } from '../i18n'
import type { CasePlatform } from '../pages/case-labels'
import { Badge } from './status'

/** A platform's late marks in a case: response late, feedback late (nothing when on time). */
export function LateMarks ({ p, t }: { p: CasePlatform, t: T }) {
  return (
    <>
      {p.overdue.response && <span class='late' data-testid='late-response'>{t('responseLate')}</span>}
      {p.overdue.feedback && <span class='late' data-testid='late-feedback'>{t('feedbackLate')}</span>}
    </>
  )
}

/** One implementing platform's state in a case with its late marks. */
export function PlatformState ({ p, t }: { p: CasePlatform, t: T }) {
  return <><Badge kind='pstate' value={p.state} t={t} /> <LateMarks p={p} t={t} /></>
}

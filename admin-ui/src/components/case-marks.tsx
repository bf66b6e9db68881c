import type { T } from '../i18n'
import type { Case, CasePlatform } from '../pages/case-labels'
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

/**
 * A deadline with a mark when its year's holiday calendar is provisional or missing (the working-day
 * date may be wrong): `deadlineCalendar` of the case API, per deadline.
 */
export function Deadline ({ c, which, t }: { c: Case, which: 'respondBy' | 'feedbackBy', t: T }) {
  const cal = c.deadlineCalendar?.[which] ?? 'official'
  return (
    <>
      {c[which]}
      {cal !== 'official' && <> <span class='calendar-mark' data-testid={`calendar-${which}`} data-calendar={cal} title={t(`calendarHint.${cal}`)}>{t(`calendar.${cal}`)}</span></>}
    </>
  )
}

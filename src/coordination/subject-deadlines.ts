import type { WorkingCalendar } from '../../config/calendar-schema.js'
import type { RegisteredListType } from '../../config/registry-schema.js'
import { addWorkingDays } from '../punishment/working-days.js'
import { addMonths } from '../envelopes/validity-period.js'

/**
 * Working days an owner has to resolve an objection when its list type names none: 国发〔2016〕33号
 * (二十二) asks the source to verify "尽快" and gives no number (nor does any other seed), so the
 * gateway's default is a setting, not law; a list type sets its own in
 * `objection.answerWithinWorkingDays`.
 */
export const DEFAULT_OBJECTION_WORKING_DAYS = 10

/**
 * Working days an owner has to decide a repair request when its list type names none: 国办发〔2020〕
 * 49号 (十二) requires repairs "在规定时限内办结" without a number; a list type sets its own in
 * `exit.repairWithinWorkingDays`.
 */
export const DEFAULT_REPAIR_WORKING_DAYS = 15

/**
 * The day an objection lodged on `lodgedOn` must be answered by: that many working days after the
 * subject lodged it (the day itself not counted), to 24:00 China Standard Time.
 */
export function objectionAnswerBy (
  lodgedOn: string, listType: RegisteredListType | undefined, cal: WorkingCalendar
): string {
  return addWorkingDays(lodgedOn, listType?.objection.answerWithinWorkingDays ?? DEFAULT_OBJECTION_WORKING_DAYS, cal)
}

/** The day a repair requested on `requestedOn` must be decided by (working days, 24:00 CST). */
export function repairDecideBy (
  requestedOn: string, listType: RegisteredListType | undefined, cal: WorkingCalendar
): string {
  return addWorkingDays(requestedOn, listType?.exit.repairWithinWorkingDays ?? DEFAULT_REPAIR_WORKING_DAYS, cal)
}

/**
 * The earliest day an entry valid from `validFrom` may be repaired: `minimumMonths` calendar months
 * later (the list type's `exit.minimumMonths`, e.g. "列入满一年"), the same month arithmetic as the
 * validity bounds (`addMonths`: a 31 January start and one month give the last day of February).
 * The number is the list type's own rule (49号 (十一): the departments set 修复方式和程序; 33号
 * (二十一): they set each listing's 联合惩戒期限); no seed states a number.
 */
export function earliestRepairOn (validFrom: string, minimumMonths: number | undefined): string {
  return minimumMonths === undefined ? validFrom : addMonths(validFrom, minimumMonths)
}

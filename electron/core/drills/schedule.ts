/**
 * When a business's next restore drill is due. Pure.
 *
 * "Every N days" counts from the last drill of the business, whoever
 * started it: a drill run by hand yesterday satisfies a weekly schedule
 * until six days from now. With no drill yet the first one is due at once;
 * a drill missed while the console was closed is due as soon as it runs.
 */
export const DAY_MS = 86_400_000;

export interface ScheduleTiming {
  enabled: boolean;
  everyDays: number;
}

/** Milliseconds since the epoch, or undefined when the schedule is off. */
export function nextRunAt(
  schedule: ScheduleTiming,
  lastDrillAt: number | undefined,
  now: number,
): number | undefined {
  if (!schedule.enabled) return undefined;
  if (lastDrillAt === undefined || !Number.isFinite(lastDrillAt)) return now;
  return Math.max(now, lastDrillAt + schedule.everyDays * DAY_MS);
}

/** Due now? (a schedule with no next time never is). */
export function isDue(nextAt: number | undefined, now: number): boolean {
  return nextAt !== undefined && nextAt <= now;
}

/**
 * How old a passed drill may be before the board warns: the schedule's
 * interval plus a day of grace (the console may have been closed for a
 * day), else DEFAULT_DRILL_MAX_AGE_DAYS for businesses without one.
 */
export const DEFAULT_DRILL_MAX_AGE_DAYS = 30;

export function drillMaxAgeDays(schedule: ScheduleTiming | undefined): number {
  if (!schedule?.enabled) return DEFAULT_DRILL_MAX_AGE_DAYS;
  return schedule.everyDays + 1;
}

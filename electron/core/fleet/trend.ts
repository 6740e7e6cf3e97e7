/**
 * Items per status per day for the trend chart: for each local calendar
 * day, the counts of the LAST finished check of that day (a day's later
 * check supersedes its earlier ones). Days without a finished check are
 * left out rather than shown as zero. Pure.
 */
import type { z } from 'zod';
import type { CheckTrendPointSchema, DailyCheck } from '../../../shared';

export type CheckTrendPoint = z.infer<typeof CheckTrendPointSchema>;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** YYYY-MM-DD in this process's local time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight starting the day `daysBack` days before the day of `now`. */
export function localDayStart(now: number, daysBack: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysBack).getTime();
}

/**
 * `checks` in any order; only finished ("done") checks count. `days` = 1
 * means today only.
 */
export function checkTrend(
  checks: readonly Pick<DailyCheck, 'startedAt' | 'status' | 'summary'>[],
  days: number,
  now: number,
  dayOf: (ms: number) => string = localDay,
): CheckTrendPoint[] {
  const from = localDayStart(now, Math.max(1, Math.floor(days)) - 1);
  const last = new Map<string, { at: number; check: Pick<DailyCheck, 'summary'> }>();
  for (const c of checks) {
    if (c.status !== 'done') continue;
    const at = Date.parse(c.startedAt);
    if (Number.isNaN(at) || at < from || at > now) continue;
    const day = dayOf(at);
    const seen = last.get(day);
    if (!seen || at >= seen.at) last.set(day, { at, check: c });
  }
  return [...last.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, { check }]) => ({
      day,
      ok: check.summary.ok,
      warning: check.summary.warning,
      failing: check.summary.failing,
    }));
}

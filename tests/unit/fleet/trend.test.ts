import { describe, expect, it } from 'vitest';
import { checkTrend, localDay, localDayStart } from '../../../electron/core/fleet/trend';

const summary = (ok: number, warning: number, failing: number) => ({ ok, warning, failing });

describe('checkTrend', () => {
  // A fixed "day of" function (UTC) keeps the test independent of the machine's zone.
  const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const now = Date.parse('2026-11-21T12:00:00Z');

  it('takes the last finished check of each day, oldest day first, days without a check left out', () => {
    const points = checkTrend(
      [
        { startedAt: '2026-11-21T07:00:00.000Z', status: 'done', summary: summary(10, 1, 3) },
        { startedAt: '2026-11-21T09:00:00.000Z', status: 'done', summary: summary(12, 1, 1) },
        { startedAt: '2026-11-21T11:00:00.000Z', status: 'failed', summary: summary(1, 0, 0) },
        { startedAt: '2026-11-21T11:30:00.000Z', status: 'running', summary: summary(0, 0, 0) },
        { startedAt: '2026-11-19T08:00:00.000Z', status: 'done', summary: summary(9, 2, 4) },
      ],
      30,
      now,
      utcDay,
    );
    expect(points).toEqual([
      { day: '2026-11-19', ok: 9, warning: 2, failing: 4 },
      { day: '2026-11-21', ok: 12, warning: 1, failing: 1 },
    ]);
  });

  it('keeps only the last N days (today counts as one)', () => {
    const checks = [0, 1, 2, 3].map((back) => ({
      startedAt: new Date(localDayStart(now, back) + 3_600_000).toISOString(),
      status: 'done' as const,
      summary: summary(back, 0, 0),
    }));
    expect(checkTrend(checks, 2, now).map((p) => p.ok)).toEqual([1, 0]);
    expect(checkTrend(checks, 1, now).map((p) => p.day)).toEqual([localDay(now)]);
  });

  it('is empty without checks', () => {
    expect(checkTrend([], 30, now)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { CheckStatus, DailyCheckItem } from '../../../shared';
import type { AlertStateRow } from '../../../electron/core/alerts/alert-store';
import { decideAlerts, eventKindFor, subjectOf } from '../../../electron/core/alerts/firing';

const H = 3_600_000;
let nextId = 1;

function item(over: Partial<DailyCheckItem> & { status: CheckStatus }): DailyCheckItem {
  return {
    id: nextId++,
    businessId: 'biz-a',
    businessName: 'A',
    hostId: 'host-1',
    hostName: 'web-1',
    planId: 'plan-1',
    repositoryId: 'repo-1',
    item: 'freshness',
    reason: 'why',
    data: { ageHours: 40 },
    at: '2026-11-21T06:00:00.000Z',
    ...over,
  };
}

const businesses = new Map([
  ['biz-a', 'A'],
  ['biz-b', 'B'],
]);
const byHost = new Map([['host-1', ['biz-a', 'biz-b']]]);

function run(items: DailyCheckItem[], previous: AlertStateRow[], now: number, reminderHours = 24) {
  return decideAlerts('check-x', items, previous, businesses, byHost, now, { reminderHours });
}

function fired(d: ReturnType<typeof run>): string[] {
  return [...d.fire.values()].flatMap((e) =>
    e.items.map((f) => `${f.businessId}:${f.event}${f.reminder ? ':reminder' : ''}`),
  );
}

describe('which items alert', () => {
  it('fires when an item becomes failing, not while it stays failing, and reminds after the period', () => {
    const t0 = 1_000 * H;
    const first = run([item({ status: 'failing' })], [], t0);
    expect(fired(first)).toEqual(['biz-a:backup-stale']);
    const again = run([item({ status: 'failing' })], first.states, t0 + 1 * H);
    expect(fired(again)).toEqual([]);
    const stillBefore = run([item({ status: 'failing' })], again.states, t0 + 23.9 * H);
    expect(fired(stillBefore)).toEqual([]);
    const reminder = run([item({ status: 'failing' })], stillBefore.states, t0 + 24 * H);
    expect(fired(reminder)).toEqual(['biz-a:backup-stale:reminder']);
    // The reminder restarts the period, and the failing-since time is kept.
    expect(reminder.states[0]!.failingSince).toBe(t0);
    expect(fired(run([item({ status: 'failing' })], reminder.states, t0 + 30 * H))).toEqual([]);
  });

  it('a recovery then a new failure alerts again; warnings never alert', () => {
    const t0 = 0;
    const a = run([item({ status: 'failing' })], [], t0);
    const ok = run([item({ status: 'ok' })], a.states, t0 + H);
    expect(fired(ok)).toEqual([]);
    const warn = run([item({ status: 'warning' })], ok.states, t0 + 2 * H);
    expect(fired(warn)).toEqual([]);
    expect(fired(run([item({ status: 'failing' })], warn.states, t0 + 3 * H))).toEqual([
      'biz-a:backup-stale',
    ]);
  });

  it('host items go to every business using the host; lock items of one repository are one subject', () => {
    const host = item({
      status: 'failing',
      businessId: null,
      businessName: null,
      item: 'reachable',
      planId: null,
      repositoryId: null,
      data: {},
    });
    const locks = [
      item({ status: 'ok', item: 'locks', planId: null, data: {} }),
      item({ status: 'failing', item: 'locks', planId: null, data: {} }),
    ];
    const d = run([host, ...locks], [], 0);
    expect(fired(d).sort()).toEqual(['biz-a:check-failed', 'biz-a:check-failed', 'biz-b:check-failed']);
    expect(d.states.filter((s) => s.subject === subjectOf(locks[0]!))).toHaveLength(1);
  });

  it('folds what is over the per-business limit into one', () => {
    const many = Array.from({ length: 14 }, (_, n) => item({ status: 'failing', planId: `plan-${n}` }));
    const d = decideAlerts('c', many, [], businesses, byHost, 0, { maxPerBusiness: 5 });
    const e = d.fire.get('biz-a')!;
    expect(e.items).toHaveLength(4);
    expect(e.folded).toHaveLength(10);
  });

  it('names the kind of alert', () => {
    expect(eventKindFor({ item: 'freshness', data: { ageHours: 30 } })).toBe('backup-stale');
    expect(eventKindFor({ item: 'freshness', data: { snapshots: 0 } })).toBe('backup-stale');
    expect(eventKindFor({ item: 'freshness', data: {} })).toBe('check-failed');
    expect(eventKindFor({ item: 'runner', data: {} })).toBe('backup-failed');
    expect(eventKindFor({ item: 'drill', data: {} })).toBe('drill-failed');
    expect(eventKindFor({ item: 'repository', data: {} })).toBe('check-failed');
  });
});

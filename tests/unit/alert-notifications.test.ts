import { describe, expect, it } from 'vitest';
import type { AlertFired } from '../../shared';
import {
  AlertNotifier,
  formatAlertNotification,
  type NotificationText,
} from '../../electron/main/alert-notifications';

const base: AlertFired = {
  businessId: 'biz-1',
  businessName: 'Shop',
  event: 'backup-stale',
  count: 1,
  headline: 'Backup stale · web-1 / nightly: last snapshot 31 h ago, target 26 h',
  delivered: 2,
  failed: 0,
  at: '2026-11-21T06:00:00.000Z',
};

describe('desktop notification text', () => {
  it('one business: its alert in words, how many more, and delivery trouble', () => {
    expect(formatAlertNotification([base])).toEqual({
      title: 'Backup stale · Shop',
      body: 'Backup stale · web-1 / nightly: last snapshot 31 h ago, target 26 h',
    });
    expect(formatAlertNotification([{ ...base, count: 3, delivered: 0, failed: 2 }]).body).toMatch(
      /\(\+2 more\) — not delivered to any channel/,
    );
    expect(formatAlertNotification([{ ...base, delivered: 1, failed: 1 }]).body).toMatch(
      /1 deliveries failed$/,
    );
    expect(formatAlertNotification([{ ...base, delivered: 0, failed: 0 }]).body).toMatch(/no alert channel$/);
  });

  it('several businesses: one line each, capped', () => {
    const batch = Array.from({ length: 6 }, (_, n) => ({
      ...base,
      businessId: `biz-${n}`,
      businessName: `B${n}`,
      count: n + 1,
      event: n % 2 ? ('backup-failed' as const) : ('check-failed' as const),
    }));
    const t = formatAlertNotification(batch);
    expect(t.title).toBe('21 alerts for 6 businesses');
    expect(t.body.split('\n')).toEqual([
      'B0: daily check failing',
      'B1: backup failed (2)',
      'B2: daily check failing (3)',
      'B3: backup failed (4)',
      '+2 more businesses',
    ]);
  });
});

describe('batching', () => {
  it('events within the window make one notification; later ones another', () => {
    const shown: NotificationText[] = [];
    let pending: (() => void) | undefined;
    const timers = {
      setTimeout: (fn: () => void) => {
        pending = fn;
        return 1;
      },
      clearTimeout: () => {
        pending = undefined;
      },
    };
    const n = new AlertNotifier((t) => shown.push(t), { timers });
    n.push(base);
    n.push({ ...base, businessId: 'b2', businessName: 'Docs' });
    expect(shown).toEqual([]);
    pending!();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toBe('2 alerts for 2 businesses');
    n.push(base);
    pending!();
    expect(shown[1]!.title).toBe('Backup stale · Shop');
    n.push(base);
    n.dispose();
    expect(pending).toBeUndefined();
    expect(shown).toHaveLength(2);
  });
});

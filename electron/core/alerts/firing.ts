/**
 * Which daily-check items become alerts. Pure: the service feeds it the
 * check's items and the state left by the previous check, and stores the
 * state it returns.
 *
 * The rule (no repeat storm):
 * - A *subject* is one thing checked for one business: item kind + host +
 *   repository + plan (several lock items of one repository are one subject;
 *   its status is the worst of them).
 * - A subject that is failing now and was not failing at the previous check
 *   (ok, warning, or not seen) alerts once: "it became failing".
 * - A subject still failing alerts again only as a *reminder*, at most once
 *   per `reminderHours` (default 24 h) counted from its last alert.
 * - Warnings never alert; a subject that recovers is simply remembered as
 *   ok, so failing again later is a change and alerts again.
 * - An attempt counts as alerted whether or not a channel took it (a
 *   receiver that is down must not turn every check into a new alert; the
 *   failed delivery is in the history, and the reminder tries again).
 * - Host items (reachable, restic, leftover) belong to no business: they go
 *   to every business with a repository or plan on that host.
 * - At most `maxPerBusiness` alerts per business per check; the rest are
 *   folded into one "and N more" alert.
 */
import type { AlertEventKind, CheckStatus, DailyCheckItem } from '../../../shared';
import type { AlertStateRow } from './alert-store';

export const DEFAULT_REMINDER_HOURS = 24;
export const DEFAULT_MAX_PER_BUSINESS = 10;

export interface FiringOptions {
  reminderHours?: number;
  maxPerBusiness?: number;
}

export interface FiredItem {
  businessId: string;
  businessName: string;
  event: AlertEventKind;
  subject: string;
  item: DailyCheckItem;
  reminder: boolean;
}

export interface FiringDecision {
  /** Per business, the alerts to send now (in the order to send them). */
  fire: Map<string, { businessName: string; items: FiredItem[]; folded: FiredItem[] }>;
  /** The state to keep for the next check. */
  states: AlertStateRow[];
}

const SEVERITY: Record<CheckStatus, number> = { ok: 0, warning: 1, failing: 2 };

/** The kind of alert a failing item is. */
export function eventKindFor(item: Pick<DailyCheckItem, 'item' | 'data'>): AlertEventKind {
  if (item.item.startsWith('runner')) return 'backup-failed';
  if (item.item.includes('drill')) return 'drill-failed';
  if (item.item === 'freshness') {
    // Stale: there is an age to compare, or no snapshot at all; otherwise the freshness could not be checked.
    const d = item.data;
    if (typeof d.ageHours === 'number' || d.snapshots === 0) return 'backup-stale';
  }
  return 'check-failed';
}

/** Most urgent first when a business has more alerts than it may get one by one. */
const EVENT_ORDER: Record<AlertEventKind, number> = {
  'backup-failed': 0,
  'backup-stale': 1,
  'drill-failed': 2,
  'check-failed': 3,
  test: 4,
};

export function subjectOf(item: Pick<DailyCheckItem, 'item' | 'hostId' | 'repositoryId' | 'planId'>): string {
  return [item.item, item.hostId ?? '', item.repositoryId ?? '', item.planId ?? ''].join('|');
}

export function decideAlerts(
  checkId: string,
  items: readonly DailyCheckItem[],
  previous: readonly AlertStateRow[],
  /** Businesses by id (name), and which businesses use each host. */
  businesses: ReadonlyMap<string, string>,
  businessesByHost: ReadonlyMap<string, readonly string[]>,
  now: number,
  options: FiringOptions = {},
): FiringDecision {
  const reminderMs = (options.reminderHours ?? DEFAULT_REMINDER_HOURS) * 3_600_000;
  const maxPerBusiness = Math.max(1, options.maxPerBusiness ?? DEFAULT_MAX_PER_BUSINESS);
  const before = new Map(previous.map((s) => [`${s.businessId}\u0000${s.subject}`, s]));

  // Worst item per (business, subject).
  const current = new Map<string, { businessId: string; subject: string; item: DailyCheckItem }>();
  for (const item of items) {
    const owners = item.businessId
      ? [item.businessId]
      : item.hostId
        ? [...(businessesByHost.get(item.hostId) ?? [])]
        : [];
    const subject = subjectOf(item);
    for (const businessId of owners) {
      const key = `${businessId}\u0000${subject}`;
      const seen = current.get(key);
      if (!seen || SEVERITY[item.status] > SEVERITY[seen.item.status])
        current.set(key, { businessId, subject, item });
    }
  }

  const states: AlertStateRow[] = [];
  const toFire: FiredItem[] = [];
  for (const [key, { businessId, subject, item }] of current) {
    const prev = before.get(key);
    const businessName = businesses.get(businessId) ?? item.businessName ?? businessId;
    if (item.status !== 'failing') {
      states.push({
        businessId,
        subject,
        status: item.status,
        failingSince: null,
        lastAlertedAt: null,
        lastCheckId: checkId,
      });
      continue;
    }
    const wasFailing = prev?.status === 'failing';
    const due = !wasFailing || prev.lastAlertedAt === null || now - prev.lastAlertedAt >= reminderMs;
    states.push({
      businessId,
      subject,
      status: 'failing',
      failingSince: wasFailing ? (prev.failingSince ?? now) : now,
      lastAlertedAt: due ? now : (prev?.lastAlertedAt ?? null),
      lastCheckId: checkId,
    });
    if (due)
      toFire.push({
        businessId,
        businessName,
        event: eventKindFor(item),
        subject,
        item,
        reminder: wasFailing,
      });
  }

  const fire: FiringDecision['fire'] = new Map();
  for (const f of toFire) {
    const entry = fire.get(f.businessId) ?? { businessName: f.businessName, items: [], folded: [] };
    entry.items.push(f);
    fire.set(f.businessId, entry);
  }
  for (const entry of fire.values()) {
    entry.items.sort(
      (a, b) =>
        EVENT_ORDER[a.event] - EVENT_ORDER[b.event] ||
        Number(a.reminder) - Number(b.reminder) ||
        a.subject.localeCompare(b.subject),
    );
    if (entry.items.length > maxPerBusiness) {
      entry.folded = entry.items.slice(maxPerBusiness - 1);
      entry.items = entry.items.slice(0, maxPerBusiness - 1);
    }
  }
  return { fire, states };
}

/**
 * Choosing what to restore from: a business's repositories, the hosts its
 * snapshots were made on, and "the latest snapshot before a time". Pure.
 */
import type { HostDetail, Repo, Snapshot } from '../../../../shared';

/** A repository belongs to a business by id, or (older inventory rows) by the business's name. */
export function reposOfBusiness(
  repos: readonly Repo[],
  business: { id: string; name: string } | null,
): Repo[] {
  if (!business) return [];
  return repos.filter((r) => r.businessId === business.id || (!r.businessId && r.business === business.name));
}

/** Primary before offsite, then by name: the repository an engineer means first. */
export function orderRepos(repos: readonly Repo[]): Repo[] {
  const rank = (r: Repo) => (r.role === 'offsite' ? 1 : 0);
  return [...repos].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export interface SnapshotHost {
  hostname: string;
  count: number;
  /** ISO time of its newest snapshot. */
  latest: string;
}

/** The host names snapshots were made on, newest activity first. */
export function snapshotHosts(snapshots: readonly Snapshot[]): SnapshotHost[] {
  const byHost = new Map<string, SnapshotHost>();
  for (const s of snapshots) {
    const h = byHost.get(s.hostname);
    if (!h) byHost.set(s.hostname, { hostname: s.hostname, count: 1, latest: s.time });
    else {
      h.count += 1;
      if (Date.parse(s.time) > Date.parse(h.latest)) h.latest = s.time;
    }
  }
  return [...byHost.values()].sort(
    (a, b) => Date.parse(b.latest) - Date.parse(a.latest) || a.hostname.localeCompare(b.hostname),
  );
}

/** One host's snapshots, newest first. */
export function snapshotsOfHost(snapshots: readonly Snapshot[], hostname: string | null): Snapshot[] {
  if (hostname === null) return [];
  return snapshots
    .filter((s) => s.hostname === hostname)
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : -1));
}

/**
 * The newest snapshot taken at or before `before` (restic records times with
 * their offset, so compare instants, not strings). Null when every snapshot
 * is newer, or the time is not a valid one.
 */
export function latestBefore(snapshots: readonly Snapshot[], before: Date | null): Snapshot | null {
  if (!before || Number.isNaN(before.getTime())) return null;
  const limit = before.getTime();
  let best: Snapshot | null = null;
  let bestAt = -Infinity;
  for (const s of snapshots) {
    const at = Date.parse(s.time);
    if (Number.isNaN(at) || at > limit) continue;
    if (at > bestAt || (at === bestAt && best !== null && s.id > best.id)) {
      best = s;
      bestAt = at;
    }
  }
  return best;
}

/**
 * A `datetime-local` value ("2026-11-20T14:30", the viewer's zone) as a
 * Date; null for anything else.
 */
export function parseLocalDateTime(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s ?? 0);
  // Reject rolled-over dates such as the 31st of February.
  if (date.getFullYear() !== y || date.getMonth() !== mo! - 1 || date.getDate() !== d) return null;
  return date;
}

/** A Date as a `datetime-local` value in the viewer's zone (minutes). */
export function toLocalDateTimeValue(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/**
 * The inventory host a snapshot's host name stands for: same name, same
 * address, or the same first label ("web-1" for "web-1.example.net"), case
 * aside. Null when none or more than one match: the user chooses then,
 * because restoring in place onto a guessed host is the mistake to prevent.
 */
export function matchInventoryHost(hosts: readonly HostDetail[], hostname: string): HostDetail | null {
  const want = hostname.trim().toLowerCase();
  if (!want) return null;
  const first = (s: string) => s.toLowerCase().split('.')[0] ?? '';
  const tiers: Array<(h: HostDetail) => boolean> = [
    (h) => h.name.toLowerCase() === want,
    (h) => (h.address ?? '').toLowerCase() === want,
    (h) => first(h.name) === first(want) || (h.address !== undefined && first(h.address) === first(want)),
  ];
  for (const tier of tiers) {
    const found = hosts.filter(tier);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) return null;
  }
  return null;
}

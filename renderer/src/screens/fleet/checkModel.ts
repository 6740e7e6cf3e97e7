/**
 * The renderer's side of the daily check: the board and the host table
 * come from shared/fleet-board.ts (the same derivation the core's exports
 * and tests use); this adds what the screen needs on top — per-host
 * freshness target and restic version, the item filters and their facets,
 * and the daily-check job's host counts. Pure.
 */
import type { CheckStatus, DailyCheckItem, JobRecord } from '../../../../shared';
import { STATUS_RANK } from '../../../../shared/fleet-board';
import type { CheckItemFilters } from '../../state/uiStore';

export { STATUS_RANK };
export const CHECK_STATUSES: readonly CheckStatus[] = ['failing', 'warning', 'ok'];

/** Worst first, then in check order. */
export function byUrgency(a: DailyCheckItem, b: DailyCheckItem): number {
  return STATUS_RANK[b.status] - STATUS_RANK[a.status] || a.id - b.id;
}

/** '' stands for "no business" / "no host" (fleet-wide items). */
export const businessKey = (i: Pick<DailyCheckItem, 'businessId'>) => i.businessId ?? '';
export const hostKey = (i: Pick<DailyCheckItem, 'hostId'>) => i.hostId ?? '';

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export interface HostExtras {
  /** The tightest freshness target among the host's enabled plans, in hours. */
  targetHours: number | null;
  /** restic's version on the host, from its `restic` item. */
  resticVersion: string | null;
}

/** Per host id: what the host table shows besides shared/fleet-board's row. */
export function hostExtras(items: readonly DailyCheckItem[]): Map<string, HostExtras> {
  const out = new Map<string, HostExtras>();
  for (const i of items) {
    if (i.hostId === null) continue;
    const e = out.get(i.hostId) ?? { targetHours: null, resticVersion: null };
    if (i.item === 'freshness' && i.data.disabled !== true) {
      const target = num(i.data.targetHours);
      if (target !== null && (e.targetHours === null || target < e.targetHours)) e.targetHours = target;
    }
    if (i.item === 'restic' && typeof i.data.version === 'string') e.resticVersion = i.data.version;
    out.set(i.hostId, e);
  }
  return out;
}

/** The plan or repository a reason is about, by name when the item carries it. */
export function subjectOf(item: {
  planId: string | null;
  planName?: string | null;
  repositoryId: string | null;
  repositoryName?: string | null;
}): { kind: 'plan' | 'repository'; name: string } | null {
  if (item.planId !== null) return { kind: 'plan', name: item.planName ?? item.planId };
  if (item.repositoryId !== null)
    return { kind: 'repository', name: item.repositoryName ?? item.repositoryId };
  return null;
}

// -------------------------------------------------------------- filters --

export function activeItemFilterCount(f: CheckItemFilters): number {
  return [
    f.statuses.length,
    f.businesses.length,
    f.hosts.length,
    f.kinds.length,
    f.text.trim().length,
  ].filter((n) => n > 0).length;
}

export function matchesItemFilters(item: DailyCheckItem, f: CheckItemFilters): boolean {
  if (f.statuses.length && !f.statuses.includes(item.status)) return false;
  if (f.businesses.length && !f.businesses.includes(businessKey(item))) return false;
  if (f.hosts.length && !f.hosts.includes(hostKey(item))) return false;
  if (f.kinds.length && !f.kinds.includes(item.item)) return false;
  const q = f.text.trim().toLowerCase();
  if (q) {
    const names = [item.data.planName, item.data.repositoryName]
      .filter((v) => typeof v === 'string')
      .join('\n');
    const hay =
      `${item.item}\n${item.reason}\n${item.hostName ?? ''}\n${item.businessName ?? ''}\n${names}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export interface ItemFacets {
  businesses: Array<{ key: string; name: string | null }>;
  hosts: Array<{ key: string; name: string | null }>;
  kinds: string[];
}

export function itemFacets(items: readonly DailyCheckItem[]): ItemFacets {
  const businesses = new Map<string, string | null>();
  const hosts = new Map<string, string | null>();
  const kinds = new Set<string>();
  for (const i of items) {
    if (!businesses.has(businessKey(i)) || (businesses.get(businessKey(i)) === null && i.businessName))
      businesses.set(businessKey(i), i.businessName);
    if (!hosts.has(hostKey(i)) || (hosts.get(hostKey(i)) === null && i.hostName))
      hosts.set(hostKey(i), i.hostName);
    kinds.add(i.item);
  }
  const sorted = (m: Map<string, string | null>) =>
    [...m.entries()]
      .map(([key, name]) => ({ key, name }))
      .sort((a, b) => (a.name ?? a.key).localeCompare(b.name ?? b.key));
  return { businesses: sorted(businesses), hosts: sorted(hosts), kinds: [...kinds].sort() };
}

/**
 * Which check items a board cell stands for: the items of that business
 * on that host, plus host items (no business) of that host — the shared
 * board puts those into every cell of the host.
 */
export function cellFilter(
  businessId: string | null,
  hostId: string | null,
): Pick<CheckItemFilters, 'businesses' | 'hosts'> {
  return {
    businesses: businessId === null ? [''] : [businessId, ''],
    hosts: [hostId ?? ''],
  };
}

// ------------------------------------------------------------------ job --

/** "3/7 hosts checked": the daily-check job's message carries the total its counters lack. */
export function checkJobHosts(job: Pick<JobRecord, 'counters' | 'progress'>): {
  done: number;
  total: number | null;
} {
  const m = /^(\d+)\s*\/\s*(\d+)\s+hosts/.exec(job.progress.message ?? '');
  const done = num(job.counters.hostsDone) ?? (m ? Number(m[1]) : 0);
  const total = num(job.counters.hostsTotal) ?? (m ? Number(m[2]) : null);
  return { done, total };
}

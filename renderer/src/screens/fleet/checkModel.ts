/**
 * The daily check's items arranged for the screen: a business × host
 * board, a host table by last-backup age, and the item filters. Pure (no
 * React, no i18n): names that are missing stay null for the UI to word.
 */
import type { CheckStatus, DailyCheckItem } from '../../../../shared';
import type { CheckItemFilters } from '../../state/uiStore';

export const STATUS_RANK: Record<CheckStatus, number> = { ok: 0, warning: 1, failing: 2 };
export const CHECK_STATUSES: readonly CheckStatus[] = ['failing', 'warning', 'ok'];

export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus | null {
  let worst: CheckStatus | null = null;
  for (const s of statuses) if (worst === null || STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

export type StatusCounts = Record<CheckStatus, number>;

function countStatuses(items: readonly DailyCheckItem[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warning: 0, failing: 0 };
  for (const i of items) counts[i.status] += 1;
  return counts;
}

/** Worst first, then by kind, so a cell's first lines are the reasons that matter. */
export function byUrgency(a: DailyCheckItem, b: DailyCheckItem): number {
  return STATUS_RANK[b.status] - STATUS_RANK[a.status] || a.item.localeCompare(b.item) || a.id - b.id;
}

/** '' stands for "no business" / "no host" (fleet-wide items). */
export const businessKey = (i: Pick<DailyCheckItem, 'businessId'>) => i.businessId ?? '';
export const hostKey = (i: Pick<DailyCheckItem, 'hostId'>) => i.hostId ?? '';

export interface BoardCell {
  status: CheckStatus;
  items: DailyCheckItem[];
  counts: StatusCounts;
}

export interface BoardRow {
  key: string;
  businessId: string | null;
  name: string | null;
  status: CheckStatus;
  counts: StatusCounts;
  cells: Map<string, BoardCell>;
}

export interface BoardColumn {
  key: string;
  hostId: string | null;
  name: string | null;
  status: CheckStatus;
}

export interface Board {
  rows: BoardRow[];
  columns: BoardColumn[];
}

export function buildBoard(items: readonly DailyCheckItem[]): Board {
  const rowItems = new Map<string, DailyCheckItem[]>();
  const colItems = new Map<string, DailyCheckItem[]>();
  for (const item of items) {
    const b = businessKey(item);
    const h = hostKey(item);
    (rowItems.get(b) ?? rowItems.set(b, []).get(b)!).push(item);
    (colItems.get(h) ?? colItems.set(h, []).get(h)!).push(item);
  }

  const columns: BoardColumn[] = [...colItems.entries()].map(([key, list]) => ({
    key,
    hostId: list[0]!.hostId,
    name: list.find((i) => i.hostName)?.hostName ?? null,
    status: worstStatus(list.map((i) => i.status)) ?? 'ok',
  }));
  // Hosts by name; fleet-wide items (no host) last.
  columns.sort((a, b) =>
    a.key === '' ? 1 : b.key === '' ? -1 : (a.name ?? a.key).localeCompare(b.name ?? b.key),
  );

  const rows: BoardRow[] = [...rowItems.entries()].map(([key, list]) => {
    const cells = new Map<string, BoardCell>();
    for (const item of list) {
      const h = hostKey(item);
      const cell = cells.get(h) ?? {
        status: 'ok' as CheckStatus,
        items: [],
        counts: { ok: 0, warning: 0, failing: 0 },
      };
      cell.items.push(item);
      cell.counts[item.status] += 1;
      if (STATUS_RANK[item.status] > STATUS_RANK[cell.status]) cell.status = item.status;
      cells.set(h, cell);
    }
    for (const cell of cells.values()) cell.items.sort(byUrgency);
    return {
      key,
      businessId: list[0]!.businessId,
      name: list.find((i) => i.businessName)?.businessName ?? null,
      status: worstStatus(list.map((i) => i.status)) ?? 'ok',
      counts: countStatuses(list),
      cells,
    };
  });
  // Worst business first; fleet-wide items (no business) first among equals, then by name.
  rows.sort(
    (a, b) =>
      STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
      (a.key === '' ? -1 : b.key === '' ? 1 : (a.name ?? a.key).localeCompare(b.name ?? b.key)),
  );
  return { rows, columns };
}

// ---------------------------------------------------------------- hosts --

/** Items that judge backup freshness (one per plan): "freshness", "freshness.offsite", … */
export function isFreshnessItem(item: Pick<DailyCheckItem, 'item'>): boolean {
  return /^(freshness|last-?snapshot|backup)/.test(item.item);
}

const TIME_KEYS = [
  'lastSnapshotAt',
  'lastSnapshotTime',
  'lastSnapshot',
  'latestSnapshotTime',
  'latestSnapshot',
  'lastBackupAt',
  'snapshotTime',
  'time',
] as const;

function timeOf(value: unknown): string | null {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  if (typeof value === 'object' && value !== null) return timeOf((value as { time?: unknown }).time);
  return null;
}

function numberAt(data: Record<string, unknown>, keys: readonly string[]): number | null {
  for (const key of keys) {
    const v = data[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** The time of the newest snapshot a freshness item found, if it says. */
export function lastSnapshotTime(item: Pick<DailyCheckItem, 'data'>): string | null {
  for (const key of TIME_KEYS) {
    const t = timeOf(item.data[key]);
    if (t) return t;
  }
  return null;
}

/** Age in hours of that snapshot: from the item's data, else from the check's time. */
export function snapshotAgeHours(item: Pick<DailyCheckItem, 'data' | 'at'>): number | null {
  const hours = numberAt(item.data, ['ageHours']);
  if (hours !== null) return hours;
  const seconds = numberAt(item.data, ['ageSeconds', 'ageSec']);
  if (seconds !== null) return seconds / 3600;
  const ms = numberAt(item.data, ['ageMs']);
  if (ms !== null) return ms / 3_600_000;
  const last = lastSnapshotTime(item);
  if (!last) return null;
  const at = Date.parse(item.at);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.parse(last)) / 3_600_000);
}

/** The item says outright that no snapshot exists (a key present with null, or a zero count). */
export function saysNoSnapshot(item: Pick<DailyCheckItem, 'data'>): boolean {
  if (TIME_KEYS.some((key) => key in item.data && item.data[key] === null)) return true;
  return numberAt(item.data, ['snapshotCount', 'snapshots']) === 0;
}

export function freshnessTargetHours(item: Pick<DailyCheckItem, 'data'>): number | null {
  return numberAt(item.data, ['targetHours', 'freshnessTargetHours', 'target', 'maxAgeHours']);
}

function versionOf(item: DailyCheckItem): string | null {
  const v = item.data.version ?? item.data.resticVersion;
  return typeof v === 'string' ? v : null;
}

export interface HostFreshness {
  key: string;
  hostId: string | null;
  name: string | null;
  /** Worst status over all of the host's items. */
  status: CheckStatus;
  /** The stalest plan's newest snapshot: the backup most overdue on this host. */
  lastBackupAt: string | null;
  ageHours: number | null;
  targetHours: number | null;
  /** Freshness items (plans) seen on the host. */
  plans: number;
  /** A plan has never been backed up (a freshness item with no snapshot). */
  neverBackedUp: boolean;
  /** Reasons of the host's items that are not ok, worst first. */
  problems: DailyCheckItem[];
  resticVersion: string | null;
  counts: StatusCounts;
}

/** One row per host (fleet-wide items left out), most overdue backup first. */
export function hostFreshness(items: readonly DailyCheckItem[]): HostFreshness[] {
  const byHost = new Map<string, DailyCheckItem[]>();
  for (const item of items) {
    if (item.hostId === null) continue;
    (byHost.get(item.hostId) ?? byHost.set(item.hostId, []).get(item.hostId)!).push(item);
  }
  const rows = [...byHost.entries()].map(([key, list]): HostFreshness => {
    const fresh = list.filter(isFreshnessItem);
    let stalest: { at: string | null; age: number | null; target: number | null } | null = null;
    let never = false;
    for (const item of fresh) {
      const age = snapshotAgeHours(item);
      const at = lastSnapshotTime(item);
      if (age === null && at === null) {
        if (saysNoSnapshot(item)) never = true;
        continue;
      }
      if (stalest === null || (age ?? 0) > (stalest.age ?? 0)) {
        stalest = { at, age, target: freshnessTargetHours(item) };
      }
    }
    const problems = list.filter((i) => i.status !== 'ok').sort(byUrgency);
    return {
      key,
      hostId: key,
      name: list.find((i) => i.hostName)?.hostName ?? null,
      status: worstStatus(list.map((i) => i.status)) ?? 'ok',
      lastBackupAt: stalest?.at ?? null,
      ageHours: stalest?.age ?? null,
      targetHours: stalest?.target ?? fresh.map(freshnessTargetHours).find((t) => t !== null) ?? null,
      plans: fresh.length,
      neverBackedUp: never,
      problems,
      resticVersion: list.map(versionOf).find((v) => v !== null) ?? null,
      counts: countStatuses(list),
    };
  });
  return rows.sort(compareByBackupAge);
}

/** Never backed up first, then the oldest last backup; hosts without plans last. */
export function backupAgeSortValue(row: HostFreshness): number {
  if (row.neverBackedUp) return Number.MAX_SAFE_INTEGER;
  if (row.ageHours !== null) return row.ageHours;
  return -1;
}

function compareByBackupAge(a: HostFreshness, b: HostFreshness): number {
  return backupAgeSortValue(b) - backupAgeSortValue(a) || (a.name ?? a.key).localeCompare(b.name ?? b.key);
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
    const hay =
      `${item.item}\n${item.reason}\n${item.hostName ?? ''}\n${item.businessName ?? ''}`.toLowerCase();
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

/**
 * Pure filtering and sorting rules for the snapshots table. The table
 * (@tanstack/react-table) calls these through its filterFn/sortingFn hooks;
 * keeping them here makes them testable without a DOM.
 */
import type { Snapshot } from '../../../../shared';

export interface SnapshotFilters {
  /** Free text over id, host, user, paths and tags. */
  global: string;
  /** Any of these hostnames (empty: all). */
  hosts: string[];
  /** Substring of one of the snapshot's paths. */
  path: string;
  /** All of these tags (empty: all). */
  tags: string[];
  /** Local calendar days `YYYY-MM-DD`, inclusive; '' means open-ended. */
  from: string;
  to: string;
}

export const EMPTY_SNAPSHOT_FILTERS: SnapshotFilters = {
  global: '',
  hosts: [],
  path: '',
  tags: [],
  from: '',
  to: '',
};

export const SNAPSHOT_COLUMNS = ['time', 'shortId', 'hostname', 'paths', 'tags', 'files', 'bytes'] as const;
export type SnapshotColumnId = (typeof SNAPSHOT_COLUMNS)[number];
export type SnapshotSort = Array<{ id: SnapshotColumnId; desc: boolean }>;

export function activeFilterCount(f: SnapshotFilters): number {
  return [
    f.global.trim() !== '',
    f.hosts.length > 0,
    f.path.trim() !== '',
    f.tags.length > 0,
    f.from !== '' || f.to !== '',
  ].filter(Boolean).length;
}

/** Files and bytes come from the summary restic ≥ 0.17 writes; older snapshots have none. */
export function snapshotFiles(s: Snapshot): number | undefined {
  return s.summary?.totalFilesProcessed;
}
export function snapshotBytes(s: Snapshot): number | undefined {
  return s.summary?.totalBytesProcessed;
}

export function snapshotTimeMs(s: Snapshot): number {
  const t = Date.parse(s.time);
  return Number.isNaN(t) ? 0 : t;
}

export function matchesGlobal(s: Snapshot, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const haystack = [s.id, s.shortId, s.hostname, s.username ?? '', ...s.paths, ...s.tags];
  // Several words: every word must match somewhere (like a search box, not a phrase).
  return q.split(/\s+/).every((word) => haystack.some((v) => v.toLowerCase().includes(word)));
}

export function matchesHosts(s: Snapshot, hosts: readonly string[]): boolean {
  return hosts.length === 0 || hosts.includes(s.hostname);
}

export function matchesPath(s: Snapshot, path: string): boolean {
  const q = path.trim().toLowerCase();
  return !q || s.paths.some((p) => p.toLowerCase().includes(q));
}

export function matchesTags(s: Snapshot, tags: readonly string[]): boolean {
  return tags.every((t) => s.tags.includes(t));
}

/** Start of a local calendar day `YYYY-MM-DD`, or NaN. */
export function localDayStart(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return Number.NaN;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0, 0).getTime();
}

export function matchesTimeRange(s: Snapshot, from: string, to: string): boolean {
  const t = snapshotTimeMs(s);
  const start = from ? localDayStart(from) : Number.NaN;
  const endDay = to ? localDayStart(to) : Number.NaN;
  if (!Number.isNaN(start) && t < start) return false;
  // `to` is inclusive: anything before the start of the next local day.
  if (!Number.isNaN(endDay)) {
    const d = new Date(endDay);
    const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    if (t >= next) return false;
  }
  return true;
}

export function matchesFilters(s: Snapshot, f: SnapshotFilters): boolean {
  return (
    matchesGlobal(s, f.global) &&
    matchesHosts(s, f.hosts) &&
    matchesPath(s, f.path) &&
    matchesTags(s, f.tags) &&
    matchesTimeRange(s, f.from, f.to)
  );
}

/** Values offered by the host and tag pickers, sorted. */
export function collectFacets(snapshots: readonly Snapshot[]): { hosts: string[]; tags: string[] } {
  const hosts = new Set<string>();
  const tags = new Set<string>();
  for (const s of snapshots) {
    hosts.add(s.hostname);
    for (const t of s.tags) tags.add(t);
  }
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return { hosts: [...hosts].sort(byName), tags: [...tags].sort(byName) };
}

/** The sort key of a column; undefined (no summary) always sorts last. */
export function sortValue(s: Snapshot, column: SnapshotColumnId): string | number | undefined {
  switch (column) {
    case 'time':
      return snapshotTimeMs(s);
    case 'shortId':
      return s.shortId;
    case 'hostname':
      return s.hostname;
    case 'paths':
      return s.paths.join('\n');
    case 'tags':
      return s.tags.join('\n');
    case 'files':
      return snapshotFiles(s);
    case 'bytes':
      return snapshotBytes(s);
  }
}

/**
 * Numbers by value; text in natural order (web-2 before web-10) unless
 * `natural` is false, as for hex ids where "132b…" must sort after "20f1…".
 */
export function compareSortValues(
  a: string | number | undefined,
  b: string | number | undefined,
  natural = true,
): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a ?? '');
  const y = String(b ?? '');
  if (!natural) return x < y ? -1 : x > y ? 1 : 0;
  return x.localeCompare(y, 'en', { numeric: true });
}

/**
 * Grouping the snapshots table by host or by plan (the `plan:<id>` tag the
 * host-side runner writes). Pure: the table hands in its sorted, filtered
 * rows and gets the list to virtualize — group headers and rows. Rows keep
 * the table's order inside each group; groups are in natural name order,
 * with "no plan" last.
 */
import type { Snapshot } from '../../../../shared';

export type SnapshotGroupBy = 'none' | 'host' | 'plan';

export const PLAN_TAG_PREFIX = 'plan:';
/** The group of snapshots without a plan tag. */
export const NO_PLAN = '';

/** The plan ids a snapshot's tags name (sorted). */
export function planIds(s: Pick<Snapshot, 'tags'>): string[] {
  return s.tags
    .filter((t) => t.startsWith(PLAN_TAG_PREFIX) && t.length > PLAN_TAG_PREFIX.length)
    .map((t) => t.slice(PLAN_TAG_PREFIX.length))
    .sort();
}

export function groupKey(
  s: Pick<Snapshot, 'hostname' | 'tags'>,
  by: Exclude<SnapshotGroupBy, 'none'>,
): string {
  return by === 'host' ? s.hostname : (planIds(s)[0] ?? NO_PLAN);
}

export type GroupedItem<R> =
  | { kind: 'group'; key: string; count: number; collapsed: boolean; first: R }
  | { kind: 'row'; row: R; group: string | null };

export function groupItems<R>(
  rows: readonly R[],
  by: SnapshotGroupBy,
  snapshotOf: (row: R) => Pick<Snapshot, 'hostname' | 'tags'>,
  collapsed: ReadonlySet<string>,
): GroupedItem<R>[] {
  if (by === 'none') return rows.map((row) => ({ kind: 'row' as const, row, group: null }));
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = groupKey(snapshotOf(row), by);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(row);
  }
  const keys = [...groups.keys()].sort((a, b) => {
    if (a === NO_PLAN || b === NO_PLAN) return a === b ? 0 : a === NO_PLAN ? 1 : -1;
    return a.localeCompare(b, 'en', { numeric: true });
  });
  const out: GroupedItem<R>[] = [];
  for (const key of keys) {
    const list = groups.get(key)!;
    const isCollapsed = collapsed.has(key);
    out.push({ kind: 'group', key, count: list.length, collapsed: isCollapsed, first: list[0]! });
    if (!isCollapsed) for (const row of list) out.push({ kind: 'row', row, group: key });
  }
  return out;
}

/**
 * The daily check's board, derived from a check's items alone (so a past
 * check renders the same after hosts or plans were removed). Pure: used by
 * the renderer and by the core's exports and tests.
 *
 * - The business × host board: one cell per (business, host) that has
 *   plans. Plan items (freshness) go to their plan's cell; repository items
 *   (repository, locks, verified) to every cell whose plans use that
 *   repository; host items (reachable, restic) to every cell of that host.
 *   An item no cell claims gets a cell of its own (its business or none ×
 *   its host), so nothing is ever hidden. A cell's status is the worst of
 *   its items, with the reasons, worst first.
 * - The host table: one row per host, sorted by last-backup age (the
 *   least fresh of its plans), stalest first.
 */
import type { CheckStatus, DailyCheckItem } from './fleet';

export const STATUS_RANK: Readonly<Record<CheckStatus, number>> = { ok: 0, warning: 1, failing: 2 };

export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'ok';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

export interface StatusCounts {
  ok: number;
  warning: number;
  failing: number;
}

export interface BoardReason {
  itemId: number;
  item: string;
  status: CheckStatus;
  reason: string;
  /** "freshness of plan web-daily", "locks of repository main", "reachable": what the reason is about. */
  label: string;
  hostName: string | null;
  planId: string | null;
  planName: string | null;
  repositoryId: string | null;
  repositoryName: string | null;
}

export interface BoardCell {
  businessId: string | null;
  businessName: string | null;
  hostId: string | null;
  hostName: string | null;
  status: CheckStatus;
  counts: StatusCounts;
  /** Every item of the cell, worst first (failing, warning, ok), then in check order. */
  reasons: BoardReason[];
}

export interface BoardBusiness {
  businessId: string | null;
  businessName: string | null;
  status: CheckStatus;
  counts: StatusCounts;
  /** One per host, by host name. */
  cells: BoardCell[];
}

export interface Board {
  status: CheckStatus;
  counts: StatusCounts;
  /** Worst first, then by name; the "no business" row last. */
  businesses: BoardBusiness[];
  /** The board's columns: every host that has a cell, by name. */
  hosts: { hostId: string | null; hostName: string | null }[];
}

function text(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  return typeof v === 'string' ? v : null;
}

function labelOf(item: DailyCheckItem): string {
  const plan = text(item.data, 'planName') ?? item.planId;
  const repo = text(item.data, 'repositoryName') ?? item.repositoryId;
  if (item.planId !== null) return `${item.item} of plan ${plan ?? '?'}`;
  if (item.repositoryId !== null)
    return item.item === 'repository'
      ? `repository ${repo ?? '?'}`
      : `${item.item} of repository ${repo ?? '?'}`;
  return item.item;
}

export function toReason(item: DailyCheckItem): BoardReason {
  return {
    itemId: item.id,
    item: item.item,
    status: item.status,
    reason: item.reason,
    label: labelOf(item),
    hostName: item.hostName,
    planId: item.planId,
    planName: text(item.data, 'planName'),
    repositoryId: item.repositoryId,
    repositoryName: text(item.data, 'repositoryName'),
  };
}

function countOf(statuses: Iterable<CheckStatus>): StatusCounts {
  const c: StatusCounts = { ok: 0, warning: 0, failing: 0 };
  for (const s of statuses) c[s] += 1;
  return c;
}

function byWorstThenOrder(a: BoardReason, b: BoardReason): number {
  return STATUS_RANK[b.status] - STATUS_RANK[a.status] || a.itemId - b.itemId;
}

function nameCompare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true });
}

const cellKey = (businessId: string | null, hostId: string | null): string =>
  `${businessId ?? ''}\u0000${hostId ?? ''}`;

export function deriveBoard(items: readonly DailyCheckItem[]): Board {
  interface Cell {
    businessId: string | null;
    businessName: string | null;
    hostId: string | null;
    hostName: string | null;
    items: DailyCheckItem[];
  }
  const cells = new Map<string, Cell>();
  const cell = (
    businessId: string | null,
    businessName: string | null,
    hostId: string | null,
    hostName: string | null,
  ): Cell => {
    const key = cellKey(businessId, hostId);
    let c = cells.get(key);
    if (!c) {
      c = { businessId, businessName, hostId, hostName, items: [] };
      cells.set(key, c);
    }
    if (c.businessName === null && businessName !== null) c.businessName = businessName;
    if (c.hostName === null && hostName !== null) c.hostName = hostName;
    return c;
  };

  const planItems = items.filter((i) => i.planId !== null);
  const repoItems = items.filter((i) => i.planId === null && i.repositoryId !== null);
  const hostItems = items.filter((i) => i.planId === null && i.repositoryId === null);

  // Cells come from plans; remember which cells use each repository.
  const cellsOfRepo = new Map<string, Set<string>>();
  for (const i of planItems) {
    const c = cell(i.businessId, i.businessName, i.hostId, i.hostName);
    c.items.push(i);
    if (i.repositoryId !== null) {
      const set = cellsOfRepo.get(i.repositoryId) ?? new Set<string>();
      set.add(cellKey(c.businessId, c.hostId));
      cellsOfRepo.set(i.repositoryId, set);
    }
  }
  for (const i of repoItems) {
    const keys = cellsOfRepo.get(i.repositoryId as string);
    if (keys && keys.size > 0) for (const k of keys) cells.get(k)!.items.push(i);
    else cell(i.businessId, i.businessName, i.hostId, i.hostName).items.push(i);
  }
  // Host items: every cell of that host (snapshot of the cells so far, so they do not feed on each other).
  const existing = [...cells.values()];
  for (const i of hostItems) {
    const mine = existing.filter((c) => c.hostId !== null && c.hostId === i.hostId);
    if (mine.length > 0) for (const c of mine) c.items.push(i);
    else cell(i.businessId, i.businessName, i.hostId, i.hostName).items.push(i);
  }

  const boardCells: BoardCell[] = [...cells.values()].map((c) => {
    const reasons = c.items.map(toReason).sort(byWorstThenOrder);
    return {
      businessId: c.businessId,
      businessName: c.businessName,
      hostId: c.hostId,
      hostName: c.hostName,
      status: worstStatus(c.items.map((i) => i.status)),
      counts: countOf(c.items.map((i) => i.status)),
      reasons,
    };
  });

  const rows = new Map<string, BoardBusiness>();
  for (const c of boardCells) {
    const key = c.businessId ?? '';
    let row = rows.get(key);
    if (!row) {
      row = {
        businessId: c.businessId,
        businessName: c.businessName,
        status: 'ok',
        counts: { ok: 0, warning: 0, failing: 0 },
        cells: [],
      };
      rows.set(key, row);
    }
    row.cells.push(c);
  }
  for (const row of rows.values()) {
    row.cells.sort((a, b) => nameCompare(a.hostName, b.hostName) || nameCompare(a.hostId, b.hostId));
    row.status = worstStatus(row.cells.map((c) => c.status));
    // Counted once per item, even when an item shows in several cells of the row.
    const seen = new Map<number, CheckStatus>();
    for (const c of row.cells) for (const r of c.reasons) seen.set(r.itemId, r.status);
    row.counts = countOf(seen.values());
  }
  const businesses = [...rows.values()].sort(
    (a, b) =>
      Number(a.businessId === null) - Number(b.businessId === null) ||
      STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
      nameCompare(a.businessName, b.businessName),
  );
  const hosts = new Map<string, { hostId: string | null; hostName: string | null }>();
  for (const c of boardCells) hosts.set(c.hostId ?? '', { hostId: c.hostId, hostName: c.hostName });
  return {
    status: worstStatus(items.map((i) => i.status)),
    counts: countOf(items.map((i) => i.status)),
    businesses,
    hosts: [...hosts.values()].sort((a, b) => nameCompare(a.hostName, b.hostName)),
  };
}

export interface HostTableRow {
  hostId: string;
  hostName: string;
  status: CheckStatus;
  counts: StatusCounts;
  businesses: string[];
  plans: number;
  /** Plans with no snapshot known: none yet, or the repository could not be read (they sort the host first). */
  plansWithoutSnapshot: number;
  /** The least fresh of its plans' newest snapshots; null when it has none, or no plans. */
  lastBackupAt: string | null;
  /** Hours from lastBackupAt to `asOf`; null like lastBackupAt. */
  lastBackupAgeHours: number | null;
  /** The non-ok reasons, worst first. */
  reasons: BoardReason[];
}

/**
 * One row per host (every item with that host id: host, plan and
 * repository items), sorted by last-backup age: hosts with a plan that has
 * no snapshot first, then the stalest, then hosts without plans.
 */
export function deriveHostTable(items: readonly DailyCheckItem[], asOf: string | number): HostTableRow[] {
  const asOfMs = typeof asOf === 'number' ? asOf : Date.parse(asOf);
  const byHost = new Map<string, DailyCheckItem[]>();
  for (const i of items) {
    if (i.hostId === null) continue;
    byHost.set(i.hostId, [...(byHost.get(i.hostId) ?? []), i]);
  }
  const rows: HostTableRow[] = [];
  for (const [hostId, list] of byHost) {
    const freshness = list.filter(
      (i) => i.item === 'freshness' && i.planId !== null && i.data.disabled !== true,
    );
    let oldest: number | null = null;
    let missing = 0;
    for (const f of freshness) {
      const at = typeof f.data.lastSnapshotAt === 'string' ? Date.parse(f.data.lastSnapshotAt) : NaN;
      if (Number.isNaN(at)) missing += 1;
      else if (oldest === null || at < oldest) oldest = at;
    }
    const lastBackupAt = missing === 0 && oldest !== null ? new Date(oldest).toISOString() : null;
    rows.push({
      hostId,
      hostName: list.find((i) => i.hostName !== null)?.hostName ?? hostId,
      status: worstStatus(list.map((i) => i.status)),
      counts: countOf(list.map((i) => i.status)),
      businesses: [...new Set(list.map((i) => i.businessName).filter((n): n is string => n !== null))].sort(
        nameCompare,
      ),
      plans: new Set(freshness.map((f) => f.planId)).size,
      plansWithoutSnapshot: missing,
      lastBackupAt,
      lastBackupAgeHours:
        lastBackupAt === null
          ? null
          : Math.round(((asOfMs - Date.parse(lastBackupAt)) / 3_600_000) * 100) / 100,
      reasons: list
        .filter((i) => i.status !== 'ok')
        .map(toReason)
        .sort(byWorstThenOrder),
    });
  }
  const rank = (r: HostTableRow): number =>
    r.plansWithoutSnapshot > 0 ? 0 : r.lastBackupAt !== null ? 1 : 2;
  return rows.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.lastBackupAgeHours ?? 0) - (a.lastBackupAgeHours ?? 0) ||
      nameCompare(a.hostName, b.hostName),
  );
}

import { describe, expect, it } from 'vitest';
import type { DailyCheckItem } from '../../../../shared';
import { EMPTY_CHECK_ITEM_FILTERS } from '../../state/uiStore';
import {
  buildBoard,
  hostFreshness,
  itemFacets,
  lastSnapshotTime,
  matchesItemFilters,
  snapshotAgeHours,
  worstStatus,
} from './checkModel';

let nextId = 1;
function item(p: Partial<DailyCheckItem>): DailyCheckItem {
  return {
    id: nextId++,
    businessId: null,
    businessName: null,
    hostId: null,
    hostName: null,
    planId: null,
    repositoryId: null,
    item: 'reachable',
    status: 'ok',
    reason: '',
    data: {},
    at: '2025-03-10T08:00:00.000Z',
    ...p,
  };
}

const payments = { businessId: 'b1', businessName: 'Payments' };
const shop = { businessId: 'b2', businessName: 'Shop' };
const web1 = { hostId: 'h1', hostName: 'web-1' };
const db1 = { hostId: 'h2', hostName: 'db-1' };

describe('worstStatus', () => {
  it('ranks failing over warning over ok', () => {
    expect(worstStatus(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worstStatus(['ok', 'failing', 'warning'])).toBe('failing');
    expect(worstStatus([])).toBeNull();
  });
});

describe('buildBoard', () => {
  const items = [
    item({ ...web1, item: 'reachable', status: 'ok', reason: 'answered in 12 ms' }),
    item({
      ...payments,
      ...web1,
      item: 'freshness',
      status: 'ok',
      reason: 'last snapshot 2 h ago, target 26 h',
    }),
    item({
      ...payments,
      ...db1,
      item: 'freshness',
      status: 'failing',
      reason: 'last snapshot 31 h ago, target 26 h',
    }),
    item({
      ...shop,
      ...web1,
      item: 'freshness',
      status: 'warning',
      reason: 'last snapshot 25 h ago, target 26 h',
    }),
    item({ ...shop, item: 'locks', status: 'ok', reason: 'no locks' }),
  ];
  const board = buildBoard(items);

  it('has one row per business (fleet-wide first among equals) and one column per host (no-host last)', () => {
    expect(board.rows.map((r) => r.name)).toEqual(['Payments', 'Shop', null]);
    expect(board.columns.map((c) => c.name)).toEqual(['db-1', 'web-1', null]);
  });

  it('colours a cell by its worst item and keeps the reasons, worst first', () => {
    const payRow = board.rows.find((r) => r.key === 'b1')!;
    expect(payRow.status).toBe('failing');
    expect(payRow.cells.get('h2')?.status).toBe('failing');
    expect(payRow.cells.get('h2')?.items[0]?.reason).toBe('last snapshot 31 h ago, target 26 h');
    expect(payRow.cells.get('h1')?.status).toBe('ok');
    expect(payRow.cells.has('')).toBe(false);
    expect(board.rows.find((r) => r.key === 'b2')?.cells.get('')?.items[0]?.item).toBe('locks');
  });

  it('counts statuses per row', () => {
    expect(board.rows.find((r) => r.key === 'b2')?.counts).toEqual({ ok: 1, warning: 1, failing: 0 });
  });
});

describe('freshness data', () => {
  it('reads the last snapshot time and age from the item data, or derives the age', () => {
    const a = item({ item: 'freshness', data: { lastSnapshotAt: '2025-03-09T01:00:00.000Z' } });
    expect(lastSnapshotTime(a)).toBe('2025-03-09T01:00:00.000Z');
    expect(snapshotAgeHours(a)).toBeCloseTo(31);
    expect(snapshotAgeHours(item({ data: { ageSeconds: 7200 } }))).toBe(2);
    expect(snapshotAgeHours(item({ data: { ageHours: 5 } }))).toBe(5);
    expect(
      lastSnapshotTime(item({ data: { lastSnapshot: { time: '2025-03-01T00:00:00Z', id: 'abc' } } })),
    ).toBe('2025-03-01T00:00:00Z');
    expect(snapshotAgeHours(item({ data: {} }))).toBeNull();
  });
});

describe('hostFreshness', () => {
  it('puts never-backed-up hosts first, then the stalest, and keeps the problems', () => {
    const rows = hostFreshness([
      item({ ...payments, ...web1, item: 'freshness', status: 'ok', data: { ageHours: 2, targetHours: 26 } }),
      item({
        ...payments,
        ...web1,
        item: 'freshness',
        status: 'failing',
        reason: '40 h',
        data: { ageHours: 40, targetHours: 26 },
      }),
      item({ ...payments, ...db1, item: 'freshness', status: 'ok', data: { ageHours: 3 } }),
      item({
        hostId: 'h3',
        hostName: 'new-1',
        item: 'freshness',
        status: 'failing',
        data: { lastSnapshotAt: null },
      }),
      item({ hostId: 'h4', hostName: 'bare-1', item: 'reachable', status: 'ok' }),
      item({ ...payments, item: 'locks', status: 'warning' }),
    ]);
    expect(rows.map((r) => r.name)).toEqual(['new-1', 'web-1', 'db-1', 'bare-1']);
    expect(rows[0]?.neverBackedUp).toBe(true);
    expect(rows[1]?.ageHours).toBe(40);
    expect(rows[1]?.targetHours).toBe(26);
    expect(rows[1]?.problems.map((p) => p.reason)).toEqual(['40 h']);
    expect(rows[3]?.plans).toBe(0);
  });
});

describe('item filters', () => {
  const items = [
    item({ ...payments, ...web1, item: 'freshness', status: 'failing', reason: 'last snapshot 31 h ago' }),
    item({ ...web1, item: 'reachable', status: 'ok', reason: 'ok' }),
  ];

  it("filters by status, business key ('' = none), host, kind and text", () => {
    const f = EMPTY_CHECK_ITEM_FILTERS;
    expect(items.filter((i) => matchesItemFilters(i, f))).toHaveLength(2);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, statuses: ['failing'] }))).toHaveLength(1);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, businesses: [''] }))[0]?.item).toBe('reachable');
    expect(
      items.filter((i) => matchesItemFilters(i, { ...f, hosts: ['h1'], kinds: ['freshness'] })),
    ).toHaveLength(1);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, text: '31 H' }))).toHaveLength(1);
  });

  it('offers facets with names', () => {
    const facets = itemFacets(items);
    expect(facets.businesses).toEqual([
      { key: '', name: null },
      { key: 'b1', name: 'Payments' },
    ]);
    expect(facets.kinds).toEqual(['freshness', 'reachable']);
  });
});

import { describe, expect, it } from 'vitest';
import type { DailyCheckItem } from '../../../../shared';
import { EMPTY_CHECK_ITEM_FILTERS } from '../../state/uiStore';
import {
  cellFilter,
  checkJobHosts,
  hostExtras,
  itemFacets,
  matchesItemFilters,
  subjectOf,
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
const web1 = { hostId: 'h1', hostName: 'web-1' };

describe('hostExtras', () => {
  it('takes the tightest enabled freshness target and the restic version per host', () => {
    const extras = hostExtras([
      item({ ...web1, item: 'freshness', planId: 'p1', data: { targetHours: 26 } }),
      item({ ...web1, item: 'freshness', planId: 'p2', data: { targetHours: 12 } }),
      item({ ...web1, item: 'freshness', planId: 'p3', data: { targetHours: 1, disabled: true } }),
      item({ ...web1, item: 'restic', data: { version: '0.17.3' } }),
    ]);
    expect(extras.get('h1')).toEqual({ targetHours: 12, resticVersion: '0.17.3' });
  });
});

describe('subjectOf', () => {
  it('names the plan, else the repository, else nothing', () => {
    expect(subjectOf({ planId: 'p1', planName: 'app', repositoryId: 'r1' })).toEqual({
      kind: 'plan',
      name: 'app',
    });
    expect(subjectOf({ planId: null, repositoryId: 'r1' })).toEqual({ kind: 'repository', name: 'r1' });
    expect(subjectOf({ planId: null, repositoryId: null })).toBeNull();
  });
});

describe('item filters', () => {
  const items = [
    item({
      ...payments,
      ...web1,
      item: 'freshness',
      planId: 'p1',
      status: 'failing',
      reason: 'last snapshot 31 h ago',
      data: { planName: 'app-daily' },
    }),
    item({ ...web1, item: 'reachable', status: 'ok', reason: 'ok' }),
  ];

  it("filters by status, business key ('' = none), host, kind and text (plan names included)", () => {
    const f = EMPTY_CHECK_ITEM_FILTERS;
    expect(items.filter((i) => matchesItemFilters(i, f))).toHaveLength(2);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, statuses: ['failing'] }))).toHaveLength(1);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, businesses: [''] }))[0]?.item).toBe('reachable');
    expect(
      items.filter((i) => matchesItemFilters(i, { ...f, hosts: ['h1'], kinds: ['freshness'] })),
    ).toHaveLength(1);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, text: '31 H' }))).toHaveLength(1);
    expect(items.filter((i) => matchesItemFilters(i, { ...f, text: 'app-daily' }))).toHaveLength(1);
  });

  it('a board cell shows its business’s items and the host’s own items', () => {
    const f = { ...EMPTY_CHECK_ITEM_FILTERS, ...cellFilter('b1', 'h1') };
    expect(items.filter((i) => matchesItemFilters(i, f))).toHaveLength(2);
    const none = { ...EMPTY_CHECK_ITEM_FILTERS, ...cellFilter(null, 'h1') };
    expect(items.filter((i) => matchesItemFilters(i, none)).map((i) => i.item)).toEqual(['reachable']);
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

describe('checkJobHosts', () => {
  it('reads hosts done from the counter and the total from the job message', () => {
    expect(checkJobHosts({ counters: { hostsDone: 3 }, progress: { message: '3/7 hosts checked' } })).toEqual(
      {
        done: 3,
        total: 7,
      },
    );
    expect(checkJobHosts({ counters: {}, progress: {} })).toEqual({ done: 0, total: null });
    expect(checkJobHosts({ counters: { hostsDone: 2, hostsTotal: 4 }, progress: {} })).toEqual({
      done: 2,
      total: 4,
    });
  });
});

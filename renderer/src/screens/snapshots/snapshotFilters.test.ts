import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../shared';
import {
  EMPTY_SNAPSHOT_FILTERS,
  activeFilterCount,
  collectFacets,
  compareSortValues,
  localDayStart,
  matchesFilters,
  matchesGlobal,
  matchesTimeRange,
  sortValue,
} from './snapshotFilters';

function snap(over: Partial<Snapshot>): Snapshot {
  return {
    id: 'a'.repeat(64),
    shortId: 'aaaaaaaa',
    time: '2026-03-10T12:00:00Z',
    hostname: 'web-01',
    paths: ['/srv/data'],
    tags: [],
    ...over,
  };
}

describe('snapshot filters', () => {
  const a = snap({
    id: '1'.repeat(64),
    shortId: '11111111',
    hostname: 'web-01',
    paths: ['/srv/www'],
    tags: ['daily', 'plan:web'],
  });
  const b = snap({
    id: '2'.repeat(64),
    shortId: '22222222',
    hostname: 'db-01',
    paths: ['/var/lib/pg'],
    tags: ['daily'],
    username: 'postgres',
  });

  it('global text matches id, host, user, paths and tags; every word must match', () => {
    expect(matchesGlobal(a, '1111')).toBe(true);
    expect(matchesGlobal(b, 'POSTGRES')).toBe(true);
    expect(matchesGlobal(a, 'plan:web')).toBe(true);
    expect(matchesGlobal(a, 'web daily')).toBe(true);
    expect(matchesGlobal(a, 'web pg')).toBe(false);
    expect(matchesGlobal(a, '   ')).toBe(true);
  });

  it('combines host (any of), path (substring), tags (all of)', () => {
    const f = { ...EMPTY_SNAPSHOT_FILTERS, hosts: ['db-01', 'web-01'], tags: ['daily'] };
    expect([a, b].filter((s) => matchesFilters(s, f))).toHaveLength(2);
    expect(matchesFilters(a, { ...f, tags: ['daily', 'plan:web'] })).toBe(true);
    expect(matchesFilters(b, { ...f, tags: ['daily', 'plan:web'] })).toBe(false);
    expect(matchesFilters(b, { ...f, path: '/LIB/' })).toBe(true);
    expect(matchesFilters(a, { ...f, hosts: ['db-01'] })).toBe(false);
  });

  it('time range uses local calendar days, both ends inclusive', () => {
    const start = localDayStart('2026-03-10');
    const atStart = snap({ time: new Date(start).toISOString() });
    const lastMs = snap({ time: new Date(start + 86_400_000 - 1).toISOString() });
    const nextDay = snap({ time: new Date(start + 86_400_000 + 3_600_000).toISOString() });
    expect(matchesTimeRange(atStart, '2026-03-10', '2026-03-10')).toBe(true);
    expect(matchesTimeRange(lastMs, '2026-03-10', '2026-03-10')).toBe(true);
    expect(matchesTimeRange(nextDay, '2026-03-10', '2026-03-10')).toBe(false);
    expect(matchesTimeRange(nextDay, '2026-03-10', '')).toBe(true);
    expect(matchesTimeRange(atStart, '', '2026-03-09')).toBe(false);
    expect(matchesTimeRange(atStart, 'garbage', '')).toBe(true);
  });

  it('counts active filters for the "clear" button', () => {
    expect(activeFilterCount(EMPTY_SNAPSHOT_FILTERS)).toBe(0);
    expect(
      activeFilterCount({ ...EMPTY_SNAPSHOT_FILTERS, global: 'x', from: '2026-01-01', to: '2026-01-02' }),
    ).toBe(2);
  });

  it('collects sorted hosts and tags for the pickers', () => {
    expect(collectFacets([a, b])).toEqual({ hosts: ['db-01', 'web-01'], tags: ['daily', 'plan:web'] });
  });
});

describe('snapshot sorting', () => {
  it('sorts times as instants, not as strings with different offsets', () => {
    const early = snap({ time: '2026-03-10T12:00:00+08:00' }); // 04:00Z
    const late = snap({ time: '2026-03-10T05:00:00Z' });
    expect(compareSortValues(sortValue(early, 'time'), sortValue(late, 'time'))).toBeLessThan(0);
  });

  it('compares hosts naturally (web-2 before web-10) and hex ids plainly', () => {
    expect(compareSortValues('web-2', 'web-10')).toBeLessThan(0);
    expect(compareSortValues('20f113a9', '132bfafa', false)).toBeGreaterThan(0);
  });

  it('reports no files/bytes for snapshots without a summary (restic < 0.17)', () => {
    expect(sortValue(snap({}), 'files')).toBeUndefined();
    expect(sortValue(snap({ summary: { totalFilesProcessed: 5, totalBytesProcessed: 10 } }), 'bytes')).toBe(
      10,
    );
  });
});

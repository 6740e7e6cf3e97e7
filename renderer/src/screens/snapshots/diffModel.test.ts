import { describe, expect, it } from 'vitest';
import type { DiffChange } from '../../../../shared';
import { countModifiers, filterChanges, orderForDiff } from './diffModel';

const changes: DiffChange[] = [
  { path: '/srv/a.txt', modifier: '+' },
  { path: '/srv/b.txt', modifier: '-' },
  { path: '/etc/app.yaml', modifier: 'M' },
  { path: '/srv/c', modifier: 'T' },
];

describe('diff model', () => {
  it('counts each kind of change', () => {
    expect(countModifiers(changes)).toEqual({ '+': 1, '-': 1, M: 1, T: 1, U: 0, '?': 0 });
  });

  it('filters by path text and by kinds', () => {
    expect(filterChanges(changes, 'SRV', new Set()).map((c) => c.path)).toEqual([
      '/srv/a.txt',
      '/srv/b.txt',
      '/srv/c',
    ]);
    expect(filterChanges(changes, '', new Set(['+', 'M'] as const)).map((c) => c.modifier)).toEqual([
      '+',
      'M',
    ]);
    expect(filterChanges(changes, 'srv', new Set(['M'] as const))).toEqual([]);
  });

  it('puts the older snapshot first', () => {
    const older = { id: 'o', time: '2026-01-01T00:00:00Z' };
    const newer = { id: 'n', time: '2026-01-02T00:00:00Z' };
    expect(orderForDiff(newer, older)).toEqual([older, newer]);
    expect(orderForDiff(older, newer)).toEqual([older, newer]);
  });
});

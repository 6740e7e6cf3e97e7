import { describe, expect, it } from 'vitest';
import type { DiffChange, FileVersion, Snapshot } from '../../../../shared';
import { buildDiffTree, flattenDiffTree, initialCollapsed } from './diffTree';
import { withDeltas } from './FileHistoryDrawer';
import { tagArgs, tagCounts } from './SnapshotActions';
import { groupItems, groupKey, NO_PLAN, planIds } from './snapshotGroups';
import { findPattern, isSelfOrAncestor, revealExpansion, supersede } from './treeModel';

const snap = (id: string, hostname: string, tags: string[] = []): Snapshot => ({
  id,
  shortId: id.slice(0, 8),
  time: '2026-01-01T00:00:00Z',
  hostname,
  paths: ['/srv'],
  tags,
});

describe('snapshot grouping', () => {
  const rows = [
    snap('1', 'web-10', ['plan:app']),
    snap('2', 'web-2', ['daily']),
    snap('3', 'web-10', ['plan:db', 'plan:app']),
    snap('4', 'web-2', ['plan:app']),
  ];

  it('reads plan ids from plan:<id> tags', () => {
    expect(planIds(rows[2]!)).toEqual(['app', 'db']);
    expect(groupKey(rows[1]!, 'plan')).toBe(NO_PLAN);
    expect(groupKey(rows[1]!, 'host')).toBe('web-2');
  });

  it('puts headers before their rows, groups in natural order, keeps row order, hides collapsed rows', () => {
    const byHost = groupItems(rows, 'host', (r) => r, new Set());
    expect(byHost.map((i) => (i.kind === 'group' ? `[${i.key} ${i.count}]` : i.row.id))).toEqual([
      '[web-2 2]',
      '2',
      '4',
      '[web-10 2]',
      '1',
      '3',
    ]);
    const byPlan = groupItems(rows, 'plan', (r) => r, new Set(['app']));
    expect(
      byPlan.map((i) =>
        i.kind === 'group' ? `[${i.key || '-'} ${i.count}${i.collapsed ? ' closed' : ''}]` : i.row.id,
      ),
    ).toEqual(['[app 3 closed]', '[- 1]', '2']);
    expect(groupItems(rows, 'none', (r) => r, new Set()).map((i) => i.kind)).toEqual([
      'row',
      'row',
      'row',
      'row',
    ]);
  });
});

describe('tree: superseded listings, reveal, find', () => {
  it('closes folders still loading that are not on the way to the one opened', () => {
    const expanded = new Set(['/srv', '/srv/a', '/srv/a/x', '/srv/b']);
    // /srv/a is loading; the user opens /srv/b/c: /srv/a (and what is under it) closes.
    expect([...supersede(expanded, new Set(['/srv/a']), '/srv/b/c')].sort()).toEqual([
      '/srv',
      '/srv/b',
      '/srv/b/c',
    ]);
    // An ancestor of the new folder stays, and so does the root.
    expect([...supersede(expanded, new Set(['/', '/srv']), '/srv/b/c')].sort()).toEqual([
      '/srv',
      '/srv/a',
      '/srv/a/x',
      '/srv/b',
      '/srv/b/c',
    ]);
    expect(isSelfOrAncestor('/srv/a', '/srv/ab')).toBe(false);
  });

  it('opens the parents of a revealed path, and searches a plain word as part of a name', () => {
    expect(revealExpansion('/srv/app/config/app.yaml')).toEqual(['/srv', '/srv/app', '/srv/app/config']);
    expect(revealExpansion('/top')).toEqual([]);
    expect(findPattern(' invoice ')).toBe('*invoice*');
    expect(findPattern('*.sql')).toBe('*.sql');
    expect(findPattern('')).toBe('');
  });
});

describe('diff tree', () => {
  const changes: DiffChange[] = [
    { path: '/tmp/demo/source/app/config/', modifier: 'M' },
    { path: '/tmp/demo/source/app/config/app.yaml', modifier: 'M' },
    { path: '/tmp/demo/source/app/uploads/2026/b.pdf', modifier: '+' },
    { path: '/tmp/demo/source/app/uploads/2026/a.pdf', modifier: '-' },
    { path: '/tmp/demo/source/app/README', modifier: '-' },
  ];

  it('counts changes under each folder and folds folders restic did not report', () => {
    const root = buildDiffTree(changes);
    const rows = flattenDiffTree(root, new Set());
    expect(rows.map((r) => `${r.depth}:${r.kind}:${r.label}${r.modifier ? ` ${r.modifier}` : ''}`)).toEqual([
      '0:dir:tmp/demo/source/app',
      '1:dir:config M',
      '2:file:app.yaml M',
      '1:dir:uploads/2026',
      '2:file:a.pdf -',
      '2:file:b.pdf +',
      '1:file:README -',
    ]);
    const top = rows[0]!;
    expect(top.kind === 'dir' && top.counts).toMatchObject({ '+': 1, '-': 2, M: 2 });
    expect(top.kind === 'dir' && top.path).toBe('/tmp/demo/source/app');
  });

  it('hides a collapsed folder’s content, and opens as many folder levels of a big diff as fit', () => {
    const root = buildDiffTree(changes);
    expect(flattenDiffTree(root, new Set(['/tmp/demo/source/app/uploads/2026'])).map((r) => r.label)).toEqual(
      ['tmp/demo/source/app', 'config', 'app.yaml', 'uploads/2026', 'README'],
    );
    expect(initialCollapsed(root)).toEqual(new Set());
    const big = buildDiffTree(
      Array.from({ length: 500 }, (_, i) => ({ path: `/d${i % 5}/e/f${i}`, modifier: '+' as const })),
    );
    // 500 files in five folders: only the five folders ("dN/e", folded) show.
    expect(flattenDiffTree(big, initialCollapsed(big)).map((r) => r.label)).toEqual([
      'd0/e',
      'd1/e',
      'd2/e',
      'd3/e',
      'd4/e',
    ]);
    // One level deeper: the top folders open, their sub-folders closed (20 rows, not 520).
    const deeper = buildDiffTree(
      Array.from({ length: 500 }, (_, i) => ({
        path: `/d${i % 5}/x${i % 3}/y/f${i}`,
        modifier: '+' as const,
      })),
    );
    const rows = flattenDiffTree(deeper, initialCollapsed(deeper));
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.kind === 'dir' && r.collapsed).map((r) => r.label)).toContain('x0/y');
  });
});

describe('tags and history helpers', () => {
  it('counts tags over the chosen snapshots and builds restic tag’s arguments', () => {
    expect(tagCounts([snap('1', 'h', ['a', 'b']), snap('2', 'h', ['b'])])).toEqual([
      { tag: 'a', count: 1 },
      { tag: 'b', count: 2 },
    ]);
    expect(tagArgs(['abcd1234'], ['x'], ['y'])).toEqual([
      'tag',
      '--json',
      '--add=x',
      '--remove=y',
      '--',
      'abcd1234',
    ]);
  });

  it('gives each version its size change from the copy before', () => {
    const v = (size: number | undefined, status: FileVersion['status']): FileVersion => ({
      snapshotId: String(size),
      shortId: 's',
      time: 't',
      hostname: 'h',
      type: 'file',
      ...(size !== undefined ? { size } : {}),
      status,
    });
    expect(
      withDeltas([v(10, 'first'), v(15, 'changed'), v(undefined, 'changed'), v(15, 'unchanged')]).map(
        (r) => r.delta,
      ),
    ).toEqual([null, 5, null, null]);
  });
});

describe('10 000 snapshots', () => {
  it('groups them in a few milliseconds (the table regroups on every sort and filter)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      snap(String(i).padStart(8, '0'), `host-${i % 40}`, [`plan:p${i % 25}`, 'daily']),
    );
    const start = performance.now();
    for (const by of ['host', 'plan'] as const) {
      const items = groupItems(many, by, (r) => r, new Set());
      expect(items.filter((i) => i.kind === 'row')).toHaveLength(10_000);
    }
    expect(performance.now() - start).toBeLessThan(250);
  });
});

import { describe, expect, it } from 'vitest';
import type { HostDetail, PreviewItem, Repo, RestorePreview, Snapshot } from '../../../../shared';
import { applyPatch, EMPTY_DRAFT, type RestoreDraft } from './draftStore';
import { effectiveTotals, elideMiddle, excludedPaths, filterItems, itemKey, setMany } from './previewModel';
import { addSample, etaSeconds, ratePerSecond, shownRate } from './progressModel';
import { buildRequest } from './requestModel';
import { countSelection, normalizeSelection, shortPath, tickState, toggle } from './selectionModel';
import {
  latestBefore,
  matchInventoryHost,
  parseLocalDateTime,
  reposOfBusiness,
  snapshotHosts,
  snapshotsOfHost,
  toLocalDateTimeValue,
} from './sourceModel';

const snap = (id: string, time: string, hostname = 'web-1'): Snapshot => ({
  id: id.padEnd(64, '0'),
  shortId: id.slice(0, 8).padEnd(8, '0'),
  time,
  hostname,
  paths: ['/srv'],
  tags: [],
});

const host = (id: string, name: string, extra: Partial<HostDetail> = {}): HostDetail => ({
  id,
  name,
  kind: 'ssh',
  privateKeySet: true,
  ...extra,
});

describe('latest before', () => {
  const list = [
    snap('aa', '2026-11-20T10:00:00Z'),
    snap('bb', '2026-11-20T12:00:00+02:00'), // 10:00Z as well: the same instant, written with an offset
    snap('cc', '2026-11-20T11:30:00Z'),
    snap('dd', '2026-11-21T08:00:00Z'),
  ];

  it('takes the newest snapshot at or before the instant, comparing instants not strings', () => {
    expect(latestBefore(list, new Date('2026-11-20T11:59:00Z'))?.id).toBe(snap('cc', '').id);
    expect(latestBefore(list, new Date('2026-11-20T11:30:00Z'))?.id).toBe(snap('cc', '').id);
    expect(latestBefore(list, new Date('2026-11-22T00:00:00Z'))?.id).toBe(snap('dd', '').id);
  });

  it('breaks a tie between equal instants the same way every time', () => {
    const a = latestBefore(list, new Date('2026-11-20T10:00:00Z'));
    const b = latestBefore([...list].reverse(), new Date('2026-11-20T10:00:00Z'));
    expect(a?.id).toBe(b?.id);
    expect(['aa', 'bb'].map((x) => snap(x, '').id)).toContain(a?.id);
  });

  it('is null before the oldest snapshot and for an invalid time', () => {
    expect(latestBefore(list, new Date('2026-11-19T00:00:00Z'))).toBeNull();
    expect(latestBefore(list, new Date('nope'))).toBeNull();
    expect(latestBefore(list, null)).toBeNull();
  });

  it('reads datetime-local values in the local zone and rejects rolled-over dates', () => {
    const d = parseLocalDateTime('2026-11-20T14:30')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([
      2026, 10, 20, 14, 30,
    ]);
    expect(toLocalDateTimeValue(d)).toBe('2026-11-20T14:30');
    expect(parseLocalDateTime('2026-02-31T10:00')).toBeNull();
    expect(parseLocalDateTime('yesterday')).toBeNull();
  });
});

describe('source lists', () => {
  it('groups snapshots by host, newest activity first, and lists one host newest first', () => {
    const list = [
      snap('a1', '2026-11-01T00:00:00Z', 'db-1'),
      snap('a2', '2026-11-03T00:00:00Z', 'web-1'),
      snap('a3', '2026-11-02T00:00:00Z', 'db-1'),
    ];
    expect(snapshotHosts(list)).toEqual([
      { hostname: 'web-1', count: 1, latest: '2026-11-03T00:00:00Z' },
      { hostname: 'db-1', count: 2, latest: '2026-11-02T00:00:00Z' },
    ]);
    expect(snapshotsOfHost(list, 'db-1').map((s) => s.shortId)).toEqual(['a3000000', 'a1000000']);
  });

  it("finds a business's repositories by id, or by name for rows without one", () => {
    const repo = (id: string, extra: Partial<Repo>): Repo => ({
      id,
      name: id,
      location: '/r',
      kind: 'local',
      hostId: 'local',
      demo: false,
      passwordSet: true,
      ...extra,
    });
    const repos = [
      repo('r1', { businessId: 'b1' }),
      repo('r2', { business: 'Acme' }),
      repo('r3', { businessId: 'b2', business: 'Acme' }),
    ];
    expect(reposOfBusiness(repos, { id: 'b1', name: 'Acme' }).map((r) => r.id)).toEqual(['r1', 'r2']);
  });

  it('matches a snapshot host to one inventory host, and refuses to guess between two', () => {
    const hosts = [
      host('h1', 'web-1', { address: '10.0.0.5' }),
      host('h2', 'db-1.example.net'),
      host('local', 'this machine', { kind: 'local' }),
    ];
    expect(matchInventoryHost(hosts, 'WEB-1')?.id).toBe('h1');
    expect(matchInventoryHost(hosts, '10.0.0.5')?.id).toBe('h1');
    expect(matchInventoryHost(hosts, 'db-1')?.id).toBe('h2');
    expect(matchInventoryHost(hosts, 'vm')).toBeNull();
    expect(matchInventoryHost([...hosts, host('h3', 'web-1.other.net')], 'web-1.x.y')).toBeNull();
  });
});

describe('selection model', () => {
  const children: Record<string, string[]> = {
    '/srv': ['/srv/a', '/srv/b', '/srv/c'],
    '/srv/a': ['/srv/a/1', '/srv/a/2'],
  };
  const siblingsOf = (dir: string) => children[dir] ?? null;

  it('shows covered, partial and unticked rows', () => {
    const sel = new Set(['/srv/a']);
    expect(tickState(sel, '/srv/a')).toBe('checked');
    expect(tickState(sel, '/srv/a/1')).toBe('checked');
    expect(tickState(sel, '/srv')).toBe('partial');
    expect(tickState(sel, '/srv/ab')).toBe('unchecked');
    expect(tickState(new Set(['/']), '/anything')).toBe('checked');
  });

  it('ticking a folder replaces what was ticked beneath it', () => {
    expect([...toggle(new Set(['/srv/a/1', '/srv/b']), '/srv', siblingsOf)]).toEqual(['/srv']);
  });

  it('unticking inside a ticked folder keeps its other branches', () => {
    const next = toggle(new Set(['/srv']), '/srv/a/2', siblingsOf);
    expect(normalizeSelection(next)).toEqual(['/srv/a/1', '/srv/b', '/srv/c']);
    expect(tickState(next, '/srv/a/2')).toBe('unchecked');
  });

  it('normalises to the fewest covering paths, without confusing /srv/a with /srv/ab', () => {
    expect(normalizeSelection(['/srv/ab', '/srv/a/x', '/srv/a', '/srv/a'])).toEqual(['/srv/a', '/srv/ab']);
  });

  it('counts files with their sizes and folders apart', () => {
    const info = (p: string) =>
      p === '/d' ? { type: 'dir' } : p === '/f' ? { type: 'file', size: 10 } : undefined;
    expect(countSelection(['/d', '/f', '/unknown'], info)).toEqual({
      entries: 3,
      files: 2,
      folders: 1,
      bytes: 10,
    });
  });
});

describe('preview model', () => {
  const items: PreviewItem[] = [
    { path: '/srv/a', targetPath: '/srv/a', action: 'create', type: 'file', size: 10 },
    { path: '/srv/b', targetPath: '/srv/b', action: 'overwrite', type: 'file', size: 20 },
    { path: '/srv/c', targetPath: '/srv/c', action: 'unchanged', type: 'file', size: 5 },
    { path: '/srv/old', targetPath: '/srv/old', action: 'delete', type: 'file', size: 7 },
  ];
  const preview = {
    items,
    totals: {
      create: { files: 1, bytes: 10 },
      overwrite: { files: 1, bytes: 20 },
      unchanged: { files: 1, bytes: 5 },
      delete: { files: 1, bytes: 7 },
    },
  } as RestorePreview;

  it('filters by action and text', () => {
    expect(
      filterItems(items, { actions: new Set(['create', 'overwrite']), text: 'B' }).map((i) => i.path),
    ).toEqual(['/srv/b']);
  });

  it('unticked items leave the totals and go to the core as excludes', () => {
    const unticked = new Set([itemKey(items[1]!), itemKey(items[3]!)]);
    const totals = effectiveTotals(preview, unticked);
    expect(totals.overwrite).toEqual({ files: 0, bytes: 0 });
    expect(totals.delete).toEqual({ files: 0, bytes: 0 });
    expect(totals.create).toEqual({ files: 1, bytes: 10 });
    expect(excludedPaths(items, unticked)).toEqual(['/srv/b', '/srv/old']);
  });

  it('the header tick sets every shown item', () => {
    const none = setMany(new Set(), items.slice(0, 2), false);
    expect(none.size).toBe(2);
    expect(setMany(none, items, true).size).toBe(0);
  });
});

describe('request model and draft', () => {
  const hosts = [host('h1', 'web-1'), host('local', 'this machine', { kind: 'local' })];
  const ready: RestoreDraft = {
    ...EMPTY_DRAFT,
    repoId: 'r1',
    hostname: 'web-1',
    snapshotId: 'ab'.repeat(32),
  };

  it('says what is missing before it builds a request', () => {
    expect(buildRequest(EMPTY_DRAFT, hosts)).toEqual({ missing: 'source' });
    expect(buildRequest({ ...ready, wholeSnapshot: false }, hosts)).toEqual({ missing: 'selection' });
    expect(buildRequest(ready, hosts)).toEqual({ missing: 'target' });
    expect(buildRequest({ ...ready, target: 'original' }, hosts)).toEqual({ missing: 'originalHost' });
    expect(buildRequest({ ...ready, target: 'localFolder', path: 'relative' }, hosts)).toEqual({
      missing: 'pathNotAbsolute',
    });
  });

  it('builds each kind of target', () => {
    const req = (d: Partial<RestoreDraft>) => {
      const r = buildRequest({ ...ready, ...d }, hosts);
      if (!('request' in r)) throw new Error(r.missing);
      return r.request;
    };
    expect(req({ target: 'original', originalHostId: 'h1' }).target).toEqual({
      kind: 'original',
      hostId: 'h1',
    });
    expect(req({ target: 'localFolder', path: ' /tmp/x ' }).target).toEqual({
      kind: 'path',
      hostId: 'local',
      path: '/tmp/x',
    });
    const archive = req({
      target: 'localArchive',
      archiveDirectory: '/tmp/a',
      archiveFormat: 'zip',
      deleteExtra: true,
    });
    expect(archive.target).toEqual({ kind: 'archive', format: 'zip', directory: '/tmp/a' });
    expect(archive.options.delete).toBe(false);
    expect(
      req({ target: 'otherHost', otherHostId: 'h1', path: '/r', wholeSnapshot: false, selection: ['/srv/a'] })
        .paths,
    ).toEqual(['/srv/a']);
  });

  it('does not ask the target for what its restic cannot do', () => {
    const off = { supported: false, reason: 'restic 0.14' };
    const on = { supported: true };
    const caps = {
      resticVersion: '0.14.0',
      dryRun: off,
      overwrite: off,
      delete: off,
      verify: on,
      jsonProgress: off,
      limitDownload: on,
    };
    const r = buildRequest(
      {
        ...ready,
        target: 'localFolder',
        path: '/x',
        overwrite: 'never',
        deleteExtra: true,
        verify: true,
        limitKiB: 100,
      },
      hosts,
      [],
      caps,
    );
    if (!('request' in r)) throw new Error('missing');
    expect(r.request.options).toEqual({
      overwrite: 'always',
      delete: false,
      verify: true,
      limitDownloadKiB: 100,
    });
  });

  it('a new snapshot clears the selection and ticks; a full hand-over keeps what it sets', () => {
    const picked = { ...ready, wholeSnapshot: false, selection: ['/srv/a'], unticked: ['/srv/b'] };
    const moved = applyPatch(picked, { snapshotId: 'cd'.repeat(32) });
    expect(moved.selection).toEqual([]);
    expect(moved.wholeSnapshot).toBe(true);
    expect(moved.unticked).toEqual([]);
    const seeded = applyPatch(EMPTY_DRAFT, {
      businessId: 'b1',
      repoId: 'r1',
      hostname: 'web-1',
      snapshotId: 'ab'.repeat(32),
      wholeSnapshot: false,
      selection: ['/srv/a'],
    });
    expect(seeded).toMatchObject({
      businessId: 'b1',
      repoId: 'r1',
      hostname: 'web-1',
      selection: ['/srv/a'],
      wholeSnapshot: false,
    });
    expect(
      applyPatch({ ...seeded, target: 'original', originalHostId: 'h1' }, { hostname: 'db-1' }),
    ).toMatchObject({
      target: null,
      originalHostId: null,
      snapshotId: null,
    });
  });
});

describe('rate and time left', () => {
  it('measures over a sliding window and gives no ETA without a rate', () => {
    let s = addSample([], { at: 0, done: 0 });
    s = addSample(s, { at: 500, done: 50 });
    expect(ratePerSecond(s)).toBeNull();
    s = addSample(s, { at: 2000, done: 200 });
    expect(ratePerSecond(s)).toBe(100);
    expect(etaSeconds(200, 1200, 100)).toBe(10);
    expect(etaSeconds(200, null, 100)).toBeNull();
    expect(etaSeconds(200, 1000, 0)).toBeNull();
    s = addSample(s, { at: 30_000, done: 3000 });
    expect(s[0]!.at).toBe(2000); // older samples fall out, the one before the window stays as the base
    expect(addSample(s, { at: 31_000, done: 10 })).toEqual([{ at: 31_000, done: 10 }]);
  });
});

describe('paths as lists show them', () => {
  it('shows a ticked path from the backed-up folder on, and other paths whole', () => {
    expect(shortPath('/srv/x/app-data/config', ['/srv/x/app-data'])).toBe('…/app-data/config');
    expect(shortPath('/srv/x/app-data', ['/srv/x/app-data'])).toBe('…/app-data');
    expect(shortPath('/srv/x/app-database', ['/srv/x/app-data'])).toBe('/srv/x/app-database');
    expect(shortPath('/etc/hosts', ['/etc'])).toBe('/etc/hosts');
  });

  it('keeps the start and the end of a long path', () => {
    const long = `/tmp/out/${'deep/'.repeat(20)}invoice-0001.pdf`;
    const short = elideMiddle(long, 40);
    expect(short).toHaveLength(40);
    expect(short.startsWith('/tmp/out/')).toBe(true);
    expect(short.endsWith('invoice-0001.pdf')).toBe(true);
    expect(elideMiddle('/a/b', 40)).toBe('/a/b');
  });

  it('hides folders from the preview list unless asked', () => {
    const items: PreviewItem[] = [
      { path: '/srv', targetPath: '/srv', action: 'create', type: 'dir' },
      { path: '/srv/a', targetPath: '/srv/a', action: 'create', type: 'file', size: 1 },
    ];
    const actions = new Set(['create'] as const);
    expect(filterItems(items, { actions, text: '', folders: false }).map((i) => i.path)).toEqual(['/srv/a']);
    expect(filterItems(items, { actions, text: '', folders: true })).toHaveLength(2);
  });
});

describe('the rate shown between bursts', () => {
  it('uses the recent rate while data moves, else the average since the start', () => {
    expect(shownRate(100, 1000, 10)).toBe(100);
    expect(shownRate(0, 1000, 10)).toBe(100);
    expect(shownRate(null, 1000, 4)).toBe(250);
    expect(shownRate(0, 0, 10)).toBe(0);
    expect(shownRate(null, 1000, 1)).toBeNull();
  });
});

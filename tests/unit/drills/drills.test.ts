// Pure parts of restore drills: the sample (spread over folders, non-empty
// first, the same for the same seed whatever the listing order, bounded),
// the schedule math, the board verdict, restic --include escaping and the
// NUL-separated hash listing.
import { describe, expect, it } from 'vitest';
import { drillVerdict } from '../../../electron/core/fleet/items/drill';
import { includeBatches, includePattern, parseHashListing } from '../../../electron/core/drills/remote';
import { SampleSelector, selectSample, type SampleCandidate } from '../../../electron/core/drills/sample';
import { DAY_MS, drillMaxAgeDays, isDue, nextRunAt } from '../../../electron/core/drills/schedule';

function shuffled<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const file = (path: string, size = 10): SampleCandidate => ({ path, size });

describe('sample selection', () => {
  const tree: SampleCandidate[] = [
    ...Array.from({ length: 1000 }, (_, i) => file(`/big/f${i}`)),
    ...['a', 'b', 'c', 'd', 'e'].map((d) => file(`/small/${d}/only`)),
  ];

  it('is the same for the same seed whatever the listing order, and differs between seeds', () => {
    const one = selectSample('drill-1', tree, 6);
    expect(selectSample('drill-1', shuffled(tree, 7), 6)).toEqual(one);
    expect(selectSample('drill-1', tree.slice().reverse(), 6)).toEqual(one);
    expect(selectSample('drill-2', tree, 6)).not.toEqual(one);
  });

  it('takes one file per folder before a second from any folder (a huge folder does not fill it)', () => {
    const picked = selectSample('drill-1', tree, 6);
    expect(picked).toHaveLength(6);
    const folders = new Set(picked.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))));
    expect(folders.size).toBe(6);
    expect(picked.filter((f) => f.path.startsWith('/big/'))).toHaveLength(1);
  });

  it('fills from all files when there are fewer folders than wanted files', () => {
    const picked = selectSample('s', tree, 20);
    expect(picked).toHaveLength(20);
    expect(new Set(picked.map((f) => f.path)).size).toBe(20);
    expect(picked.filter((f) => f.path.startsWith('/small/'))).toHaveLength(5);
  });

  it('prefers non-empty files, in a folder and across folders, and takes empty ones only when nothing else is left', () => {
    const withEmpty = [file('/x/empty1', 0), file('/x/full', 5), file('/y/empty2', 0), file('/z/full2', 1)];
    for (let seed = 0; seed < 20; seed++) {
      const two = selectSample(`seed${seed}`, shuffled(withEmpty, seed + 1), 2);
      expect(two.map((f) => f.path).sort()).toEqual(['/x/full', '/z/full2']);
    }
    expect(selectSample('s', withEmpty, 10)).toHaveLength(4);
  });

  it('returns every file when the snapshot has fewer than wanted, in path order', () => {
    const few = [file('/b'), file('/a/x'), file('/a/y', 0)];
    expect(selectSample('s', few, 50).map((f) => f.path)).toEqual(['/a/x', '/a/y', '/b']);
  });

  it('skips names restic could not print as UTF-8 and counts what it saw', () => {
    const s = new SampleSelector('s', 5);
    s.offer(file('/ok'));
    s.offer(file('/bad\uFFFDname'));
    expect(s.result().map((f) => f.path)).toEqual(['/ok']);
    expect(s).toMatchObject({ seen: 2, unprintable: 1 });
  });

  it('keeps memory bounded by the sample size over a large listing', () => {
    const s = new SampleSelector('s', 10);
    for (let d = 0; d < 2000; d++) for (let f = 0; f < 20; f++) s.offer(file(`/d${d}/f${f}`, f));
    const internals = s as unknown as {
      folderByPath: Map<string, unknown>;
      folders: { items: unknown[] };
      overall: { items: unknown[] };
    };
    expect(internals.folderByPath.size).toBeLessThanOrEqual(40);
    expect(internals.folders.items.length).toBeLessThanOrEqual(40);
    expect(internals.overall.items.length).toBeLessThanOrEqual(20);
    expect(s.result()).toHaveLength(10);
    expect(s.seen).toBe(40_000);
  });

  it('refuses an empty sample size', () => {
    expect(() => new SampleSelector('s', 0)).toThrow(RangeError);
  });
});

describe('schedule math', () => {
  const now = Date.parse('2026-11-21T08:00:00Z');

  it('is due at once with no drill yet, and every N days after the last drill of the business', () => {
    expect(nextRunAt({ enabled: true, everyDays: 7 }, undefined, now)).toBe(now);
    expect(nextRunAt({ enabled: true, everyDays: 7 }, now - DAY_MS, now)).toBe(now + 6 * DAY_MS);
    expect(nextRunAt({ enabled: true, everyDays: 1 }, now - 3 * DAY_MS, now)).toBe(now);
  });

  it('has no next run when disabled', () => {
    expect(nextRunAt({ enabled: false, everyDays: 7 }, undefined, now)).toBeUndefined();
    expect(isDue(undefined, now)).toBe(false);
  });

  it('is due exactly at the next time, not before', () => {
    expect(isDue(now, now)).toBe(true);
    expect(isDue(now + 1, now)).toBe(false);
  });

  it('warns after the interval plus a day of grace, or after 30 days without a schedule', () => {
    expect(drillMaxAgeDays({ enabled: true, everyDays: 7 })).toBe(8);
    expect(drillMaxAgeDays({ enabled: false, everyDays: 7 })).toBe(30);
    expect(drillMaxAgeDays(undefined)).toBe(30);
  });
});

describe('board verdict', () => {
  const now = Date.parse('2026-11-21T08:00:00Z');
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const base = {
    jobId: 'job-1',
    filesChecked: 20,
    hostName: 'web-1',
    mismatches: [] as { path: string; reason: string }[],
  };

  it('no drill: warning in words', () => {
    expect(drillVerdict({}, undefined, now)).toMatchObject({
      status: 'warning',
      reason: 'no restore drill recorded: nobody has proved that this repository restores',
    });
  });

  it('passed recently: ok; too old: warning with the limit', () => {
    const passed = {
      ...base,
      id: 'd1',
      status: 'passed' as const,
      startedAt: at(2 * 3600_000),
      finishedAt: at(3600_000),
    };
    expect(drillVerdict({ finished: passed, passed }, { enabled: true, everyDays: 7 }, now)).toMatchObject({
      status: 'ok',
      reason: 'restore drill passed 1 h ago (20 files identical on web-1)',
    });
    const old = { ...passed, finishedAt: at(9 * DAY_MS) };
    const v = drillVerdict({ finished: old, passed: old }, { enabled: true, everyDays: 7 }, now);
    expect(v.status).toBe('warning');
    expect(v.reason).toMatch(/^last restore drill passed .* ago \(older than 8 d\)$/);
  });

  it('last drill failed: failing with the mismatches summarized, even after an older pass', () => {
    const passed = {
      ...base,
      id: 'd1',
      status: 'passed' as const,
      startedAt: at(3 * DAY_MS),
      finishedAt: at(3 * DAY_MS),
    };
    const mismatches = Array.from({ length: 5 }, (_, i) => ({
      path: `/srv/f${i}`,
      reason: 'content differs from the snapshot',
    }));
    const failed = {
      ...base,
      id: 'd2',
      status: 'failed' as const,
      startedAt: at(DAY_MS),
      finishedAt: at(DAY_MS),
      mismatches,
    };
    const v = drillVerdict({ finished: failed, passed }, undefined, now);
    expect(v.status).toBe('failing');
    expect(v.reason).toBe(
      'last restore drill failed 24 h ago: 5 file(s) did not match — /srv/f0: content differs from the snapshot; /srv/f1: content differs from the snapshot; /srv/f2: content differs from the snapshot; and 2 more',
    );
    const noFiles = { ...failed, mismatches: [], reason: 'the repository has no snapshot' };
    expect(drillVerdict({ finished: noFiles }, undefined, now).reason).toBe(
      'last restore drill failed 24 h ago: the repository has no snapshot',
    );
  });
});

describe('restic --include escaping and the hash listing', () => {
  it('escapes exactly the characters Go filepath.Match treats specially', () => {
    expect(includePattern('/srv/a*b?[c]\\d $(x) -e')).toBe('/srv/a\\*b\\?\\[c]\\\\d $(x) -e');
  });

  it('splits long sample lists into several restores', () => {
    const paths = Array.from({ length: 100 }, (_, i) => `/srv/${'x'.repeat(50)}${i}`);
    const batches = includeBatches(paths, 1000);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toHaveLength(100);
    for (const b of batches) expect(b.join(' ').length).toBeLessThanOrEqual(1100);
  });

  it('reads NUL-separated hash/path pairs with any name, "!" as unreadable', () => {
    const h = 'a'.repeat(64);
    const out = Buffer.from(`${h}\0./srv/new\nline\0!\0./srv/locked\0${h}\0./srv/中文 \\ "q"\0`);
    expect([...parseHashListing(out)]).toEqual([
      ['/srv/new\nline', h],
      ['/srv/locked', undefined],
      ['/srv/中文 \\ "q"', h],
    ]);
  });
});

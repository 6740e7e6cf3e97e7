// Maintenance wrappers (stats, check, forget, prune, find, key, tag) against
// output recorded from the real binaries (`maint-*` cases of
// scripts/record-restic-fixtures.mjs --only=maintenance), replayed in random
// chunks. The same flows run against the real binaries in
// tests/integration/repo-maintenance.test.ts.

import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import {
  exactPathPattern,
  parseCheckOutput,
  parsePruneOutput,
  policyArgs,
  readDataArgs,
} from '../../../electron/core/restic/maintenance';
import { Restic } from '../../../electron/core/restic/restic';
import { fixtureVersions, recorded, replay, ReplayRunner, versionReply, type Reply } from './support';

const PASSWORD = 'pw-Secret-123';

function restic(replies: Reply[]) {
  const runner = new ReplayRunner(replies);
  const r = new Restic({ runner, binary: 'restic', repository: '/srv/repo', password: PASSWORD });
  return { r, runner };
}

async function errorOf(p: Promise<unknown>): Promise<ConsoleError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConsoleError) return err;
    throw err;
  }
  throw new Error('expected a ConsoleError');
}

const text = (version: string, name: string) => {
  const r = recorded(version, name);
  return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), code: r.case.code };
};

describe.each(fixtureVersions())('maintenance commands on recorded restic %s', (version) => {
  const modern = !version.startsWith('0.14.');
  const snaps = JSON.parse(recorded(version, 'maint-snapshots').stdout.toString()) as Array<{
    id: string;
    hostname: string;
    tags?: string[];
  }>;

  it('stats in restore-size and raw-data modes (compression fields from 0.15)', async () => {
    const { r, runner } = restic([
      replay(version, 'maint-stats-restore-size'),
      replay(version, 'maint-stats-raw-data'),
    ]);
    const size = await r.stats();
    expect(size).toMatchObject({ mode: 'restore-size', snapshotsCount: 5 });
    expect(size.totalSize).toBeGreaterThan(256 * 1024);
    expect(size.totalFileCount).toBeGreaterThan(0);
    const raw = await r.stats({ mode: 'raw-data', noLock: true });
    expect(raw.mode).toBe('raw-data');
    expect(raw.totalBlobCount).toBeGreaterThan(0);
    expect(raw.totalFileCount).toBeUndefined();
    if (modern) {
      expect(raw.compressionRatio).toBeGreaterThan(1);
      expect(raw.totalUncompressedSize).toBeGreaterThan(raw.totalSize);
      expect(raw.compressionSpaceSaving).toBeGreaterThan(0);
    } else {
      expect(raw.compressionRatio).toBeUndefined();
    }
    expect(runner.calls[0]!.argv).toEqual(['restic', 'stats', '--json', '--mode=restore-size']);
    expect(runner.calls[1]!.argv).toEqual(['restic', 'stats', '--json', '--no-lock', '--mode=raw-data']);
  });

  it.each([
    ['maint-check', { kind: 'none' } as const, []],
    ['maint-check-subset-fraction', { kind: 'fraction', n: 1, t: 2 } as const, ['--read-data-subset=1/2']],
    ['maint-check-subset-percent', { kind: 'percent', percent: 50 } as const, ['--read-data-subset=50%']],
    ['maint-check-subset-size', { kind: 'size', size: '100K' } as const, ['--read-data-subset=100K']],
    ['maint-check-read-data', { kind: 'all' } as const, ['--read-data']],
  ])('check %s: no errors', async (name, readData, flags) => {
    const lines: string[] = [];
    const { r, runner } = restic([replay(version, name)]);
    const result = await r.check({ readData, onLine: (l) => lines.push(l) });
    expect(result).toEqual(expect.objectContaining({ ok: true, numErrors: 0, errors: [], brokenPacks: [] }));
    expect(runner.calls[0]!.argv).toEqual(['restic', 'check', '--json', ...flags]);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('check of a damaged repository: errors listed, not thrown', async () => {
    const { r } = restic([replay(version, 'maint-check-damaged')]);
    const result = await r.check({ readData: { kind: 'all' } });
    expect(result.ok).toBe(false);
    expect(result.numErrors).toBeGreaterThan(1);
    expect(result.errors.some((e) => /ciphertext verification failed/.test(e))).toBe(true);
    // "error for tree x:" and its indented cause are one entry.
    expect(result.errors.some((e) => /^error for tree [0-9a-f]+: .*decrypting blob/.test(e))).toBe(true);
    expect(result.brokenPacks.length).toBeGreaterThan(0);
    for (const p of result.brokenPacks) expect(p).toMatch(/^[0-9a-f]{64}$/);
  });

  it('check that could not run (wrong password, lock) is an error, not a result', () => {
    const wrong = text(version, 'error-wrong-password');
    expect(parseCheckOutput(wrong.stdout, wrong.stderr, wrong.code)).toBeUndefined();
    // 0.19 prints a summary with num_errors 1 even when it could not open the repository.
    expect(
      parseCheckOutput(
        '{"message_type":"summary","num_errors":1,"broken_packs":null}\n',
        '{"message_type":"exit_error","code":12,"message":"Fatal: wrong password or no key found"}\n',
        12,
      ),
    ).toBeUndefined();
    const locked = text(version, 'error-locked-snapshots');
    expect(parseCheckOutput(locked.stdout, locked.stderr, locked.code)).toBeUndefined();
  });

  it('forget --dry-run: groups with keep (and why) and remove', async () => {
    const { r, runner } = restic([replay(version, 'maint-forget-dry-run-last')]);
    const groups = await r.forget({ keepLast: 1 }, { dryRun: true });
    expect(runner.calls[0]!.argv).toEqual(['restic', 'forget', '--json', '--dry-run', '--keep-last=1']);
    expect(groups).toHaveLength(2);
    const mine = groups.find((g) => g.host === 'fixture-host')!;
    expect(mine.keep).toHaveLength(1);
    expect(mine.keep[0]!.reasons).toEqual(['last snapshot']);
    expect(mine.remove).toHaveLength(3);
    expect(mine.remove.every((e) => e.reasons.length === 0)).toBe(true);
    const other = groups.find((g) => g.host === 'other-host')!;
    expect(other.keep.map((e) => e.snapshot.id)).toEqual([
      snaps.find((s) => s.hostname === 'other-host')!.id,
    ]);
    expect(other.remove).toEqual([]);
  });

  it('forget --dry-run with daily + tag rules gives each kept snapshot its reasons', async () => {
    const { r } = restic([replay(version, 'maint-forget-dry-run-daily')]);
    const groups = await r.forget({ keepDaily: 2, keepTags: ['weekly'] }, { dryRun: true });
    const mine = groups.find((g) => g.host === 'fixture-host')!;
    const reasons = mine.keep.map((e) => e.reasons.join(', '));
    expect(reasons.some((x) => /daily snapshot/.test(x))).toBe(true);
    expect(reasons.some((x) => /tag/.test(x))).toBe(true);
    // Every kept snapshot has a reason, also on 0.14 where reasons carry no id.
    expect(mine.keep.every((e) => e.reasons.length > 0)).toBe(true);
    expect(mine.keep.length + mine.remove.length).toBe(4);
  });

  it('forget --group-by=host --keep-within', async () => {
    const { r, runner } = restic([replay(version, 'maint-forget-dry-run-group-host')]);
    const groups = await r.forget({ keepWithin: '1d' }, { dryRun: true, groupBy: 'host' });
    expect(runner.calls[0]!.argv).toContain('--group-by=host');
    expect(runner.calls[0]!.argv).toContain('--keep-within=1d');
    expect(groups.map((g) => g.host).sort()).toEqual(['fixture-host', 'other-host']);
  });

  it('a policy that would remove every snapshot of a group: the same typed error on every version', async () => {
    const { r } = restic([replay(version, 'maint-forget-remove-all')]);
    const err = await errorOf(r.forget({ keepTags: ['no-such-tag'] }, { dryRun: true }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.detail).toMatchObject({ reason: 'would-remove-all' });
    expect(err.message).toMatch(/remove every snapshot of a group/);
  });

  it('a real forget on a version without the refusal runs a dry run first and refuses', async () => {
    if (modern) {
      const { r, runner } = restic([versionReply(version), replay(version, 'maint-forget-remove-all')]);
      const err = await errorOf(r.forget({ keepTags: ['no-such-tag'] }));
      expect(err.detail).toMatchObject({ reason: 'would-remove-all' });
      expect(runner.calls).toHaveLength(2);
      expect(runner.calls[1]!.argv).not.toContain('--dry-run');
    } else {
      const { r, runner } = restic([versionReply(version), replay(version, 'maint-forget-remove-all')]);
      const err = await errorOf(r.forget({ keepTags: ['no-such-tag'] }));
      expect(err.detail).toMatchObject({ reason: 'would-remove-all' });
      // Only the dry run ran: nothing was removed.
      expect(runner.calls).toHaveLength(2);
      expect(runner.calls[1]!.argv).toContain('--dry-run');
    }
  });

  it('forget (real) returns what it removed', async () => {
    const replies = [versionReply(version)];
    if (!modern) replies.push(replay(version, 'maint-forget-last'));
    replies.push(replay(version, 'maint-forget-last'));
    const { r } = restic(replies);
    const groups = await r.forget({ keepLast: 2 });
    expect(groups.flatMap((g) => g.keep)).not.toHaveLength(0);
  });

  it('forget of one snapshot; a missing one (exit 0, "Ignoring …") is SNAPSHOT_NOT_FOUND', async () => {
    const last = snaps[snaps.length - 1]!.id;
    const ok = restic([replay(version, 'maint-forget-snapshot')]);
    await ok.r.forgetSnapshots([last]);
    expect(ok.runner.calls[0]!.argv).toEqual(['restic', 'forget', '--', last]);
    const missing = restic([replay(version, 'maint-forget-snapshot-missing')]);
    expect((await errorOf(missing.r.forgetSnapshots(['deadbeef']))).code).toBe('SNAPSHOT_NOT_FOUND');
  });

  it('resolveSnapshots: full ids, not found, ambiguous', async () => {
    const { r } = restic([
      replay(version, 'maint-snapshots'),
      replay(version, 'maint-snapshots'),
      replay(version, 'maint-snapshots'),
    ]);
    const [one] = await r.resolveSnapshots([snaps[0]!.id.slice(0, 8)]);
    expect(one!.id).toBe(snaps[0]!.id);
    expect((await errorOf(r.resolveSnapshots(['deadbeefdeadbeef']))).code).toBe('SNAPSHOT_NOT_FOUND');
    // A one-digit prefix shared by two of the five ids, if any; else any prefix of length 0 is refused by the schema.
    const first = snaps.map((s) => s.id[0]!);
    const shared = first.find((c, i) => first.indexOf(c) !== i);
    if (shared) expect((await errorOf(r.resolveSnapshots([shared]))).code).toBe('SNAPSHOT_AMBIGUOUS');
  });

  it('prune --dry-run and prune: the statistics block', async () => {
    const lines: string[] = [];
    const { r, runner } = restic([replay(version, 'maint-prune-dry-run'), replay(version, 'maint-prune')]);
    const dry = await r.prune({ dryRun: true, onLine: (l) => lines.push(l) });
    expect(dry.dryRun).toBe(true);
    expect(dry.lines['total prune']).toMatch(/blobs/);
    expect(dry.totalPruneBlobs).toBeGreaterThanOrEqual(0);
    expect(lines.length).toBeGreaterThan(3);
    const real = await r.prune({ maxUnused: '0%' });
    expect(real.remainingSize).toBeDefined();
    expect(runner.calls[1]!.argv).toEqual(['restic', 'prune', '--max-unused=0%']);
    expect(() => r.pruneArgs({ maxUnused: '5%; rm -rf /' })).toThrow(ConsoleError);
  });

  it('find --json: matches per snapshot; none is an empty list', async () => {
    const { r, runner } = restic([replay(version, 'maint-find'), replay(version, 'maint-find-none')]);
    const results = await r.find(['*.txt']);
    expect(runner.calls[0]!.argv).toEqual(['restic', 'find', '--json', '--', '*.txt']);
    expect(results.length).toBe(5);
    for (const res of results) {
      expect(res.snapshotId).toMatch(/^[0-9a-f]{64}$/);
      expect(res.matches.map((m) => m.name).sort()).toEqual(['keep.txt', 'report.txt']);
      expect(res.hits).toBe(2);
    }
    expect(await r.find(['no-such-name'])).toEqual([]);
  });

  it('find of one exact path (file history) and within one snapshot', async () => {
    const { r, runner } = restic([
      replay(version, 'maint-find-path'),
      replay(version, 'maint-find-snapshot'),
    ]);
    const path = `/tmp/rfc-restic-fixtures/${version}/maint-data/docs/report.txt`;
    const results = await r.findPath(path);
    expect(runner.calls[0]!.argv.at(-1)).toBe(path);
    expect(results).toHaveLength(5);
    const sizes = results.map((x) => x.matches[0]!.size);
    expect(new Set(sizes).size).toBeGreaterThan(1);
    for (const res of results) expect(res.matches.map((m) => m.path)).toEqual([path]);
    const inOne = await r.find(['report.txt'], { snapshotIds: [snaps[0]!.id] });
    expect(runner.calls[1]!.argv).toContain(`--snapshot=${snaps[0]!.id}`);
    expect(inOne).toHaveLength(1);
  });

  it('exactPathPattern escapes glob characters', () => {
    expect(exactPathPattern('/a/*b?[c]\\d')).toBe('/a/\\*b\\?\\[c\\]\\\\d');
  });

  it('key list, key add (password on stdin through sh, never argv), key remove', async () => {
    const { r, runner } = restic([
      replay(version, 'maint-key-list'),
      replay(version, 'maint-key-list'),
      replay(version, 'maint-key-add'),
      replay(version, 'maint-key-list-two'),
      replay(version, 'maint-key-remove'),
    ]);
    const before = await r.keys();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ current: true, hostName: 'fixture-host' });
    const added = await r.keyAdd('a-New-Secret-pw', { host: 'fixture-host-2' });
    expect(added).toMatchObject({ current: false, hostName: 'fixture-host-2' });
    const spec = runner.calls[2]!;
    expect(spec.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(spec.argv.slice(4)).toEqual(['restic', 'key', 'add', '--host=fixture-host-2']);
    for (const call of runner.calls) {
      expect(call.argv.join(' ')).not.toContain('a-New-Secret-pw');
      expect(JSON.stringify(call.env)).not.toContain('a-New-Secret-pw');
    }
    expect(spec.secretEnv).toEqual({ RESTIC_PASSWORD: PASSWORD, RFC_NEW_PASSWORD: 'a-New-Secret-pw' });
    await r.keyRemove(added.id);
    expect(runner.calls[4]!.argv).toEqual(['restic', 'key', 'remove', '--', added.id]);
    await expect(r.keyAdd('two\nlines')).rejects.toThrow(/one line/);
  });

  it('key remove of the key in use is CONFLICT, of a missing key NOT_FOUND', async () => {
    const { r } = restic([
      replay(version, 'maint-key-remove-current'),
      replay(version, 'maint-key-remove-missing'),
    ]);
    expect((await errorOf(r.keyRemove('abcdef12'))).code).toBe('CONFLICT');
    expect((await errorOf(r.keyRemove('ffffffff'))).code).toBe('NOT_FOUND');
  });

  it('tag: the rewritten snapshot id (JSON from 0.18, before/after listing before)', async () => {
    const target = snaps[0]!.id;
    const replies: Reply[] = [versionReply(version)];
    if (!modern) replies.push(replay(version, 'maint-snapshots'));
    replies.push(replay(version, 'maint-tag-add'));
    if (!modern) replies.push(replay(version, 'maint-snapshots-after-tag'));
    const { r, runner } = restic(replies);
    const result = await r.tag([target], { add: ['reviewed'] });
    expect(result.changedSnapshots).toBe(1);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]!.oldSnapshotId).toBe(target);
    expect(result.changes[0]!.newSnapshotId).toMatch(/^[0-9a-f]{64}$/);
    expect(result.changes[0]!.newSnapshotId).not.toBe(target);
    const after = JSON.parse(recorded(version, 'maint-snapshots-after-tag').stdout.toString()) as Array<{
      id: string;
      tags?: string[];
    }>;
    expect(after.find((s) => s.id === result.changes[0]!.newSnapshotId)!.tags).toContain('reviewed');
    expect(runner.calls.find((c) => c.argv.includes('tag'))!.argv).toEqual([
      'restic',
      'tag',
      '--json',
      '--add=reviewed',
      '--',
      target,
    ]);
  });

  it('tag of a missing snapshot is SNAPSHOT_NOT_FOUND', async () => {
    const replies: Reply[] = [versionReply(version)];
    if (!modern) replies.push(replay(version, 'maint-snapshots'));
    replies.push(replay(version, 'maint-tag-missing'));
    const { r } = restic(replies);
    expect((await errorOf(r.tag(['deadbeef'], { add: ['x'] }))).code).toBe('SNAPSHOT_NOT_FOUND');
  });
});

describe('resolveSnapshots', () => {
  it('a prefix two ids share is SNAPSHOT_AMBIGUOUS with the candidates; nothing else runs', async () => {
    const snap = (id: string) => ({
      time: '2026-11-20T10:00:00Z',
      id,
      short_id: id.slice(0, 8),
      paths: ['/a'],
      hostname: 'h',
    });
    const ids = ['abcd' + '1'.repeat(60), 'abcd' + '2'.repeat(60), 'ef01' + '3'.repeat(60)];
    const runner = new ReplayRunner([
      { stdout: JSON.stringify(ids.map(snap)) },
      { stdout: JSON.stringify(ids.map(snap)) },
    ]);
    const r = new Restic({ runner, binary: 'restic', repository: '/r', password: 'p' });
    const err = await errorOf(r.resolveSnapshots(['abcd']));
    expect(err.code).toBe('SNAPSHOT_AMBIGUOUS');
    expect((err.detail as { candidates: string[] }).candidates).toEqual(ids.slice(0, 2));
    expect((await r.resolveSnapshots(['ef01']))[0]!.id).toBe(ids[2]);
    expect(runner.calls.every((c) => c.argv.join(' ') === 'restic snapshots --json --no-lock')).toBe(true);
  });
});

describe('maintenance argument builders', () => {
  it('policy flags', () => {
    expect(
      policyArgs({
        keepLast: 3,
        keepHourly: 1,
        keepDaily: 7,
        keepWeekly: 4,
        keepMonthly: 12,
        keepYearly: 2,
        keepWithin: '1y2m',
        keepTags: ['a', '-b'],
      }),
    ).toEqual([
      '--keep-last=3',
      '--keep-hourly=1',
      '--keep-daily=7',
      '--keep-weekly=4',
      '--keep-monthly=12',
      '--keep-yearly=2',
      '--keep-within=1y2m',
      '--keep-tag=a',
      '--keep-tag=-b',
    ]);
  });

  it('read-data choices', () => {
    expect(readDataArgs({ kind: 'none' })).toEqual([]);
    expect(readDataArgs({ kind: 'all' })).toEqual(['--read-data']);
    expect(readDataArgs({ kind: 'fraction', n: 2, t: 5 })).toEqual(['--read-data-subset=2/5']);
    expect(readDataArgs({ kind: 'percent', percent: 2.5 })).toEqual(['--read-data-subset=2.5%']);
    expect(readDataArgs({ kind: 'size', size: '500M' })).toEqual(['--read-data-subset=500M']);
  });

  it('tag builders refuse commas, empty changes and set+add', () => {
    const r = new Restic({ runner: new ReplayRunner([]), binary: 'restic', repository: '/r', password: 'p' });
    expect(() => r.tagArgs(['abcd'], { add: ['a,b'] })).toThrow(ConsoleError);
    expect(() => r.tagArgs(['abcd'], {})).toThrow(/Nothing to change/);
    expect(() => r.tagArgs(['abcd'], { set: ['a'], add: ['b'] })).toThrow(/not both/);
    expect(r.tagArgs(['abcd'], { set: [] })).toEqual(['tag', '--json', '--set=', '--', 'abcd']);
  });

  it('prune output parser reads both wordings', () => {
    const out = parsePruneOutput(
      'to repack:   1 blobs / 2 KiB\ntotal prune:  12 blobs / 1.5 MiB\nremaining:  8 blobs / 1.563 KiB\n',
      false,
    );
    expect(out).toMatchObject({ totalPruneBlobs: 12, totalPruneSize: '1.5 MiB', remainingSize: '1.563 KiB' });
  });
});

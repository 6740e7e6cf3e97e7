// restore/dump/ls parsing and argument building against output recorded
// from the real restic 0.14.0 and 0.19.1 (tests/unit/restore/record-fixtures.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import { JsonLinesParser } from '../../../electron/core/restic/jsonl';
import {
  errorCountOf,
  parseIgnoringErrorLine,
  restoreArgs,
  restoreFeatures,
  RestoreOutputParser,
  type RestoreEvent,
} from '../../../electron/core/restic/restore';
import { ResticVersion } from '../../../electron/core/restic/version';
import { includesFromTree, outermost, targetPathOf, commonAncestor, ancestry } from '../../../electron/core/restore/plan';
import { parseFindListing } from '../../../electron/core/restore/target-fs';
import { rateAndEta } from '../../../electron/core/restore/run';

const root = join(__dirname, '..', '..', 'fixtures', 'restic');
const v = (s: string) => {
  const [a, b, c] = s.split('.').map(Number);
  return new ResticVersion({ major: a!, minor: b!, patch: c!, raw: s });
};

function read(version: string, name: string): { stdout: string; stderr: string; index: { exitCode: number } ; source: string } {
  const dir = join(root, version);
  const idx = JSON.parse(readFileSync(join(dir, 'restore-index.json'), 'utf8'));
  let stdout = '';
  for (const ext of ['jsonl', 'txt']) {
    try {
      stdout = readFileSync(join(dir, `restore-${name}.stdout.${ext}`), 'utf8');
      break;
    } catch {
      // the other extension
    }
  }
  return { stdout, stderr: readFileSync(join(dir, `restore-${name}.stderr.txt`), 'utf8'), index: idx.cases[name], source: idx.source };
}

function parse(version: string, name: string): RestoreEvent[] {
  const { stdout, stderr } = read(version, name);
  const events: RestoreEvent[] = [];
  const parser = new RestoreOutputParser((e) => events.push(e));
  const out = new JsonLinesParser();
  for (const ev of [...out.push(stdout), ...out.end()]) parser.stdout(ev);
  const err = new JsonLinesParser();
  for (const ev of [...err.push(stderr), ...err.end()]) parser.stderr(ev);
  return events;
}

describe('restore output, 0.14.0 (text)', () => {
  it('prints no events for a plain restore, and exits 0', () => {
    expect(parse('0.14.0', 'basic')).toEqual([]);
    expect(read('0.14.0', 'basic').index.exitCode).toBe(0);
  });
  it('names the failing file in "ignoring error for" lines, with the error count', () => {
    const { source, stderr, index } = read('0.14.0', 'readonly');
    const errors = parse('0.14.0', 'readonly').filter((e) => e.kind === 'error');
    expect(index.exitCode).toBe(1);
    expect(errors).toHaveLength(2);
    for (const e of errors) if (e.kind === 'error') expect(e.error.item).toBe(`${source}/a.txt`);
    expect(errors[0]!.kind === 'error' && errors[0]!.error.message).toMatch(/^open .*: operation not permitted$/);
    expect(errorCountOf(stderr)).toBe(2);
  });
  it('says when --verify starts reading back', () => {
    expect(parse('0.14.0', 'verify')).toEqual([{ kind: 'verifying' }]);
  });
  it('has no --dry-run', () => {
    expect(read('0.14.0', 'dry-run').stderr).toContain('unknown flag: --dry-run');
  });
});

describe('restore output, 0.19.1 (JSON)', () => {
  it('status, one verbose line per item, and a summary', () => {
    const events = parse('0.19.1', 'basic');
    const status = events.filter((e) => e.kind === 'status');
    expect(status.length).toBeGreaterThan(0);
    const s0 = status[0]!.kind === 'status' ? status[0]!.progress : undefined;
    expect(s0?.totalBytes).toBeGreaterThan(24 * 1024 * 1024);
    expect(s0?.percent).toBeGreaterThanOrEqual(0);
    expect(s0?.percent).toBeLessThanOrEqual(100);
    const items = events.flatMap((e) => (e.kind === 'item' ? [e.item] : []));
    const { source } = read('0.19.1', 'basic');
    expect(items).toContainEqual({ action: 'restored', item: `${source}/d/big.bin`, size: 24 * 1024 * 1024 });
    expect(items).toContainEqual({ action: 'restored', item: `${source}/name: with colon`, size: 6 });
    const summary = events.find((e) => e.kind === 'summary');
    expect(summary?.kind === 'summary' && summary.summary.bytesRestored).toBe(24 * 1024 * 1024 + 6 + 2 + 6);
  });
  it('dry run: updated, unchanged, restored and deleted (the target path)', () => {
    const items = parse('0.19.1', 'dry-run').flatMap((e) => (e.kind === 'item' ? [e.item] : []));
    const { source } = read('0.19.1', 'dry-run');
    const by = (a: string) => items.filter((i) => i.action === a).map((i) => i.item);
    expect(by('updated')).toEqual([`${source}/a.txt`]);
    expect(by('unchanged')).toEqual([`${source}/d/c.txt`]);
    expect(by('deleted')).toEqual([`/tmp/rfc-restore-fixtures/0.19.1/target-dryrun${source}/extra`]);
    expect(by('restored')).toContain(`${source}/d/big.bin`);
  });
  it('overwrite=never skips what is there', () => {
    const items = parse('0.19.1', 'overwrite-never').flatMap((e) => (e.kind === 'item' ? [e.item] : []));
    const { source } = read('0.19.1', 'overwrite-never');
    expect(items.find((i) => i.item === `${source}/a.txt`)?.action).toBe('unchanged');
  });
  it('per-file errors are JSON on stderr with the item; exit_error counts them', () => {
    const { source, stderr, index } = read('0.19.1', 'readonly');
    const errors = parse('0.19.1', 'readonly').flatMap((e) => (e.kind === 'error' ? [e.error] : []));
    expect(index.exitCode).toBe(1);
    expect(errors.map((e) => e.item)).toEqual([`${source}/a.txt`, `${source}/a.txt`]);
    expect(errors[0]!.message).toMatch(/operation not permitted/);
    expect(errorCountOf(stderr)).toBe(2);
  });
  it('include with exclude is refused by restic itself (why the console expands includes)', () => {
    for (const ver of ['0.14.0', '0.19.1']) {
      expect(read(ver, 'include').stderr).toContain('exclude and include patterns are mutually exclusive');
    }
  });
});

describe('restore arguments and capabilities', () => {
  it('0.14: text mode, always overwrites, no dry run, delete or policies', () => {
    const f = restoreFeatures(v('0.14.0'));
    expect(f.dryRun.supported).toBe(false);
    expect(f.dryRun.reason).toContain('0.17.0');
    expect(f.delete.reason).toContain('0.18.0');
    expect(f.verify.supported).toBe(true);
    expect(restoreArgs({ snapshotId: 'abcd1234', target: '/t', includes: ['/a*b'], verify: true, limitDownloadKiB: 100 }, v('0.14.0'))).toEqual([
      'restore',
      '--target=/t',
      '--include=/a\\*b',
      '--verify',
      '--limit-download=100',
      '--',
      'abcd1234',
    ]);
    for (const spec of [{ overwrite: 'never' as const }, { delete: true }, { dryRun: true }]) {
      let err: unknown;
      try {
        restoreArgs({ snapshotId: 'abcd1234', target: '/t', ...spec }, v('0.14.0'));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConsoleError);
      expect((err as ConsoleError).code).toBe('UNSUPPORTED');
    }
  });
  it('0.19: JSON, -vv, policies, delete, dry run; a leading "-" stays a value', () => {
    expect(
      restoreArgs(
        { snapshotId: 'abcd1234', target: '/-t', excludes: ['/-x'], overwrite: 'if-newer', delete: true, dryRun: true },
        v('0.19.1'),
      ),
    ).toEqual(['restore', '--json', '--dry-run', '-vv', '--target=/-t', '--exclude=/-x', '--overwrite=if-newer', '--delete', '--', 'abcd1234']);
    expect(restoreFeatures(v('0.17.0')).delete.supported).toBe(false);
    expect(restoreFeatures(v('0.18.0')).delete.supported).toBe(true);
    expect(restoreFeatures(v('0.16.0')).jsonProgress.supported).toBe(true);
  });
  it('refuses a snapshot reference that is not hex', () => {
    expect(() => restoreArgs({ snapshotId: '--help', target: '/t' }, v('0.19.1'))).toThrow(ConsoleError);
  });
});

describe('helpers', () => {
  it('ignoring-error lines with ": " in the name', () => {
    expect(parseIgnoringErrorLine('ignoring error for /s/a: b: open /t/s/a: b: permission denied')).toEqual({
      item: '/s/a: b',
      message: 'open /t/s/a: b: permission denied',
    });
    expect(parseIgnoringErrorLine('ignoring error for /s/x: UtimesNano: operation not permitted')).toEqual({
      item: '/s/x',
      message: 'UtimesNano: operation not permitted',
    });
    expect(parseIgnoringErrorLine('restoring <Snapshot>')).toBeUndefined();
  });
  it('includes around unticked items', () => {
    const tree: Record<string, string[]> = {
      '/s': ['/s/a', '/s/d'],
      '/s/d': ['/s/d/x', '/s/d/y', '/s/d/z'],
    };
    expect(includesFromTree(['/s'], ['/s/d/y'], (p) => tree[p] ?? [])).toEqual(['/s/a', '/s/d/x', '/s/d/z']);
    expect(includesFromTree(['/s'], ['/s'], (p) => tree[p] ?? [])).toEqual([]);
    expect(includesFromTree(['/s', '/o'], ['/s/a'], (p) => tree[p] ?? [])).toEqual(['/s/d', '/o']);
  });
  it('paths', () => {
    expect(outermost(['/a/b', '/a', '/ab', '/c/d'])).toEqual(['/a', '/ab', '/c/d']);
    expect(targetPathOf('/r/', '/a/b')).toBe('/r/a/b');
    expect(targetPathOf('/', '/a/b')).toBe('/a/b');
    expect(commonAncestor(['/a/b/c', '/a/b/d', '/a/bx'])).toBe('/a');
    expect(ancestry('/a/b/c')).toEqual(['/a', '/a/b', '/a/b/c']);
  });
  it('find listings keep tabs, newlines and quotes in names (NUL-separated)', () => {
    const buf = Buffer.from("f\t5\t1700000000.25\t/t/a\tb\nc'$(x)\0d\t4096\t1700000001.0\t/t/-d\0", 'utf8');
    const m = parseFindListing(buf);
    expect(m.get("/t/a\tb\nc'$(x)")).toEqual({ type: 'f', size: 5, mtime: 1700000000 });
    expect(m.get('/t/-d')).toEqual({ type: 'd', size: 4096, mtime: 1700000001 });
  });
  it('rate and ETA in words', () => {
    expect(rateAndEta(10 * 1024 * 1024, 40 * 1024 * 1024, 10)).toBe('1.0 MiB/s, about 30 s left');
    expect(rateAndEta(0, 10, 1)).toBe('');
  });
});

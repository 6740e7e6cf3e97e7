// The driver against recorded real output (replayed in random chunks):
// argv and environment it builds, parsing, and the error each failure
// becomes. The same flows run against the real binaries in
// tests/integration/restic-driver.test.ts.

import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import { snapshotsWithoutLock } from '../../../electron/core/restic/locks';
import {
  normalizeSnapshotDir,
  parentDir,
  Restic,
  type PartialBackupDetail,
} from '../../../electron/core/restic/restic';
import { fixtureVersions, recorded, replay, ReplayRunner, type Reply } from './support';

const PASSWORD = 'pw-Secret-123';

function restic(replies: Reply[], extra: Partial<ConstructorParameters<typeof Restic>[0]> = {}) {
  const runner = new ReplayRunner(replies);
  const r = new Restic({
    runner,
    binary: 'restic',
    repository: '/srv/repo',
    password: PASSWORD,
    env: { RESTIC_CACHE_DIR: '/var/cache/rfc' },
    ...extra,
  });
  return { r, runner };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof ConsoleError) return err.code;
    throw err;
  }
}

/** The scratch directory the recorder used for that version (restic's tree keeps absolute source paths). */
const scratch = (version: string) => `/tmp/rfc-restic-fixtures/${version}`;

function recordedSnapshots(version: string): Array<{ id: string; tags?: string[] }> {
  return JSON.parse(recorded(version, 'snapshots').stdout.toString()) as Array<{
    id: string;
    tags?: string[];
  }>;
}

describe.each(fixtureVersions())('Restic driver on recorded restic %s', (version) => {
  const modern = !version.startsWith('0.14.');
  const secondId = recordedSnapshots(version).find((s) => s.tags?.includes('second'))!.id;

  it('version() asks once and parses either form', async () => {
    const { r, runner } = restic([replay(version, 'version-json')]);
    const v = await r.version();
    expect(v.version).toBe(version);
    expect(await r.version()).toBe(v);
    expect(runner.calls).toHaveLength(1);
    expect(runner.calls[0]!.argv).toEqual(['restic', 'version', '--json']);
    // No password needed to ask for a version.
    expect(runner.calls[0]!.secretEnv?.RESTIC_PASSWORD).toBeUndefined();
  });

  it('catConfig()', async () => {
    const { r, runner } = restic([replay(version, 'cat-config')]);
    expect(await r.catConfig()).toEqual({
      version: 2,
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      chunkerPolynomial: expect.stringMatching(/^[0-9a-f]+$/),
    });
    const spec = runner.calls[0]!;
    expect(spec.argv).toEqual(['restic', 'cat', 'config', '--json']);
    expect(spec.env?.RESTIC_REPOSITORY).toBe('/srv/repo');
    expect(spec.env?.RESTIC_CACHE_DIR).toBe('/var/cache/rfc');
    expect(spec.secretEnv).toEqual({ RESTIC_PASSWORD: PASSWORD });
    // Whatever the console's own environment says, the password comes from us.
    expect(spec.env?.RESTIC_PASSWORD_FILE).toBe('');
    expect(spec.env?.RESTIC_PASSWORD_COMMAND).toBe('');
    expect(JSON.stringify(spec.argv) + JSON.stringify(spec.env)).not.toContain(PASSWORD);
  });

  it('init() returns the id (a 10-digit prefix from 0.14’s text), CONFLICT when it exists', async () => {
    const { r } = restic([replay(version, 'init'), replay(version, 'init-again')]);
    const { id } = await r.init();
    expect(id).toMatch(modern ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{10}$/);
    expect(await codeOf(r.init())).toBe('CONFLICT');
  });

  it('backup() streams progress and resolves with the summary', async () => {
    const { r, runner } = restic([replay(version, 'backup-progress')]);
    const seen: number[] = [];
    const summary = await r.backup(['/data/big', '-rf'], {
      host: 'web-1',
      tags: ['plan:app', '-x'],
      excludes: ['*.tmp'],
      time: '2026-01-02 03:04:05',
      onProgress: (p) => seen.push(p.percentDone),
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(summary.totalBytesProcessed).toBe(48 * 1024 * 1024);
    expect(runner.calls[0]!.argv).toEqual([
      'restic',
      'backup',
      '--json',
      '--host=web-1',
      '--tag=plan:app',
      '--tag=-x',
      '--exclude=*.tmp',
      '--time=2026-01-02 03:04:05',
      '--',
      '/data/big',
      '-rf',
    ]);
    expect(runner.calls[0]!.env?.RESTIC_PROGRESS_FPS).toBe('2');
  });

  it('backup() without a progress callback runs quietly', async () => {
    const { r, runner } = restic([replay(version, 'backup-2')]);
    await r.backup(['/data']);
    expect(runner.calls[0]!.argv).toContain('--quiet');
    expect(runner.calls[0]!.env?.RESTIC_PROGRESS_FPS).toBeUndefined();
  });

  it('backup() that could not read a file throws RESTIC_PARTIAL carrying the summary and the errors', async () => {
    const { r } = restic([replay(version, 'backup-partial')]);
    const errors: string[] = [];
    const err = await r
      .backup(['/data'], { onError: (e) => errors.push(e.message) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    const ce = err as ConsoleError;
    expect(ce.code).toBe('RESTIC_PARTIAL');
    expect(ce.message).toMatch(/1 item\(s\) could not be read \(first: .*input\/output error\)/);
    const detail = ce.detail as PartialBackupDetail;
    expect(detail.summary?.snapshotId).toBeTruthy();
    expect(detail.errorCount).toBe(1);
    expect(errors).toHaveLength(1);
    expect(detail.command).toContain('RESTIC_PASSWORD=***');
    expect(JSON.stringify(detail)).not.toContain(PASSWORD);
  });

  it('snapshots() maps to the shared Snapshot type', async () => {
    const { r, runner } = restic([
      replay(version, 'snapshots'),
      replay(version, 'snapshots-group-by'),
      replay(version, 'snapshots-filtered-empty'),
    ]);
    const list = await r.snapshots({ host: 'fixture-host', tags: ['second'], paths: ['/data'] });
    expect(runner.calls[0]!.argv).toEqual([
      'restic',
      'snapshots',
      '--json',
      '--host=fixture-host',
      '--path=/data',
      '--tag=second',
    ]);
    expect(list.length).toBeGreaterThanOrEqual(4);
    const second = list.find((s) => s.tags.includes('second'))!;
    expect(second).toMatchObject({
      id: secondId,
      shortId: secondId.slice(0, 8),
      hostname: 'fixture-host',
      paths: [`${scratch(version)}/data`],
      tags: ['second'],
      parent: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(second.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    if (modern) {
      expect(second.programVersion).toBe(`restic ${version}`);
      expect(second.summary?.totalFilesProcessed).toBeGreaterThan(0);
    } else {
      expect(second.summary).toBeUndefined();
    }
    // --group-by prints groups; the driver flattens them.
    expect((await r.snapshots()).map((s) => s.id).sort()).toEqual(list.map((s) => s.id).sort());
    expect(await r.snapshots()).toEqual([]);
  });

  it('ls() returns only the direct children, hostile names byte-exact', async () => {
    const data = `${scratch(version)}/data`;
    const { r, runner } = restic([
      replay(version, 'ls-root'),
      replay(version, 'ls-dir'),
      replay(version, 'ls-hostile'),
      replay(version, 'ls-recursive'),
    ]);
    expect((await r.ls(secondId, '/')).map((n) => n.path)).toEqual(['/tmp']);
    expect(runner.calls[0]!.argv).toEqual(['restic', 'ls', '--json', '--', secondId, '/']);

    const top = await r.ls(secondId, `${data}/`);
    expect(runner.calls[1]!.argv.at(-1)).toBe(data);
    expect(top.map((n) => n.name).sort()).toEqual([
      'a.txt',
      'bytes',
      'deep',
      'hostile',
      'link',
      'newdir',
      'sub',
    ]);
    expect(top.find((n) => n.name === 'link')).toMatchObject({ type: 'symlink' });
    expect(top.find((n) => n.name === 'a.txt')).toMatchObject({
      type: 'file',
      size: 'first\nsecond\n'.length,
      permissions: '-rw-r--r--',
    });
    expect(top.find((n) => n.name === 'sub')).toMatchObject({ type: 'dir', path: `${data}/sub` });

    const hostile = await r.ls(secondId, `${data}/hostile`);
    expect(hostile.map((n) => n.name).sort()).toEqual(
      [
        'quote"double',
        '$(touch pwned)',
        '`backtick`',
        'new\nline',
        'cr\rname',
        'tab\tname',
        '-leading-dash',
        '--option-like',
        'unicode-报告-ü-🙂',
        'space name ',
        'back\\slash',
        '*glob?[x]',
        '\u001b[31mred',
        'dir with $HOME and "quotes"',
        'added "later" $(x)\nline',
      ].sort(),
    );
    for (const n of hostile) expect(n.path).toBe(`${data}/hostile/${n.name}`);

    // Even fed `--recursive` output, only direct children come back.
    const sub = await r.ls(secondId, `${data}/sub`);
    expect(sub.map((n) => n.name)).toEqual(['c.txt']);
  });

  it('ls() of a deep (3.5 KB) path', async () => {
    const { r } = restic([replay(version, 'ls-deep')]);
    const lsDeep = recorded(version, 'ls-deep').case.args.at(-1)!.replace('$SCRATCH', scratch(version));
    expect(lsDeep.length).toBeGreaterThan(3500);
    expect(await r.ls(secondId, lsDeep)).toEqual([
      expect.objectContaining({ name: 'leaf.txt', path: `${lsDeep}/leaf.txt` }),
    ]);
  });

  it('ls() of a directory the snapshot lacks, or of a file, is NOT_FOUND', async () => {
    const data = `${scratch(version)}/data`;
    const { r } = restic([replay(version, 'ls-missing-dir'), replay(version, 'ls-file')]);
    expect(await codeOf(r.ls(secondId, `${data}/no-such-dir`))).toBe('NOT_FOUND');
    await expect(r.ls(secondId, `${data}/a.txt`)).rejects.toThrow(/is not a directory/);
  });

  it('diff() streams changes, keeps at most `limit`, and returns the statistics', async () => {
    const { r, runner } = restic([
      replay(version, 'diff'),
      replay(version, 'diff'),
      replay(version, 'diff-same'),
    ]);
    const full = await r.diff('aaaa', 'bbbb');
    expect(runner.calls[0]!.argv).toEqual(['restic', 'diff', '--json', '--', 'aaaa', 'bbbb']);
    expect(full.truncated).toBe(false);
    const data = `${scratch(version)}/data`;
    expect(full.changes).toEqual(
      expect.arrayContaining([
        { path: `${data}/a.txt`, modifier: 'M' },
        { path: `${data}/sub/b.txt`, modifier: '-' },
        { path: `${data}/sub/c.txt`, modifier: '+' },
        { path: `${data}/newdir/`, modifier: '+' },
        { path: `${data}/hostile/it's`, modifier: '-' },
        { path: `${data}/hostile/added "later" $(x)\nline`, modifier: '+' },
      ]),
    );
    expect(full.stats).toMatchObject({
      changedFiles: 1,
      added: { files: 2, dirs: 1 },
      removed: { files: 2 },
    });
    expect(full.stats!.added.bytes).toBeGreaterThan(0);

    const streamed: string[] = [];
    const cut = await r.diff('aaaa', 'bbbb', { limit: 2, onChange: (c) => streamed.push(c.path) });
    expect(cut.truncated).toBe(true);
    expect(cut.changes).toEqual(full.changes.slice(0, 2));
    expect(streamed).toEqual(full.changes.map((c) => c.path));

    const same = await r.diff('aaaa', 'aaaa');
    expect(same.changes).toEqual([]);
    expect(same.stats?.changedFiles).toBe(0);
  });

  it.each([
    ['error-snapshot-not-found-ls', 'ls', 'SNAPSHOT_NOT_FOUND'],
    ['error-snapshot-ambiguous-ls', 'ls', 'SNAPSHOT_AMBIGUOUS'],
    ['error-latest-no-match', 'ls', 'SNAPSHOT_NOT_FOUND'],
    ['error-snapshot-not-found-diff', 'diff', 'SNAPSHOT_NOT_FOUND'],
    ['error-snapshot-ambiguous-diff', 'diff', 'SNAPSHOT_AMBIGUOUS'],
    ['error-repo-missing', 'catConfig', 'REPO_NOT_FOUND'],
    ['error-repo-missing-snapshots', 'snapshots', 'REPO_NOT_FOUND'],
    ['error-wrong-password', 'snapshots', 'REPO_WRONG_PASSWORD'],
    ['error-wrong-password-cat-config', 'catConfig', 'REPO_WRONG_PASSWORD'],
    ['error-locked-snapshots', 'snapshots', 'REPO_LOCKED'],
    ['error-locked-backup', 'backup', 'REPO_LOCKED'],
    ['error-locked-diff', 'diff', 'REPO_LOCKED'],
  ] as const)('%s → %s() throws %s', async (name, method, code) => {
    // Each call learns the version first, as the core does on connect.
    const { r } = restic([replay(version, 'version-json'), replay(version, name)]);
    await r.version();
    const call = {
      ls: () => r.ls('deadbeef', '/'),
      diff: () => r.diff('deadbeef', 'beef'),
      catConfig: () => r.catConfig(),
      snapshots: () => r.snapshots(),
      backup: () => r.backup(['/data']),
    }[method];
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe(code);
    expect((err as ConsoleError).message).not.toMatch(/^\{/);
    expect(JSON.stringify((err as ConsoleError).detail)).not.toContain(PASSWORD);
  });

  it.each([
    ['s3-error-prefix-missing', 'REPO_NOT_FOUND', undefined],
    ['s3-error-bucket-missing', 'REPO_NOT_FOUND', undefined],
    ['s3-error-wrong-keys', 'RESTIC_FAILED', 'storage-auth'],
    ['s3-error-unreachable', 'RESTIC_FAILED', 'storage-unreachable'],
  ] as const)(
    'MinIO %s → %s (reason %s), without waiting out restic’s retries',
    async (name, code, reason) => {
      const rec = recorded(version, name);
      const stderr = rec.stderr.toString();
      // Replay what restic printed before the recorder interrupted it, then keep
      // "running" (as restic would, for 15 minutes) until the driver cancels.
      const cut = stderr.indexOf('signal interrupt received');
      const reply: Reply =
        cut < 0
          ? replay(version, name)
          : {
              stdout: rec.stdout,
              stderr: stderr.slice(0, cut),
              hangUntilCancelled: { code: 130, stderr: stderr.slice(cut) },
            };
      const { r, runner } = restic([reply], { repository: 's3:http://127.0.0.1:9000/b' });
      const err = (await r.snapshots().catch((e: unknown) => e)) as ConsoleError;
      expect(err).toBeInstanceOf(ConsoleError);
      expect(err.code).toBe(code);
      expect((err.detail as { reason?: string }).reason).toBe(reason);
      expect(runner.cancelled).toBe(cut < 0 ? 0 : 1);
    },
  );

  it('locks() lists and reads each lock without taking one', async () => {
    const { r, runner } = restic([replay(version, 'list-locks'), replay(version, 'cat-lock')]);
    const locks = await r.locks();
    const id = recorded(version, 'list-locks').stdout.toString().trim();
    expect(locks).toEqual([
      {
        id,
        time: expect.stringMatching(/^\d{4}-/),
        exclusive: true,
        hostname: 'fixture-host',
        username: 'root',
        pid: expect.any(Number),
      },
    ]);
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['restic', 'list', 'locks', '--no-lock'],
      ['restic', 'cat', 'lock', '--no-lock', '--', id],
    ]);
  });

  it('locks() leaves out a lock released between list and cat, without waiting out retries', async () => {
    const gone = recorded(version, 'cat-lock-gone');
    const stderr = gone.stderr.toString();
    const cut = stderr.search(/\S*signal interrupt received/);
    const reply: Reply =
      cut < 0
        ? replay(version, 'cat-lock-gone')
        : { stderr: stderr.slice(0, cut), hangUntilCancelled: { code: 130, stderr: stderr.slice(cut) } };
    const { r } = restic([replay(version, 'list-locks'), reply]);
    expect(await r.locks()).toEqual([]);
    const empty = restic([replay(version, 'list-locks-empty')]);
    expect(await empty.r.locks()).toEqual([]);
    expect(empty.runner.calls).toHaveLength(1);
  });

  it('snapshotsWithoutLock() and unlock()', async () => {
    const { r, runner } = restic([replay(version, 'snapshots-no-lock'), replay(version, 'unlock-live')]);
    expect((await snapshotsWithoutLock(r)).length).toBeGreaterThanOrEqual(4);
    await r.unlock();
    expect(runner.calls.map((c) => c.argv)).toEqual([
      ['restic', 'snapshots', '--json', '--no-lock'],
      ['restic', 'unlock'],
    ]);
  });

  it('a cancelled backup is CANCELLED', async () => {
    const rec = recorded(version, 'backup-cancelled');
    const { r, runner } = restic([
      { stdout: rec.stdout, hangUntilCancelled: { code: 130, stderr: rec.stderr.toString() } },
    ]);
    const ac = new AbortController();
    const p = r.backup(['/data'], { signal: ac.signal, onProgress: () => ac.abort() });
    expect(await codeOf(p)).toBe('CANCELLED');
    expect(runner.cancelled).toBeGreaterThanOrEqual(1);
  });
});

describe('Restic driver: inputs, secrets, command lines', () => {
  it('refuses bad snapshot ids and paths before starting anything', async () => {
    const { r, runner } = restic([]);
    expect(await codeOf(r.ls('--help', '/'))).toBe('BAD_REQUEST');
    expect(await codeOf(r.ls('abc', 'relative/path'))).toBe('BAD_REQUEST');
    expect(await codeOf(r.ls('abc', '/a/../etc'))).toBe('BAD_REQUEST');
    expect(await codeOf(r.diff('abc', '$(id)'))).toBe('BAD_REQUEST');
    expect(await codeOf(r.backup([]))).toBe('BAD_REQUEST');
    expect(await codeOf(r.backup(['/x'], { tags: ['a,b'] }))).toBe('INVALID_NAME');
    expect(runner.calls).toHaveLength(0);
  });

  it('normalizes snapshot paths', () => {
    expect(normalizeSnapshotDir('/')).toBe('/');
    expect(normalizeSnapshotDir('//a///b/./c/')).toBe('/a/b/c');
    expect(parentDir('/a/b')).toBe('/a');
    expect(parentDir('/a')).toBe('/');
  });

  it('commandLine() is POSIX-quoted and never shows a secret', () => {
    const { r } = restic([], {
      repository: "s3:http://127.0.0.1:9000/bucket/it's",
      secretEnv: { AWS_ACCESS_KEY_ID: 'AKIA-LEAK', AWS_SECRET_ACCESS_KEY: 'very-secret' },
      env: { AWS_DEFAULT_REGION: 'us-east-1' },
    });
    const line = r.commandLine(['ls', '--json', '--', 'abc', '/a b/$(x)/`y`/new\nline']);
    expect(line).toBe(
      "RESTIC_REPOSITORY='s3:http://127.0.0.1:9000/bucket/it'\\''s' RESTIC_PASSWORD=*** AWS_ACCESS_KEY_ID=*** AWS_SECRET_ACCESS_KEY=*** " +
        "AWS_DEFAULT_REGION=us-east-1 restic ls --json -- abc '/a b/$(x)/`y`/new\nline'",
    );
    for (const secret of [PASSWORD, 'AKIA-LEAK', 'very-secret']) expect(line).not.toContain(secret);
  });

  it('secret env goes only to secretEnv', async () => {
    const { r, runner } = restic([{ stdout: '[]\n' }], {
      secretEnv: { AWS_SECRET_ACCESS_KEY: 'very-secret' },
    });
    await r.snapshots();
    const spec = runner.calls[0]!;
    expect(spec.secretEnv).toEqual({ AWS_SECRET_ACCESS_KEY: 'very-secret', RESTIC_PASSWORD: PASSWORD });
    expect(JSON.stringify([spec.argv, spec.env])).not.toMatch(/very-secret|pw-Secret/);
  });

  it('a missing binary is RESTIC_MISSING with a clear message', async () => {
    const { r } = restic([{ notFound: true }], { binary: '/opt/nowhere/restic' });
    const err = (await r.catConfig().catch((e: unknown) => e)) as ConsoleError;
    expect(err.code).toBe('RESTIC_MISSING');
    expect(err.message).toContain('/opt/nowhere/restic');
    expect(err.message).toContain('this machine');
  });

  it('an already-aborted signal starts nothing', async () => {
    const { r, runner } = restic([]);
    expect(await codeOf(r.snapshots({ signal: AbortSignal.abort() }))).toBe('CANCELLED');
    expect(runner.calls).toHaveLength(0);
  });

  it('a throwing onChange cancels restic and surfaces the error', async () => {
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ message_type: 'change', path: `/f${i}`, modifier: '+' }),
    ).join('\n');
    const { r, runner } = restic([{ stdout: `${lines}\n`, hangUntilCancelled: { code: 130 } }]);
    await expect(
      r.diff('aaaa', 'bbbb', {
        onChange: (c) => {
          if (c.path === '/f3') throw new Error('consumer failed');
        },
      }),
    ).rejects.toThrow('consumer failed');
    expect(runner.cancelled).toBe(1);
  });

  it('ls() tolerates stray text and unknown message types, rejects a cut-off line', async () => {
    const snap = JSON.stringify({
      message_type: 'snapshot',
      struct_type: 'snapshot',
      id: 'ab'.repeat(32),
      time: 't',
      paths: ['/'],
    });
    const node = (path: string, type = 'file') =>
      JSON.stringify({ name: path.split('/').pop(), type, path, struct_type: 'node' });
    const ok = [
      'reading repository password from stdin',
      snap,
      '{"message_type":"future_thing","x":1}',
      node('/d', 'dir'),
      node('/d/x'),
      '',
    ].join('\n');
    const cut = [snap, node('/d', 'dir'), node('/d/x').slice(0, 20)].join('\n');
    const { r } = restic([{ stdout: ok }, { stdout: cut }]);
    expect((await r.ls('abab', '/d')).map((n) => n.name)).toEqual(['x']);
    expect(await codeOf(r.ls('abab', '/d'))).toBe('RESTIC_OUTPUT_INVALID');
  });

  it('ls() and diff() carry hostile and 8 KB names through unchanged', async () => {
    const names = [
      'quote"d',
      "it's",
      '$(rm -rf ~)',
      '`id`',
      'nl\nx',
      '-rf',
      '--help',
      '报告-🙂',
      '\u001b]0;title\u0007',
      'n'.repeat(8192),
    ];
    const snap = JSON.stringify({ struct_type: 'snapshot', id: 'ab'.repeat(32), time: 't', paths: ['/'] });
    const ls = [snap, JSON.stringify({ name: 'd', type: 'dir', path: '/d', struct_type: 'node' })]
      .concat(
        names.map((n) =>
          JSON.stringify({ name: n, type: 'file', path: `/d/${n}`, size: 1, struct_type: 'node' }),
        ),
      )
      .join('\n');
    const diff = names
      .map((n) => JSON.stringify({ message_type: 'change', path: `/d/${n}`, modifier: '+' }))
      .concat(
        JSON.stringify({
          message_type: 'statistics',
          source_snapshot: 'aa',
          target_snapshot: 'bb',
          changed_files: 0,
        }),
      )
      .join('\n');
    const { r } = restic([{ stdout: ls }, { stdout: `${diff}\n` }]);
    expect((await r.ls('abab', '/d')).map((n) => n.name)).toEqual(names);
    expect((await r.diff('aa', 'bb')).changes.map((c) => c.path)).toEqual(names.map((n) => `/d/${n}`));
  });

  it('unusable documents are RESTIC_OUTPUT_INVALID', async () => {
    const { r } = restic([
      { stdout: '' },
      { stdout: '[{"time":"x"}]\n' },
      { stdout: 'garbage\n' },
      { stdout: '{"message_type":"change","path":"/a","modifier":"+"}\n' },
    ]);
    expect(await codeOf(r.snapshots())).toBe('RESTIC_OUTPUT_INVALID');
    expect(await codeOf(r.snapshots())).toBe('RESTIC_OUTPUT_INVALID');
    expect(await codeOf(r.catConfig())).toBe('RESTIC_OUTPUT_INVALID');
    // A diff without its closing statistics was cut short.
    expect(await codeOf(r.diff('aa', 'bb'))).toBe('RESTIC_OUTPUT_INVALID');
  });

  it('an unknown diff modifier still shows, as "?"', async () => {
    const out =
      '{"message_type":"change","path":"/a","modifier":"X"}\n{"message_type":"statistics","source_snapshot":"a","target_snapshot":"b"}\n';
    const { r } = restic([{ stdout: out }]);
    const d = await r.diff('aa', 'bb');
    expect(d.changes).toEqual([{ path: '/a', modifier: '?' }]);
    expect(d.stats?.added).toEqual({ files: 0, dirs: 0, others: 0, dataBlobs: 0, treeBlobs: 0, bytes: 0 });
  });
});

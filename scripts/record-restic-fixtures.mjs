#!/usr/bin/env node
// Records what real restic binaries print, for the driver's unit tests.
//
//   node scripts/record-restic-fixtures.mjs [--only=maintenance] [path/to/restic ...]
//
// --only=maintenance re-records just the maint-* cases (stats, check,
// forget, prune, find, key, tag) into the existing fixture folders.
//
// Without arguments it records every restic in the peers manifest
// (scripts/provision.mjs). For each binary it builds a scratch repository
// under /tmp/rfc-restic-fixtures/<version>/ (a fixed, machine-neutral path,
// so regenerated fixtures differ only where restic's output does), runs
// the commands the console uses plus the failures it must classify, and
// writes to tests/fixtures/restic/<version>/:
//
//   <case>.stdout.jsonl | <case>.stdout.txt   stdout, byte for byte
//   <case>.stderr.txt                         stderr, byte for byte
//   index.json                                per case: argv (binary and
//                                             repository elided), exit code,
//                                             signal, and what it shows
//
// The repository password is generated per run and never written. The
// machine's hostname is replaced by "fixture-host" in lock messages, and
// backups use --host=fixture-host.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesRoot = join(repoRoot, 'tests', 'fixtures', 'restic');
const scratchRoot = '/tmp/rfc-restic-fixtures';
const HOST = 'fixture-host';

function manifestPath() {
  if (process.env.RFC_PEERS_MANIFEST) return process.env.RFC_PEERS_MANIFEST;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'restic-fleet-console', 'peers', 'manifest.json');
}

function binariesFromManifest() {
  const path = manifestPath();
  if (!existsSync(path)) {
    console.error(
      `no peers manifest at ${path}: run node scripts/provision.mjs, or pass restic paths as arguments`,
    );
    process.exit(2);
  }
  return JSON.parse(readFileSync(path, 'utf8')).restic.map((r) => r.path);
}

/** Runs a command, returns raw output. `during(child, io)` may interact while it runs. */
function run(bin, args, { env = {}, stdin = 'ignore', during } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    const io = { stdout: '', stderr: '', onStdout: null, onStderr: null };
    child.stdout.on('data', (c) => {
      out.push(c);
      io.stdout += c.toString('utf8');
      io.onStdout?.(io.stdout);
    });
    child.stderr.on('data', (c) => {
      err.push(c);
      io.stderr += c.toString('utf8');
      io.onStderr?.(io.stderr);
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolvePromise({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
    during?.(child, io);
  });
}

/** JSON as the repository's prettier config formats it, so `npm run format:check` stays clean. */
async function formatJson(value) {
  const text = JSON.stringify(value, null, 2);
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(join(repoRoot, 'package.json'))) ?? {};
    return await prettier.format(text, { ...options, parser: 'json' });
  } catch {
    return `${text}\n`;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A private MinIO from the peers manifest, for the S3 cases; undefined when there is none. */
async function startMinio() {
  let path;
  try {
    path = JSON.parse(readFileSync(manifestPath(), 'utf8')).minio?.path;
  } catch {
    return undefined;
  }
  if (!path || !existsSync(path)) return undefined;
  const dir = join(scratchRoot, 'minio');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const consolePort = await freePort();
  const accessKey = `rfc${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(24).toString('hex');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MINIO_|AWS_|MC_)/.test(k)));
  const child = spawn(
    path,
    [
      'server',
      '--quiet',
      '--address',
      `127.0.0.1:${port}`,
      '--console-address',
      `127.0.0.1:${consolePort}`,
      join(dir, 'data'),
    ],
    { env: { ...env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey }, stdio: 'ignore' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/minio/health/live`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('MinIO did not start');
    }
    await sleep(200);
  }
  return {
    endpoint,
    port,
    accessKey,
    secretKey,
    stop: async () => {
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** SIGINT after restic printed `n` "… returned error, retrying after …" lines (0.16+ retry for 15 minutes). */
const stopAfterRetries = (n) => (child, io) => {
  let sent = false;
  io.onStderr = (text) => {
    if (!sent && text.split('retrying after').length - 1 >= n) {
      sent = true;
      child.kill('SIGINT');
    }
  };
};

async function recordVersion(bin, minio, only) {
  const v = await run(bin, ['version']);
  const m = /restic (\d+\.\d+\.\d+)/.exec(v.stdout.toString());
  if (!m) throw new Error(`${bin}: cannot read version from ${JSON.stringify(v.stdout.toString())}`);
  const version = m[1];
  const scratch = join(scratchRoot, version);
  const outDir = join(fixturesRoot, version);
  rmSync(scratch, { recursive: true, force: true });
  if (!only) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  mkdirSync(outDir, { recursive: true });

  const repo = join(scratch, 'repo');
  const data = join(scratch, 'data');
  const password = randomBytes(18).toString('base64url');
  const baseEnv = {
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: password,
    RESTIC_CACHE_DIR: join(scratch, 'cache'),
    RESTIC_PASSWORD_FILE: '',
    RESTIC_PASSWORD_COMMAND: '',
    RESTIC_PROGRESS_FPS: '',
  };
  const index = [];
  const scrub = (buf) => {
    const host = hostname();
    let text = buf.toString('latin1');
    text = text.split(` on ${host} by `).join(` on ${HOST} by `);
    text = text.split(`"hostname": "${host}"`).join(`"hostname": "${HOST}"`);
    text = text.split(`"hostname":"${host}"`).join(`"hostname":"${HOST}"`);
    text = text.split(`"hostName":"${host}"`).join(`"hostName":"${HOST}"`);
    text = text.split(`@${host},`).join(`@${HOST},`);
    if (minio) {
      text = text.split(minio.secretKey).join('<secret>').split(minio.accessKey).join('<access-key>');
      text = text.split(`127.0.0.1:${minio.port}`).join('127.0.0.1:9000');
    }
    return Buffer.from(text, 'latin1');
  };

  async function record(name, args, { env = {}, note, during, stdin, expectCode, viaShell } = {}) {
    const r = viaShell
      ? await run(args[0], args.slice(1), { env: { ...baseEnv, ...env }, during, stdin: 'ignore' })
      : await run(bin, args, { env: { ...baseEnv, ...env }, during, stdin });
    if (viaShell) args = args.map((a) => (a === bin ? 'restic' : a));
    const stdoutText = r.stdout.toString('utf8');
    const looksJsonl =
      stdoutText.length > 0 &&
      stdoutText.split('\n').some((l) => l.trim().startsWith('{') || l.trim().startsWith('['));
    const stdoutFile = `${name}.stdout.${looksJsonl ? 'jsonl' : 'txt'}`;
    writeFileSync(join(outDir, stdoutFile), scrub(r.stdout));
    writeFileSync(join(outDir, `${name}.stderr.txt`), scrub(r.stderr));
    const shownEnv = Object.keys(env).filter(
      (k) => !/^(RESTIC_PASSWORD|RESTIC_REPOSITORY|AWS_|RFC_NEW_PASSWORD)/.test(k),
    );
    index.push({
      name,
      args: args.map((a) => a.split(scratch).join('$SCRATCH')),
      ...(shownEnv.length
        ? {
            env: Object.fromEntries(shownEnv.map((k) => [k, String(env[k]).split(scratch).join('$SCRATCH')])),
          }
        : {}),
      ...(env.RESTIC_REPOSITORY &&
      env.RESTIC_REPOSITORY !== repo &&
      !env.RESTIC_REPOSITORY.startsWith(join(scratch, 'maint-'))
        ? {
            repository: scrub(
              Buffer.from(env.RESTIC_REPOSITORY.split(scratch).join('$SCRATCH'), 'latin1'),
            ).toString('latin1'),
          }
        : {}),
      ...(env.RESTIC_PASSWORD && env.RESTIC_PASSWORD !== password
        ? { password: 'a different, wrong password' }
        : {}),
      code: r.code,
      signal: r.signal,
      stdout: stdoutFile,
      stderr: `${name}.stderr.txt`,
      ...(note ? { note } : {}),
    });
    if (expectCode !== undefined && r.code !== expectCode) {
      console.warn(`  ${version} ${name}: exit ${r.code} (expected ${expectCode})`);
    }
    console.log(`  ${version} ${name}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`);
    return r;
  }

  if (only === 'maintenance') {
    await recordMaintenance({ bin, version, scratch, record, baseEnv, password, run });
    const indexPath = join(outDir, 'index.json');
    const existing = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')).cases : [];
    const names = new Set(index.map((c) => c.name));
    const merged = [...existing.filter((c) => !names.has(c.name)), ...index];
    writeFileSync(indexPath, await formatJson({ version, cases: merged }));
    rmSync(scratch, { recursive: true, force: true });
    return version;
  }

  // ---- source data, hostile names included (valid UTF-8; see bytes/ below)
  mkdirSync(join(data, 'sub'), { recursive: true });
  writeFileSync(join(data, 'a.txt'), 'first\n');
  writeFileSync(join(data, 'sub', 'b.txt'), 'bee\n');
  const hostile = join(data, 'hostile');
  mkdirSync(hostile);
  const hostileNames = [
    'quote"double',
    "it's",
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
  ];
  for (const n of hostileNames) writeFileSync(join(hostile, n), `content of ${JSON.stringify(n)}\n`);
  mkdirSync(join(hostile, 'dir with $HOME and "quotes"'));
  writeFileSync(join(hostile, 'dir with $HOME and "quotes"', 'inner'), 'x');
  symlinkSync('a.txt', join(data, 'link'));
  // A long path: 14 levels of 250-byte names (~3.5 KB), under Linux's PATH_MAX.
  let deep = join(data, 'deep');
  for (let i = 0; i < 14; i++) deep = join(deep, `${String(i).padStart(2, '0')}${'x'.repeat(248)}`);
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'leaf.txt'), 'leaf\n');
  // Non-UTF-8 bytes in a name: how each version's JSON encoder copes.
  mkdirSync(join(data, 'bytes'));
  writeFileSync(
    Buffer.concat([Buffer.from(join(data, 'bytes') + '/latin1-'), Buffer.from([0xe9, 0xff])]),
    'x',
  );
  // Enough data for several progress lines.
  const big = join(scratch, 'big');
  mkdirSync(big);
  writeFileSync(join(big, 'r1'), randomBytes(48 * 1024 * 1024));

  await record('version', ['version']);
  await record('version-json', ['version', '--json']);
  await record('init', ['init', '--json'], { expectCode: 0 });
  await record('init-again', ['init', '--json'], { note: 'init on an existing repository' });
  await record('cat-config', ['cat', 'config', '--json']);
  await record('backup-1', ['backup', '--json', `--host=${HOST}`, '--tag=first', '--', data], {
    env: { RESTIC_PROGRESS_FPS: '4' },
  });
  await record('backup-progress', ['backup', '--json', `--host=${HOST}`, '--', big], {
    env: { RESTIC_PROGRESS_FPS: '20' },
    note: 'status lines at RESTIC_PROGRESS_FPS=20',
  });

  // Changes for the second snapshot.
  writeFileSync(join(data, 'a.txt'), 'first\nsecond\n');
  rmSync(join(data, 'sub', 'b.txt'));
  writeFileSync(join(data, 'sub', 'c.txt'), 'sea\n');
  mkdirSync(join(data, 'newdir'));
  writeFileSync(join(hostile, 'added "later" $(x)\nline'), 'new\n');
  rmSync(join(hostile, "it's"));
  await record('backup-2', ['backup', '--json', '--quiet', `--host=${HOST}`, '--tag=second', '--', data]);
  await record(
    'backup-verbose',
    ['backup', '--json', '--verbose', `--host=${HOST}`, '--', join(data, 'sub')],
    {
      note: 'verbose_status lines',
    },
  );

  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  try {
    await record(
      'backup-partial',
      ['backup', '--json', `--host=${HOST}`, '--', join(data, 'a.txt'), `/proc/${sleeper.pid}/mem`],
      {
        note: 'a source file that cannot be read (EIO from /proc/<pid>/mem): exit 3, error line on stderr',
      },
    );
  } finally {
    sleeper.kill();
  }
  await record(
    'backup-missing-source',
    ['backup', '--json', `--host=${HOST}`, '--', join(data, 'a.txt'), join(scratch, 'no-such-path')],
    {
      note: 'one source path does not exist',
    },
  );

  const snaps = await record('snapshots', ['snapshots', '--json']);
  const list = JSON.parse(snaps.stdout.toString());
  const [first, second] = list.filter(
    (s) => (s.tags ?? []).includes('first') || (s.tags ?? []).includes('second'),
  );
  await record('snapshots-group-by', ['snapshots', '--json', '--group-by=host']);
  await record('snapshots-filtered-empty', ['snapshots', '--json', '--host=nobody']);

  const dataInTree = data; // restic keeps absolute source paths in the tree
  await record('ls-root', ['ls', '--json', '--', second.id, '/']);
  await record('ls-dir', ['ls', '--json', '--', second.id, dataInTree]);
  await record('ls-hostile', ['ls', '--json', '--', second.id, join(dataInTree, 'hostile')]);
  await record('ls-bytes', ['ls', '--json', '--', second.id, join(dataInTree, 'bytes')], {
    note: 'a non-UTF-8 file name',
  });
  await record('ls-deep', ['ls', '--json', '--', second.id, deep]);
  await record('ls-recursive', ['ls', '--json', '--recursive', '--', second.id, join(dataInTree, 'sub')]);
  await record('ls-missing-dir', ['ls', '--json', '--', second.id, join(dataInTree, 'no-such-dir')]);
  await record('ls-file', ['ls', '--json', '--', second.id, join(dataInTree, 'a.txt')]);
  await record('diff', ['diff', '--json', '--', first.id, second.id]);
  await record('diff-same', ['diff', '--json', '--', first.id, first.id]);

  // ---- failures
  await record('error-snapshot-not-found-ls', ['ls', '--json', '--', 'deadbeef', '/']);
  await record('error-snapshot-not-found-diff', ['diff', '--json', '--', 'deadbeef', second.id]);
  await record('error-latest-no-match', ['ls', '--json', '--host=nobody', '--', 'latest', '/']);
  // Ambiguous: keep snapshotting until two ids share their first hex digit (at most 17 by pigeonhole).
  let ids = JSON.parse((await run(bin, ['snapshots', '--json'], { env: baseEnv })).stdout.toString()).map(
    (s) => s.id,
  );
  const sharedPrefix = () => {
    const seen = new Set();
    for (const id of ids) {
      if (seen.has(id[0])) return id[0];
      seen.add(id[0]);
    }
    return undefined;
  };
  while (!sharedPrefix()) {
    writeFileSync(join(data, 'a.txt'), randomBytes(8).toString('hex'));
    await run(bin, ['backup', '--quiet', `--host=${HOST}`, '--', join(data, 'a.txt')], { env: baseEnv });
    ids = JSON.parse((await run(bin, ['snapshots', '--json'], { env: baseEnv })).stdout.toString()).map(
      (s) => s.id,
    );
  }
  const prefix = sharedPrefix();
  await record('error-snapshot-ambiguous-ls', ['ls', '--json', '--', prefix, '/']);
  await record('error-snapshot-ambiguous-diff', ['diff', '--json', '--', prefix, second.id]);

  await record('error-repo-missing', ['cat', 'config', '--json'], {
    env: { RESTIC_REPOSITORY: join(scratch, 'no-repo') },
  });
  await record('error-repo-missing-snapshots', ['snapshots', '--json'], {
    env: { RESTIC_REPOSITORY: join(scratch, 'no-repo') },
  });
  await record('error-wrong-password', ['snapshots', '--json'], {
    env: { RESTIC_PASSWORD: `${password}-wrong` },
  });
  await record('error-wrong-password-cat-config', ['cat', 'config', '--json'], {
    env: { RESTIC_PASSWORD: `${password}-wrong` },
  });

  // A held exclusive lock: `key passwd` takes it, then waits for the new
  // password on stdin; an open pipe that never delivers a line keeps it
  // waiting (0.14 and 0.19 alike). Closing stdin ends it and removes the lock.
  let lockId = '';
  const holder = spawn(bin, ['key', 'passwd'], {
    env: { ...process.env, ...baseEnv },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  try {
    const deadline = Date.now() + 30_000;
    while (!(existsSync(join(repo, 'locks')) && readdirSync(join(repo, 'locks')).length > 0)) {
      if (Date.now() > deadline) throw new Error('key passwd did not take a lock');
      await sleep(100);
    }
    await record('error-locked-snapshots', ['snapshots', '--json'], {
      note: 'exclusive lock held by `key passwd` waiting on stdin',
    });
    await record('error-locked-backup', [
      'backup',
      '--json',
      '--quiet',
      `--host=${HOST}`,
      '--',
      join(data, 'a.txt'),
    ]);
    await record('error-locked-diff', ['diff', '--json', '--', first.id, second.id]);
    await record('error-locked-ls', ['ls', '--json', '--', second.id, '/']);
    // What the daily check reads about a held lock (all --no-lock).
    const listed = await record('list-locks', ['list', 'locks', '--no-lock'], {
      note: 'one exclusive lock held',
    });
    lockId = listed.stdout.toString().trim().split('\n')[0];
    await record('cat-lock', ['cat', 'lock', '--no-lock', '--', lockId]);
    await record('snapshots-no-lock', ['snapshots', '--json', '--no-lock'], {
      note: 'readable despite the exclusive lock',
    });
    await record('unlock-live', ['unlock'], {
      note: 'the lock is live (pid alive, fresh): unlock leaves it',
    });
  } finally {
    holder.stdin.end();
    await new Promise((r) => holder.once('close', r));
  }
  await record('list-locks-empty', ['list', 'locks', '--no-lock']);
  await record('cat-lock-gone', ['cat', 'lock', '--no-lock', '--', lockId], {
    note: 'the lock was released meanwhile; 0.14 retries ~45 s: SIGINT after the first retry line',
    during: stopAfterRetries(1),
  });

  // Cancellation: SIGINT once the first status line is out.
  await record('backup-cancelled', ['backup', '--json', `--host=${HOST}`, '--', big, data], {
    env: { RESTIC_PROGRESS_FPS: '20' },
    note: 'SIGINT after the first status line (files changed so the backup has work to do)',
    during: (child, io) => {
      writeFileSync(join(big, 'r2'), randomBytes(48 * 1024 * 1024));
      let sent = false;
      io.onStdout = (text) => {
        if (!sent && text.includes('"status"')) {
          sent = true;
          child.kill('SIGINT');
        }
      };
      setTimeout(() => {
        if (!sent) {
          sent = true;
          child.kill('SIGINT');
        }
      }, 5000);
    },
  });

  if (minio) {
    // ---- MinIO as the repository (s3:), and how each version fails on it.
    const bucket = `fixtures-${version.replace(/\./g, '-')}`;
    const s3 = (path) => ({
      RESTIC_REPOSITORY: `s3:${minio.endpoint}/${path}`,
      AWS_ACCESS_KEY_ID: minio.accessKey,
      AWS_SECRET_ACCESS_KEY: minio.secretKey,
    });
    await record('s3-init', ['init', '--json'], { env: s3(bucket), note: 'init creates the bucket' });
    await record('s3-snapshots', ['snapshots', '--json'], { env: s3(bucket) });
    await record('s3-error-prefix-missing', ['cat', 'config', '--json'], {
      env: s3(`${bucket}/no-repo-here`),
      note: 'bucket exists, no repository under the prefix',
    });
    await record('s3-error-wrong-password', ['snapshots', '--json'], {
      env: { ...s3(bucket), RESTIC_PASSWORD: `${password}-wrong` },
    });
    await record('s3-error-bucket-missing', ['cat', 'config', '--json'], {
      env: s3('no-such-bucket'),
      note: '0.16+ retry for 15 minutes; SIGINT after 3 retry lines',
      during: stopAfterRetries(3),
    });
    await record('s3-error-wrong-keys', ['snapshots', '--json'], {
      env: { ...s3(bucket), AWS_SECRET_ACCESS_KEY: 'not-the-secret-key' },
      note: 'wrong S3 secret key; SIGINT after 3 retry lines',
      during: stopAfterRetries(3),
    });
    await record('s3-error-unreachable', ['snapshots', '--json'], {
      env: { ...s3(bucket), RESTIC_REPOSITORY: `s3:http://127.0.0.1:1/${bucket}` },
      note: 'nothing listens on the endpoint; SIGINT after 3 retry lines',
      during: stopAfterRetries(3),
    });
  }

  await recordMaintenance({ bin, version, scratch, record, baseEnv, password, run });

  writeFileSync(join(outDir, 'index.json'), await formatJson({ version, cases: index }));
  rmSync(scratch, { recursive: true, force: true });
  return version;
}

/**
 * Maintenance commands (stats, check, forget, prune, find, key, tag) on a
 * repository of their own: `maint-*` cases. `--only=maintenance` records
 * just these, leaving the other fixtures as they are.
 */
async function recordMaintenance({ bin, scratch, record, baseEnv, password, run: exec }) {
  const repo = join(scratch, 'maint-repo');
  const data = join(scratch, 'maint-data');
  const env = { RESTIC_REPOSITORY: repo };
  const envOf = { ...baseEnv, ...env };
  const rec = (name, args, opts = {}) => record(name, args, { ...opts, env: { ...env, ...opts.env } });
  const backup = async (host, tag, time) => {
    const r = await exec(
      bin,
      ['backup', '--quiet', `--host=${host}`, ...(tag ? [`--tag=${tag}`] : []), `--time=${time}`, '--', data],
      { env: envOf },
    );
    if (r.code !== 0) throw new Error(`maint backup failed: ${r.stderr}`);
  };
  mkdirSync(join(data, 'docs'), { recursive: true });
  writeFileSync(join(data, 'docs', 'report.txt'), 'version 1\n');
  writeFileSync(join(data, 'keep.txt'), 'unchanged\n');
  writeFileSync(join(data, 'big.bin'), randomBytes(256 * 1024));
  await exec(bin, ['init'], { env: envOf });
  // Five snapshots over three days on two hosts, so retention rules differ.
  await backup(HOST, 'daily', '2026-11-17 10:00:00');
  writeFileSync(join(data, 'docs', 'report.txt'), 'version 2, longer\n');
  await backup(HOST, 'daily', '2026-11-18 10:00:00');
  await backup(HOST, 'daily', '2026-11-18 22:00:00');
  writeFileSync(join(data, 'docs', 'report.txt'), 'version 3\n');
  await backup(HOST, 'weekly', '2026-11-19 10:00:00');
  await backup('other-host', undefined, '2026-11-19 11:00:00');
  const snaps = JSON.parse((await exec(bin, ['snapshots', '--json'], { env: envOf })).stdout.toString());
  await rec('maint-snapshots', ['snapshots', '--json']);

  await rec('maint-stats-restore-size', ['stats', '--json', '--mode=restore-size']);
  await rec('maint-stats-raw-data', ['stats', '--json', '--mode=raw-data']);
  await rec('maint-stats-no-lock', ['stats', '--json', '--no-lock', '--mode=restore-size']);

  await rec('maint-check', ['check', '--json']);
  await rec('maint-check-subset-fraction', ['check', '--json', '--read-data-subset=1/2']);
  await rec('maint-check-subset-percent', ['check', '--json', '--read-data-subset=50%']);
  await rec('maint-check-subset-size', ['check', '--json', '--read-data-subset=100K']);
  await rec('maint-check-read-data', ['check', '--json', '--read-data']);

  await rec('maint-forget-dry-run-last', ['forget', '--json', '--dry-run', '--keep-last=1']);
  await rec('maint-forget-dry-run-daily', [
    'forget',
    '--json',
    '--dry-run',
    '--keep-daily=2',
    '--keep-tag=weekly',
  ]);
  await rec('maint-forget-dry-run-group-host', [
    'forget',
    '--json',
    '--dry-run',
    '--group-by=host',
    '--keep-within=1d',
  ]);
  await rec('maint-forget-remove-all', ['forget', '--json', '--dry-run', '--keep-tag=no-such-tag'], {
    note: '0.17+ refuse to remove every snapshot of a group; 0.14 plans to remove them all',
  });
  await rec('maint-forget-no-policy', ['forget', '--json', '--dry-run']);

  await rec('maint-find', ['find', '--json', '--', '*.txt']);
  await rec('maint-find-none', ['find', '--json', '--', 'no-such-name']);
  await rec('maint-find-path', ['find', '--json', '--', join(data, 'docs', 'report.txt')], {
    note: 'a pattern starting with / matches that path only',
  });
  await rec('maint-find-snapshot', ['find', '--json', `--snapshot=${snaps[0].id}`, '--', 'report.txt']);

  await rec('maint-key-list', ['key', 'list', '--json']);
  await rec(
    'maint-key-add',
    [
      'sh',
      '-c',
      'printf "%s\\n" "$RFC_NEW_PASSWORD" | exec "$@"',
      'key-add',
      bin,
      'key',
      'add',
      `--host=${HOST}-2`,
    ],
    {
      env: { RFC_NEW_PASSWORD: `${password}-second-key` },
      note: 'the new password on stdin (never argv); argv[4] is the binary',
      viaShell: true,
    },
  );
  const keys = JSON.parse((await exec(bin, ['key', 'list', '--json'], { env: envOf })).stdout.toString());
  await rec('maint-key-list-two', ['key', 'list', '--json']);
  const other = keys.find((k) => !k.current);
  const current = keys.find((k) => k.current);
  await rec('maint-key-remove-current', ['key', 'remove', '--', current.id]);
  await rec('maint-key-remove-missing', ['key', 'remove', '--', 'ffffffff']);
  if (other) await rec('maint-key-remove', ['key', 'remove', '--', other.id]);

  await rec('maint-tag-add', ['tag', '--json', '--add=reviewed', '--', snaps[0].id]);
  await rec('maint-tag-missing', ['tag', '--json', '--add=reviewed', '--', 'deadbeef']);
  await rec('maint-snapshots-after-tag', ['snapshots', '--json']);
  await rec('maint-forget-snapshot-missing', ['forget', '--', 'deadbeef']);
  await rec('maint-forget-snapshot', ['forget', '--', snaps[snaps.length - 1].id]);
  await rec('maint-forget-last', ['forget', '--json', '--keep-last=2']);
  await rec('maint-prune-dry-run', ['prune', '--dry-run']);
  await rec('maint-prune', ['prune', '--max-unused=0%']);

  // A damaged pack: bytes overwritten in every data pack of a copy.
  const damaged = join(scratch, 'maint-damaged');
  await exec('cp', ['-a', repo, damaged]);
  const packsRoot = join(damaged, 'data');
  for (const sub of readdirSync(packsRoot)) {
    for (const f of readdirSync(join(packsRoot, sub))) {
      const p = join(packsRoot, sub, f);
      const buf = readFileSync(p);
      if (buf.length > 64) buf.fill(0x58, 40, 56);
      writeFileSync(p, buf);
    }
  }
  await rec('maint-check-damaged', ['check', '--json', '--read-data'], {
    env: { RESTIC_REPOSITORY: damaged },
    note: 'every data pack damaged',
  });
}

const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length) : undefined;
if (only !== undefined && only !== 'maintenance') {
  console.error(`--only=${only}: only "maintenance" is supported`);
  process.exit(2);
}
const binArgs = process.argv.slice(2).filter((a) => !a.startsWith('--only='));
const bins = binArgs.length > 0 ? binArgs : binariesFromManifest();
const minio = only ? undefined : await startMinio();
if (!minio && !only) console.warn('no MinIO in the peers manifest: the s3-* cases are not recorded');
try {
  for (const bin of bins) {
    console.log(`recording ${bin}`);
    const version = await recordVersion(bin, minio, only);
    console.log(`  -> tests/fixtures/restic/${version}/`);
  }
} finally {
  await minio?.stop();
}

#!/usr/bin/env node
// Records what real restic binaries print for restore (and the ls/dump the
// restore wizard uses), for tests/unit/restore/*.test.ts.
//
//   node tests/unit/restore/record-fixtures.mjs [path/to/restic ...]
//
// Without arguments: every restic in the peers manifest. Like
// scripts/record-restic-fixtures.mjs it works in a fixed scratch folder
// (/tmp/rfc-restore-fixtures/<version>/, so paths in the output are
// machine-neutral), generates the password per run (never written), and
// writes tests/fixtures/restic/<version>/restore-<case>.{stdout.*,stderr.txt}
// plus restore-index.json (argv without binary, exit code, signal).
// Needs root for the read-only case (chattr +i makes a file unwritable even for root).

import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixturesRoot = join(repoRoot, 'tests', 'fixtures', 'restic');
const scratchRoot = '/tmp/rfc-restore-fixtures';

function binaries() {
  if (process.argv.length > 2) return process.argv.slice(2);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const manifest = process.env.RFC_PEERS_MANIFEST || join(cache, 'restic-fleet-console', 'peers', 'manifest.json');
  return JSON.parse(readFileSync(manifest, 'utf8')).restic.map((r) => r.path);
}

function run(bin, args, env) {
  return new Promise((res, rej) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}

async function record(bin) {
  const version = /restic (\d+\.\d+\.\d+)/.exec(execFileSync(bin, ['version']).toString())[1];
  const base = join(scratchRoot, version);
  rmSync(base, { recursive: true, force: true });
  mkdirSync(join(base, 'src', 'd'), { recursive: true });
  const src = join(base, 'src');
  writeFileSync(join(src, 'a.txt'), 'hello\n');
  writeFileSync(join(src, 'd', 'c.txt'), 'x\n');
  writeFileSync(join(src, 'd', 'big.bin'), Buffer.alloc(24 * 1024 * 1024, 7));
  writeFileSync(join(src, 'name: with colon'), 'colon\n');
  for (const f of ['a.txt', 'd/c.txt', 'd/big.bin', 'name: with colon']) utimesSync(join(src, f), 1700000000, 1700000000);
  const env = {
    RESTIC_REPOSITORY: join(base, 'repo'),
    RESTIC_PASSWORD: randomBytes(12).toString('hex'),
    RESTIC_CACHE_DIR: join(base, 'cache'),
    RESTIC_PROGRESS_FPS: '50',
  };
  const must = async (args) => {
    const r = await run(bin, args, env);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  await must(['init']);
  await must(['backup', '--host=fixture-host', '--', src]);
  const snap = JSON.parse((await must(['snapshots', '--json'])).stdout.toString())[0].id;
  const newer = /0\.(1[7-9]|[2-9]\d)\./.test(version);
  const json = !/^0\.1[45]\./.test(version);
  const jsonArgs = json ? ['--json'] : [];
  const vv = newer ? ['-vv'] : [];
  const outDir = join(fixturesRoot, version);
  mkdirSync(outDir, { recursive: true });
  const index = {};
  const save = async (name, args, extraEnv = {}, note = '') => {
    const r = await run(bin, args, { ...env, ...extraEnv });
    const isJson = r.stdout.toString().trimStart().startsWith('{');
    writeFileSync(join(outDir, `restore-${name}.stdout.${isJson ? 'jsonl' : 'txt'}`), r.stdout);
    writeFileSync(join(outDir, `restore-${name}.stderr.txt`), r.stderr);
    index[name] = { argv: args.map((a) => a.replace(env.RESTIC_PASSWORD, '***')), exitCode: r.code, signal: r.signal, note };
    return r;
  };
  const target = (n) => {
    const t = join(base, `target-${n}`);
    rmSync(t, { recursive: true, force: true });
    mkdirSync(t, { recursive: true });
    return t;
  };

  await save('basic', ['restore', ...jsonArgs, ...vv, `--target=${target('basic')}`, '--', snap], {}, 'whole snapshot into an empty folder');
  await save('include', ['restore', ...jsonArgs, ...vv, `--target=${target('include')}`, `--include=${src}/d`, `--exclude=${src}/d/big.bin`, '--', snap], {}, 'a folder with one file left out');
  await save('verify', ['restore', ...jsonArgs, '--verify', `--target=${target('verify')}`, '--', snap], {}, 'with --verify');

  // A file made immutable in the target: restic cannot write it (even as root).
  const ro = target('readonly');
  mkdirSync(join(ro, src), { recursive: true });
  writeFileSync(join(ro, src, 'a.txt'), 'old\n');
  execFileSync('chattr', ['+i', join(ro, src, 'a.txt')]);
  try {
    await save('readonly', ['restore', ...jsonArgs, ...vv, `--target=${ro}`, '--', snap], {}, 'a.txt immutable in the target: per-file errors, exit 1');
  } finally {
    execFileSync('chattr', ['-i', join(ro, src, 'a.txt')]);
  }

  // What the target holds before a dry run: one changed file, one extra file.
  const dr = target('dryrun');
  mkdirSync(join(dr, src, 'd'), { recursive: true });
  writeFileSync(join(dr, src, 'a.txt'), 'changed\n');
  writeFileSync(join(dr, src, 'd', 'c.txt'), 'x\n');
  utimesSync(join(dr, src, 'd', 'c.txt'), 1700000000, 1700000000);
  writeFileSync(join(dr, src, 'extra'), 'not in the snapshot\n');
  const del = /0\.(1[89]|[2-9]\d)\./.test(version) ? ['--delete'] : [];
  await save('dry-run', ['restore', ...jsonArgs, '--dry-run', ...vv, ...del, `--target=${dr}`, '--', snap], {}, 'dry run over a target with a changed and an extra file (unknown flag before 0.17)');
  if (newer) {
    await save('overwrite-never', ['restore', '--json', '-vv', '--overwrite=never', `--target=${dr}`, '--', snap], {}, 'existing files kept');
  }
  await save('not-found', ['restore', ...jsonArgs, `--target=${target('nf')}`, '--', 'deadbeef'], {}, 'no such snapshot');
  await save('wrong-password', ['restore', ...jsonArgs, `--target=${target('wp')}`, '--', snap], { RESTIC_PASSWORD: 'not-the-password' }, 'wrong password');
  await save('ls-recursive', ['ls', '--json', '--recursive', '--no-lock', '--', snap, `${src}/d`], {}, 'a folder of the snapshot, recursively');
  writeFileSync(join(outDir, 'restore-index.json'), `${JSON.stringify({ version, snapshot: snap, source: src, cases: index }, null, 2)}\n`);
  console.log(`${version}: ${Object.keys(index).length} cases in ${outDir}`);
}

for (const bin of binaries()) await record(bin);

/**
 * Cached benchmark repositories that take minutes to make (100 000 changed
 * files, a 1 000 000-file snapshot). Each is built once under
 * ~/.cache/restic-fleet-console/bench/<name>/ and marked complete; the
 * source trees are deleted after the backups, only the repository stays.
 *
 * `npx tsx bench/datasets.ts diff-100k ls-1m` builds them ahead of a run.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { benchCacheDir, mustRun } from './lib';

const PASSWORD_FILE = 'password.txt';

export interface BenchRepo {
  repo: string;
  password: string;
  /** Snapshot ids in the order they were made. */
  snapshots: string[];
}

/**
 * Writes `dirs` × `filesPerDir` files named d<i>/f<j> under `root` with a
 * Python one-liner: creating a million files from Node's fs promises
 * takes several times longer.
 */
async function writeTree(root: string, dirs: number, filesPerDir: number, content: string): Promise<void> {
  const script = [
    'import os, sys',
    'root, dirs, per, content = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]',
    'for i in range(dirs):',
    '    d = os.path.join(root, "d%04d" % i)',
    '    os.makedirs(d, exist_ok=True)',
    '    for j in range(per):',
    '        with open(os.path.join(d, "f%04d" % j), "w") as f:',
    '            if content: f.write(content % (i, j))',
  ].join('\n');
  await mustRun(['python3', '-c', script, root, String(dirs), String(filesPerDir), content]);
}

async function cached(
  name: string,
  restic: string,
  build: (env: NodeJS.ProcessEnv, source: string) => Promise<void>,
): Promise<BenchRepo> {
  const dir = path.join(benchCacheDir(), name);
  const repo = path.join(dir, 'repo');
  const done = path.join(dir, 'complete');
  const read = async (): Promise<BenchRepo> => ({
    repo,
    password: (await fs.readFile(path.join(dir, PASSWORD_FILE), 'utf8')).trim(),
    snapshots: JSON.parse(await fs.readFile(done, 'utf8')) as string[],
  });
  if (existsSync(done)) return read();

  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  await fs.writeFile(path.join(dir, PASSWORD_FILE), password, { mode: 0o600 });
  const env = {
    ...process.env,
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: password,
    RESTIC_CACHE_DIR: path.join(dir, 'cache'),
  };
  await mustRun([restic, 'init', '-q'], env);
  const source = path.join(dir, 'source');
  await build(env, source);
  await fs.rm(source, { recursive: true, force: true });
  const snapshots = (
    JSON.parse(await mustRun([restic, 'snapshots', '--json', '--no-lock'], env)) as Array<{
      id: string;
      time: string;
    }>
  )
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((s) => s.id);
  await fs.writeFile(done, JSON.stringify(snapshots));
  return read();
}

/**
 * Two snapshots of the same 100 files × 1 000 directories where every
 * file's content changed in between: `restic diff` reports 100 000
 * modified files (and the 1 000 directories above them).
 */
export function diffRepo(restic: string): Promise<BenchRepo> {
  return cached('diff-100k', restic, async (env, source) => {
    await writeTree(source, 1000, 100, 'first %d %d\n');
    await mustRun([restic, 'backup', '-q', '--time=2026-01-01 00:00:00', '--host=bench', source], env);
    await writeTree(source, 1000, 100, 'second version of %d %d\n');
    await mustRun([restic, 'backup', '-q', '--time=2026-01-02 00:00:00', '--host=bench', source], env);
  });
}

/** One snapshot of 1 000 directories × 1 000 empty files (only trees are stored). */
export function millionFileRepo(restic: string): Promise<BenchRepo> {
  return cached('ls-1m', restic, async (env, source) => {
    await writeTree(source, 1000, 1000, '');
    await mustRun([restic, 'backup', '-q', '--time=2026-01-01 00:00:00', '--host=bench', source], env);
  });
}

if (process.argv[1]?.endsWith('datasets.ts')) {
  void (async () => {
    const { resticBinaries } = await import('../tests/support/peers');
    const restic = resticBinaries().at(-1)!.path;
    for (const name of process.argv.slice(2)) {
      const t = performance.now();
      const made = name === 'diff-100k' ? await diffRepo(restic) : await millionFileRepo(restic);
      process.stderr.write(
        `${name}: ${made.repo} (${made.snapshots.length} snapshots) in ${((performance.now() - t) / 1000).toFixed(0)} s\n`,
      );
    }
  })();
}

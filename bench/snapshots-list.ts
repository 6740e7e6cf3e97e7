/**
 * snapshots-list-1k / -10k: the console's snapshot listing over its HTTP
 * API against `restic snapshots --json`, on the same repository.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { benchCacheDir, compare, ms, mustRun, type Row, type RowFamily } from './lib';
import { ConsoleUnderTest } from './serve';

const PASSWORD_FILE = 'password.txt';

/**
 * A repository with exactly `count` snapshots, cached between runs: one
 * backup, then `restic rewrite --new-time` doubling every snapshot per
 * round, then a partial round for the remainder.
 */
export async function snapshotRepo(
  restic: string,
  count: number,
): Promise<{ repo: string; password: string }> {
  const dir = path.join(benchCacheDir(), `snapshots-${count}`);
  const repo = path.join(dir, 'repo');
  const done = path.join(dir, 'complete');
  if (existsSync(done))
    return { repo, password: (await fs.readFile(path.join(dir, PASSWORD_FILE), 'utf8')).trim() };

  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(path.join(dir, 'source'), { recursive: true });
  await fs.writeFile(path.join(dir, 'source', 'file.txt'), 'bench\n');
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  await fs.writeFile(path.join(dir, PASSWORD_FILE), password, { mode: 0o600 });
  const env = {
    ...process.env,
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: password,
    RESTIC_CACHE_DIR: path.join(dir, 'cache'),
  };
  await mustRun([restic, 'init', '-q'], env);
  await mustRun([restic, 'backup', '-q', path.join(dir, 'source')], env);

  let have = 1;
  let day = 0;
  const time = () => {
    day += 1;
    return new Date(Date.UTC(2025, 0, 1) + day * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  };
  while (have * 2 <= count) {
    await mustRun([restic, 'rewrite', '-q', '--new-time', time()], env);
    have *= 2;
  }
  if (have < count) {
    const ids = (
      JSON.parse(await mustRun([restic, 'snapshots', '--json'], env)) as Array<{ id: string }>
    ).map((s) => s.id);
    await mustRun([restic, 'rewrite', '-q', '--new-time', time(), ...ids.slice(0, count - have)], env);
  }
  await fs.writeFile(done, new Date().toISOString());
  return { repo, password };
}

export async function benchSnapshotsList(
  consoleUnderTest: ConsoleUnderTest,
  restic: string,
  count: number,
  id: string,
  limit: number,
): Promise<Row> {
  // The repository was seeded into the console's inventory before it started.
  const { repo, password } = await snapshotRepo(restic, count);
  const repoId = `bench-${count}`;
  const env = {
    ...process.env,
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: password,
    RESTIC_CACHE_DIR: consoleUnderTest.resticCacheDir,
  };
  const listed = (await consoleUnderTest.call('snapshots.list', { repoId })) as { snapshots: unknown[] };
  if (listed.snapshots.length !== count)
    throw new Error(`${id}: console listed ${listed.snapshots.length}, expected ${count}`);
  const result = await compare(
    () => consoleUnderTest.call('snapshots.list', { repoId }),
    () => mustRun([restic, 'snapshots', '--json'], env),
  );
  return {
    id,
    console: ms(result.console),
    baseline: ms(result.baseline),
    ratio: result.console / result.baseline,
    target: `≤ ${limit}`,
    limit,
  };
}

const LISTS = [
  { id: 'snapshots-list-1k', count: 1024, limit: 1.3 },
  { id: 'snapshots-list-10k', count: 10_000, limit: 1.2 },
];

export const snapshotsListRows: RowFamily = {
  ids: LISTS.map((m) => m.id),
  needsBuild: true,
  explanation: `
- **snapshots-list-1k / snapshots-list-10k** — \`snapshots.list\` over the
  serve-mode HTTP API (restic run by the core, JSON parsed, validated
  against the contract, serialised, sent) against \`restic snapshots --json\`
  run directly, on a repository of 1 024 / 10 000 snapshots made with
  restic 0.19.1 (\`restic rewrite --new-time\` doubling a first snapshot).
`,
  async run(wanted, { restic }) {
    const lists = LISTS.filter((m) => wanted.has(m.id));
    const seeds = [];
    for (const m of lists) {
      process.stderr.write(`preparing ${m.count} snapshots (cached after the first run)…\n`);
      const { repo, password } = await snapshotRepo(restic.path, m.count);
      seeds.push({ id: `bench-${m.count}`, location: repo, password });
    }
    const rows: Row[] = [];
    const consoleUnderTest = await ConsoleUnderTest.start(restic.path, seeds);
    try {
      for (const m of lists)
        rows.push(await benchSnapshotsList(consoleUnderTest, restic.path, m.count, m.id, m.limit));
    } finally {
      await consoleUnderTest.stop();
    }
    return rows;
  },
};

/**
 * `npm run bench`: builds if needed, prepares the data sets (cached under
 * ~/.cache/restic-fleet-console/bench), measures each row as a ratio
 * against the raw tool in the same run, and writes docs/benchmarks.md.
 * `npm run bench -- snapshots-list-1k` runs the named rows only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { resticBinaries } from '../tests/support/peers';
import { writeTable, type Row } from './lib';
import { benchDailyCheck } from './daily-check';
import { ConsoleUnderTest } from './serve';
import { benchSnapshotsList, snapshotRepo } from './snapshots-list';

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const wanted = (id: string) => only.size === 0 || only.has(id);
  const newest = resticBinaries().at(-1)!;
  const lists = [
    { id: 'snapshots-list-1k', count: 1024, limit: 1.3 },
    { id: 'snapshots-list-10k', count: 10_000, limit: 1.2 },
  ].filter((m) => wanted(m.id));
  const checks = new Set(['daily-check-fanout-20v1', 'daily-check-vs-shell'].filter(wanted));
  if (lists.length > 0 && !existsSync('dist-electron/serve.cjs'))
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

  const seeds = [];
  for (const m of lists) {
    process.stderr.write(`preparing ${m.count} snapshots (cached after the first run)…\n`);
    const { repo, password } = await snapshotRepo(newest.path, m.count);
    seeds.push({ id: `bench-${m.count}`, location: repo, password });
  }

  const rows: Row[] = [];
  if (lists.length > 0) {
    const consoleUnderTest = await ConsoleUnderTest.start(newest.path, seeds);
    try {
      for (const m of lists) {
        const row = await benchSnapshotsList(consoleUnderTest, newest.path, m.count, m.id, m.limit);
        process.stderr.write(
          `${row.id}: console ${row.console}, restic ${row.baseline}, ratio ${row.ratio.toFixed(2)} (target ${row.target})\n`,
        );
        rows.push(row);
      }
    } finally {
      await consoleUnderTest.stop();
    }
  }
  if (checks.size > 0) {
    for (const row of await benchDailyCheck(newest.path, checks)) {
      process.stderr.write(
        `${row.id}: console ${row.console}, baseline ${row.baseline}, ratio ${row.ratio.toFixed(2)} (target ${row.target})${row.note ? `; ${row.note}` : ''}\n`,
      );
      rows.push(row);
    }
  }

  const context = `${new Date().toISOString().slice(0, 10)}, restic ${newest.version}, node ${process.version}, ${os.cpus().length} cores`;
  await writeTable('docs/benchmarks.md', rows, context);
  const over = rows.filter((r) => r.ratio > r.limit);
  process.stdout.write(`${rows.length} measured, ${over.length} over target\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

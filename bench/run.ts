/**
 * `npm run bench`: builds if needed, prepares the data sets (cached under
 * ~/.cache/restic-fleet-console/bench), measures each row as a ratio
 * against the raw tool in the same run, and writes docs/benchmarks.md.
 * `npm run bench -- snapshots-list-1k diff-100k` runs the named rows only.
 *
 * Each family of rows is a module exporting a RowFamily (bench/lib.ts);
 * a new measure is that module plus one line in FAMILIES.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { resticBinaries } from '../tests/support/peers';
import { dailyCheckRows } from './daily-check';
import { diffRows } from './diff-100k';
import { writeTable, type Row, type RowFamily } from './lib';
import { lsRows } from './ls-1m';
import { restoreRows } from './restore-2g';
import { snapshotsListRows } from './snapshots-list';

const FAMILIES: RowFamily[] = [snapshotsListRows, dailyCheckRows, diffRows, lsRows, restoreRows];

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const known = new Set(FAMILIES.flatMap((f) => f.ids));
  const unknown = [...only].filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new Error(`unknown row(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  const wanted = (id: string) => only.size === 0 || only.has(id);
  const runs = FAMILIES.map((family) => ({ family, ids: new Set(family.ids.filter(wanted)) })).filter(
    (r) => r.ids.size > 0,
  );
  const newest = resticBinaries().at(-1)!;
  if (runs.some((r) => r.family.needsBuild) && !existsSync('dist-electron/serve.cjs'))
    execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });

  const rows: Row[] = [];
  for (const { family, ids } of runs) {
    for (const row of await family.run(ids, { restic: newest })) {
      process.stderr.write(
        `${row.id}: console ${row.console}, baseline ${row.baseline}, ratio ${row.ratio.toFixed(2)} (target ${row.target})${row.note ? `; ${row.note}` : ''}\n`,
      );
      rows.push(row);
    }
  }

  const context = `${new Date().toISOString().slice(0, 10)}, restic ${newest.version}, node ${process.version}, ${os.cpus().length} cores`;
  await writeTable(
    'docs/benchmarks.md',
    rows,
    context,
    FAMILIES.map((f) => f.explanation),
  );
  const over = rows.filter((r) => r.ratio > r.limit);
  process.stdout.write(`${rows.length} measured, ${over.length} over target\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

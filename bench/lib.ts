/**
 * Benchmark helpers. Every measure is a ratio against the raw tool run in
 * the same process and the same minute, so machine speed cancels out;
 * nothing here asserts a time.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Row {
  id: string;
  console: string;
  baseline: string;
  ratio: number;
  target: string;
  /** The target as a number the ratio must not exceed. */
  limit: number;
  note?: string;
}

/** What every row family gets: the restic it measures with (the newest provisioned). */
export interface BenchEnv {
  restic: { path: string; version: string };
}

/**
 * A family of rows that are measured together (they share a data set or a
 * console). bench/run.ts lists the families; adding a measure is one
 * module exporting a RowFamily plus one line in that list.
 */
export interface RowFamily {
  /** The row ids it can measure (`npm run bench -- <id>` picks rows). */
  ids: readonly string[];
  /** Needs the built serve mode (dist-electron/serve.cjs and dist/). */
  needsBuild?: boolean;
  /** Markdown bullets for the "Measures" section of docs/benchmarks.md: what each row compares. */
  explanation: string;
  /** Measures the wanted ids (a non-empty subset of `ids`). */
  run(wanted: ReadonlySet<string>, env: BenchEnv): Promise<Row[]>;
}

export function benchCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'restic-fleet-console', 'bench');
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs the two sides alternately (a, b, a, b, …) after a warm-up of each,
 * so caches and CPU frequency treat both alike; returns both medians in ms.
 */
export async function compare(
  consoleSide: () => Promise<unknown>,
  baselineSide: () => Promise<unknown>,
  runs = 7,
): Promise<{ console: number; baseline: number }> {
  await consoleSide();
  await baselineSide();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await consoleSide();
    a.push(performance.now() - t);
    t = performance.now();
    await baselineSide();
    b.push(performance.now() - t);
  }
  return { console: median(a), baseline: median(b) };
}

export function runProcess(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd!, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

export async function mustRun(argv: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await runProcess(argv, env);
  if (result.code !== 0)
    throw new Error(`${argv.slice(0, 3).join(' ')} failed (${result.code}): ${result.stderr.slice(-500)}`);
  return result.stdout;
}

export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

const HEADER = '| id | console | baseline | ratio | target |';

/**
 * Rewrites docs/benchmarks.md: rows measured now replace the rows with the
 * same id; rows of measures not run this time stay as they were.
 */
export async function writeTable(
  file: string,
  rows: Row[],
  context: string,
  explanations: readonly string[],
): Promise<void> {
  let lines: string[] = [];
  try {
    lines = (await fs.readFile(file, 'utf8')).split('\n');
  } catch {
    // first run
  }
  // Table rows (an id starts with a letter or digit: the "| --- |" rule is not one).
  const existing = lines.filter((l) => /^\| [a-z0-9][a-z0-9-]* \|/.test(l) && !l.startsWith(HEADER));
  const byId = new Map(existing.map((l) => [l.split('|')[1]!.trim(), l]));
  // Notes of the last run of each measure: "- `id`: note".
  const notes = new Map(
    lines
      .map((l) => /^- `([a-z0-9][a-z0-9-]*)`: (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  for (const row of rows) {
    const verdict = row.ratio <= row.limit ? '' : ' ✗';
    byId.set(
      row.id,
      `| ${row.id} | ${row.console} | ${row.baseline} | ${row.ratio.toFixed(2)}${verdict} | ${row.target} |`,
    );
    if (row.note) notes.set(row.id, row.note);
    else notes.delete(row.id);
  }
  const body = [...byId.values()].sort();
  const noteText = notes.size
    ? `\nNotes from each measure's last run:\n\n${[...notes.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, note]) => `- \`${id}\`: ${note}`)
        .join('\n')}\n`
    : '';
  const text = `# Benchmarks

Written by \`npm run bench\`. Each row is the console against the raw tool
doing the same work in the same run (medians of alternating runs), so the
ratio, not the absolute time, is what to read. ✗ marks a ratio over its target.

Last run: ${context}

${HEADER}
| --- | --- | --- | --- | --- |
${body.join('\n')}
${noteText}
## Measures

${explanations.map((e) => e.trim()).join('\n')}
`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

/**
 * diff-100k: two snapshots with 100 000 modified files.
 *
 * - The ratio: `snapshots.diff` over the serve-mode HTTP API (every change
 *   parsed, validated, serialised and sent) against `restic diff --json`
 *   run directly, alternating, same repository and cache.
 * - diff-100k-first-paint: headless Chromium on the real UI opens the
 *   newer snapshot and its Compare tab (the streamed diff); the time from
 *   the moment restic's first change output reached the console process
 *   (bench/probe.cjs, Date.now() inside the console) to the first frame
 *   after the first change row entered the page (a MutationObserver, then
 *   requestAnimationFrame + a task: the frame has been produced). Both
 *   clocks are this machine's wall clock.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { chromium, type Page } from 'playwright-core';
import { chromiumPath } from '../tests/support/peers';
import { diffRepo } from './datasets';
import { compare, median, ms, mustRun, type Row, type RowFamily } from './lib';
import { ConsoleUnderTest } from './serve';

const REPO_ID = 'bench-diff-100k';

/** CPU of this process's finished children (the baseline restic runs), ms, from /proc/self/stat. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
const CHANGES = 100_000;

/** From a fresh page to the Compare tab of snapshot `to`; returns the first-paint delay in ms. */
async function firstPaint(
  page: Page,
  consoleUnderTest: ConsoleUnderTest,
  to: string,
): Promise<{ firstPaintMs: number; allRowsMs: number }> {
  await page.goto(consoleUnderTest.pageUrl);
  await page.click('[data-testid=nav-repositories]', { timeout: 60_000 });
  await page.click(`[data-testid=repo-row][data-repo-id="${REPO_ID}"]`);
  await page.click('[data-testid=repo-open]');
  await page.click('[data-testid=repo-tab-snapshots]');
  await page.click(`[data-testid=snapshot-row][data-snapshot-id="${to}"]`, { timeout: 60_000 });
  await page.click('[data-testid=snapshot-open]');
  await page.waitForSelector('[data-testid=tree-node]', { timeout: 60_000 });
  await consoleUnderTest.probeReset();
  // As a string: this file is type-checked for Node, the code runs in the page.
  await page.evaluate(`(() => {
    window.__diffPaintedAt = null;
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[data-testid=diff-change]')) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => (window.__diffPaintedAt = Date.now()), 0));
    });
    observer.observe(document.body, { childList: true, subtree: true });
  })()`);
  const clicked = Date.now();
  await page.click('[data-testid=tab-compare]');
  // Polled by evaluating an expression (CDP), since the page's CSP forbids waitForFunction's eval.
  const deadline = Date.now() + 120_000;
  while (typeof (await page.evaluate('window.__diffPaintedAt')) !== 'number') {
    if (Date.now() > deadline) throw new Error('diff-100k: no diff row was painted within 2 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const painted = (await page.evaluate('window.__diffPaintedAt')) as number;
  // What the first rows look like while the rest still streams in (for a human to look at).
  await mkdir('artifacts/screenshots', { recursive: true });
  await page.screenshot({ path: 'artifacts/screenshots/bench-diff-100k-streaming.png' });
  let probe = await consoleUnderTest.probe();
  while (probe.firstDiffDataAt === null) probe = await consoleUnderTest.probe();
  await page.waitForSelector('[data-testid=diff-view][data-complete=true]', { timeout: 180_000 });
  const complete = Date.now();
  const stat = await page.locator('[data-testid=diff-stat-changes]').textContent();
  if (stat?.replace(/\D/g, '') !== String(CHANGES))
    throw new Error(`diff-100k: the UI counted ${stat} changes, expected ${CHANGES}`);
  return { firstPaintMs: painted - probe.firstDiffDataAt, allRowsMs: complete - clicked };
}

export const diffRows: RowFamily = {
  ids: ['diff-100k', 'diff-100k-first-paint'],
  needsBuild: true,
  explanation: `
- **diff-100k** — \`snapshots.diff\` over the serve-mode HTTP API (restic
  run by the core, all 100 000 change lines parsed, validated against the
  contract, serialised, sent, parsed by the client) against \`restic diff
  --json\` run directly, on two snapshots of 1 000 folders × 100 files
  where every file's content changed (100 000 \`M\` lines). On a
  loaded machine the wall-clock ratio swings (1.05 to 1.49 on this one
  at a load average of 18 to 21): the note gives CPU per diff (console
  process, its restic, restic alone), which that load does not change.
- **diff-100k-first-paint** — the same diff in headless Chromium driving the
  real UI (the snapshot's Compare tab, which streams the diff with
  \`snapshots.diffStream\`): milliseconds from the moment restic's first
  change output reached the console process (measured inside it by
  bench/probe.cjs) to the first frame produced after the first change row
  entered the page, against the 1 s budget (the ratio is time / 1 s).
  Median of 3 fresh page loads; the note gives the time until all rows were in.
`,
  async run(wanted, { restic }) {
    process.stderr.write('preparing 100 000 changed files (cached after the first run)…\n');
    const data = await diffRepo(restic.path);
    const [from, to] = data.snapshots as [string, string];
    const consoleUnderTest = await ConsoleUnderTest.start(
      restic.path,
      [{ id: REPO_ID, location: data.repo, password: data.password }],
      { probe: true },
    );
    const rows: Row[] = [];
    try {
      if (wanted.has('diff-100k')) {
        const env = {
          ...process.env,
          RESTIC_REPOSITORY: data.repo,
          RESTIC_PASSWORD: data.password,
          RESTIC_CACHE_DIR: consoleUnderTest.resticCacheDir,
        };
        const viaConsole = async () => {
          const got = (await consoleUnderTest.call('snapshots.diff', {
            repoId: REPO_ID,
            from,
            to,
            limit: CHANGES,
          })) as { changes: unknown[]; truncated: boolean };
          if (got.changes.length !== CHANGES || got.truncated)
            throw new Error(`diff-100k: console returned ${got.changes.length} changes`);
        };
        const runs = Number(process.env.RFC_BENCH_RUNS) || 5;
        // CPU per diff, which the machine's other load does not change: compare() runs each side runs + 1 times.
        const before = { console: (await consoleUnderTest.probe()).cpu, bench: childrenCpuMs() };
        const result = await compare(
          viaConsole,
          () => mustRun([restic.path, 'diff', '--json', from, to], env),
          runs,
        );
        const after = { console: (await consoleUnderTest.probe()).cpu, bench: childrenCpuMs() };
        const per = (a: number, b: number) => ms((b - a) / (runs + 1));
        const cpuNote = `CPU per diff: console process ${per(before.console.selfMs, after.console.selfMs)} plus its restic ${per(before.console.childrenMs ?? NaN, after.console.childrenMs ?? NaN)}; restic alone ${per(before.bench, after.bench)}`;
        rows.push({
          id: 'diff-100k',
          console: ms(result.console),
          baseline: ms(result.baseline),
          ratio: result.console / result.baseline,
          target: '≤ 1.1',
          limit: 1.1,
          note: `${cpuNote}; load average during the run ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
        });
      }
      if (wanted.has('diff-100k-first-paint')) {
        const browser = await chromium.launch({
          executablePath: chromiumPath(),
          args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
        });
        try {
          const context = await browser.newContext({
            viewport: { width: 1440, height: 900 },
            locale: 'en-US',
          });
          const page = await context.newPage();
          const samples = [];
          for (let i = 0; i < 3; i++) samples.push(await firstPaint(page, consoleUnderTest, to));
          const paint = median(samples.map((s) => s.firstPaintMs));
          rows.push({
            id: 'diff-100k-first-paint',
            console: ms(paint),
            baseline: '1 s budget',
            ratio: paint / 1000,
            target: '≤ 1 (1 s)',
            limit: 1,
            note: `first rows painted ${samples.map((s) => ms(s.firstPaintMs)).join(', ')} after restic's first output; all 100 000 rows in the view ${ms(median(samples.map((s) => s.allRowsMs)))} after the click (median)`,
          });
        } finally {
          await browser.close();
        }
      }
    } finally {
      await consoleUnderTest.stop();
    }
    return rows;
  },
};

/**
 * ls-1m-rss and ls-1m-eventloop-p99: browsing a snapshot of 1 000 000
 * files (1 000 folders × 1 000 empty files) the way the UI does it, over
 * the serve-mode HTTP API: one `snapshots.ls` per opened folder, from "/"
 * down to the backed-up folder, then 20 of its 1 000 folders one after
 * another, then five quick clicks where each new folder aborts the call
 * for the previous one (as React Query's signal does). Measured inside
 * the console by bench/probe.cjs: peak resident memory (VmHWM, since the
 * process started) and the event-loop delay's 99th percentile during the
 * browsing. Both against their budgets (300 MB, 50 ms).
 */
import os from 'node:os';
import path from 'node:path';
import { millionFileRepo } from './datasets';
import { ms, type Row, type RowFamily } from './lib';
import { ConsoleUnderTest } from './serve';

const REPO_ID = 'bench-ls-1m';
const RSS_BUDGET_MB = 300;
const LOOP_BUDGET_MS = 50;

/** "/a/b/c" → ["/", "/a", "/a/b", "/a/b/c"]: the folders a user opens to get there. */
function ancestry(dir: string): string[] {
  const parts = dir.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

export const lsRows: RowFamily = {
  ids: ['ls-1m-rss', 'ls-1m-eventloop-p99'],
  needsBuild: true,
  explanation: `
- **ls-1m-rss / ls-1m-eventloop-p99** — browsing a snapshot of 1 000 000
  files (1 000 folders × 1 000 empty files) as the UI does, over the
  serve-mode HTTP API: \`snapshots.ls\` for each folder from "/" down to the
  backed-up one, then 20 of its 1 000-file folders in turn, then five quick
  clicks (each aborts the previous call, as the UI's query signal does).
  Measured inside the console process (bench/probe.cjs, loaded with
  NODE_OPTIONS only in the bench): its peak resident memory (VmHWM) against
  the 300 MB budget, and the 99th percentile of its event-loop delay
  (perf_hooks.monitorEventLoopDelay) during the browsing against 50 ms;
  the ratio is value / budget.
`,
  async run(wanted, { restic }) {
    process.stderr.write('preparing a 1 000 000-file snapshot (cached after the first run)…\n');
    const data = await millionFileRepo(restic.path);
    const snapshot = data.snapshots[0]!;
    const source = path.join(path.dirname(data.repo), 'source');
    const consoleUnderTest = await ConsoleUnderTest.start(
      restic.path,
      [{ id: REPO_ID, location: data.repo, password: data.password }],
      { probe: true },
    );
    try {
      const ls = async (dir: string, signal?: AbortSignal) =>
        (await consoleUnderTest.call(
          'snapshots.ls',
          { repoId: REPO_ID, snapshotId: snapshot, path: dir },
          signal,
        )) as {
          nodes: unknown[];
        };
      // Control: the idle console's event-loop delay on this machine right now (others' load included).
      await consoleUnderTest.probeReset();
      await new Promise((r) => setTimeout(r, 10_000));
      const idle = (await consoleUnderTest.probe()).eventLoop;
      await consoleUnderTest.probeReset();
      const started = performance.now();
      let calls = 0;
      for (const dir of ancestry(source)) {
        await ls(dir);
        calls += 1;
      }
      let files = 0;
      for (let i = 0; i < 20; i++) {
        const listed = await ls(`${source}/d${String(i * 50).padStart(4, '0')}`);
        if (listed.nodes.length !== 1000)
          throw new Error(`ls-1m: a folder listed ${listed.nodes.length} files`);
        files += listed.nodes.length;
        calls += 1;
      }
      // Five quick clicks: each new folder supersedes (aborts) the one before.
      let previous: AbortController | undefined;
      const pending: Array<Promise<unknown>> = [];
      for (let i = 0; i < 5; i++) {
        previous?.abort();
        const controller = new AbortController();
        previous = controller;
        pending.push(
          ls(`${source}/d${String(900 + i).padStart(4, '0')}`, controller.signal).catch(() => undefined),
        );
        calls += 1;
        await new Promise((r) => setTimeout(r, 150));
      }
      await Promise.all(pending);
      const elapsed = performance.now() - started;
      const probe = await consoleUnderTest.probe();
      const peak = probe.peakRssMiB ?? (await consoleUnderTest.peakRssMiB()) ?? NaN;
      const browsing = `${calls} listings (${files} files in the 20 folders) in ${ms(elapsed)}`;
      const rows: Row[] = [];
      if (wanted.has('ls-1m-rss'))
        rows.push({
          id: 'ls-1m-rss',
          console: `${peak.toFixed(0)} MiB`,
          baseline: `${RSS_BUDGET_MB} MB budget`,
          ratio: (peak * 1.048576) / RSS_BUDGET_MB,
          target: '≤ 1 (300 MB)',
          limit: 1,
          note: `peak RSS of the console process over its whole run; ${browsing}`,
        });
      if (wanted.has('ls-1m-eventloop-p99'))
        rows.push({
          id: 'ls-1m-eventloop-p99',
          console: ms(probe.eventLoop.p99),
          baseline: `${LOOP_BUDGET_MS} ms budget`,
          ratio: probe.eventLoop.p99 / LOOP_BUDGET_MS,
          target: '≤ 1 (50 ms)',
          limit: 1,
          note: `event-loop delay during the browsing: p99 ${probe.eventLoop.p99.toFixed(1)} ms, max ${probe.eventLoop.max.toFixed(1)} ms, mean ${probe.eventLoop.mean.toFixed(1)} ms (${probe.eventLoop.samples} samples every 10 ms, each including that 10 ms); the idle console just before: p99 ${idle.p99.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms; ${browsing}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
        });
      return rows;
    } finally {
      await consoleUnderTest.stop();
    }
  },
};

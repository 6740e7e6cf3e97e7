/**
 * One restore drill, the body of its job:
 *
 * 1. the latest snapshot of the repository (optionally only the ones a
 *    given host made);
 * 2. a sample of its regular files from `restic ls --json`, streamed
 *    (sample.ts: spread over folders, non-empty preferred, the same for
 *    the same drill id);
 * 3. a fresh folder `<scratch>/rfc-drill-<id>` on the drill host and
 *    `restic restore --include=<each sampled file>` into it, restic
 *    running on that host;
 * 4. sha256 of every restored file, computed on the host;
 * 5. sha256 of each sampled file's content as the repository holds it:
 *    `restic dump` streamed through the console and hashed here — from
 *    restic's data, never from the restored copy;
 * 6. pass when every sampled file came back with the snapshot's content;
 *    otherwise fail with each mismatch and missing file in words;
 * 7. the scratch folder removed, whatever happened (cancel included).
 */
import { setMaxListeners } from 'node:events';
import { ConsoleError, type Snapshot } from '../../../shared';
import type { ProcessRunner } from '../exec/process';
import type { JobContext } from '../jobs/job-manager';
import type { DrillMismatch } from './drill-store';
import { DrillRestic, hashTree, includeBatches, makeScratch, removeScratch } from './remote';
import { SampleSelector, type SampleCandidate } from './sample';

export interface DrillPlan {
  drillId: string;
  restic: DrillRestic;
  runner: ProcessRunner;
  hostName: string;
  scratchPath: string;
  sampleFiles: number;
  snapshotHost?: string;
}

export interface DrillHooks {
  /** Tests only: runs between the restore and the hashing (e.g. to damage a restored file). */
  afterRestore?: (info: { runner: ProcessRunner; dir: string; files: readonly string[] }) => Promise<void>;
  /** `restic dump`s in flight at once (default 2). */
  dumpConcurrency?: number;
  /** How long removing the scratch folder may take after a cancel (default 60 s). */
  cleanupTimeoutMs?: number;
}

export interface DrillReport {
  status: 'passed' | 'failed';
  filesChecked: number;
  bytesChecked: number;
  mismatches: DrillMismatch[];
  reason?: string;
  commands: string[];
  /** Set when the scratch folder could not be removed. */
  cleanupProblem?: string;
}

export interface DrillSteps {
  /** The snapshot chosen and how many regular files it has. */
  onSnapshot(s: {
    snapshotId: string;
    snapshotTime: string;
    filesInSnapshot?: number;
    commands: string[];
  }): void;
}

export const scratchFolderName = (drillId: string): string => `rfc-drill-${drillId}`;

function joinPath(parent: string, name: string): string {
  return parent.endsWith('/') ? `${parent}${name}` : `${parent}/${name}`;
}

function shortHash(hex: string): string {
  return `${hex.slice(0, 12)}…`;
}

function latest(snapshots: Snapshot[]): Snapshot | undefined {
  let best: Snapshot | undefined;
  for (const s of snapshots) if (!best || Date.parse(s.time) > Date.parse(best.time)) best = s;
  return best;
}

/** Runs `work` over items with at most `limit` at once, in order of start. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** A signal for the cleanup: not the job's (it may be cancelled already), but bounded in time. */
function cleanupSignal(ms: number): { signal: AbortSignal; done(): void } {
  const c = new AbortController();
  const t = setTimeout(() => c.abort(), ms);
  t.unref?.();
  return { signal: c.signal, done: () => clearTimeout(t) };
}

export async function runDrill(
  plan: DrillPlan,
  job: Pick<JobContext, 'signal' | 'log' | 'progress' | 'count' | 'setCommand'>,
  steps: DrillSteps,
  hooks: DrillHooks = {},
): Promise<DrillReport> {
  const { signal } = job;
  setMaxListeners(0, signal);
  const commands: string[] = [];
  const { restic, runner } = plan;

  // 1. the snapshot
  job.progress({ percent: 0, message: 'finding the latest snapshot' });
  const snapshots = await restic.restic.snapshots({
    signal,
    ...(plan.snapshotHost !== undefined ? { host: plan.snapshotHost } : {}),
  });
  const snap = latest(snapshots);
  if (!snap) {
    return {
      status: 'failed',
      filesChecked: 0,
      bytesChecked: 0,
      mismatches: [],
      reason:
        plan.snapshotHost !== undefined
          ? `the repository has no snapshot made by host ${plan.snapshotHost}`
          : 'the repository has no snapshot',
      commands,
    };
  }
  job.log(
    `Snapshot ${snap.shortId ?? snap.id.slice(0, 8)} of ${snap.time} (${snap.hostname}: ${snap.paths.join(', ')}).`,
  );

  // 2. the sample
  job.progress({ percent: 5, message: 'listing the snapshot' });
  const selector = new SampleSelector(plan.drillId, plan.sampleFiles);
  commands.push(restic.commandLine(['ls', '--json', '--', snap.id]));
  await restic.listFiles(snap.id, (f) => selector.offer(f), signal);
  const sample = selector.result();
  steps.onSnapshot({
    snapshotId: snap.id,
    snapshotTime: snap.time,
    filesInSnapshot: selector.seen,
    commands,
  });
  job.log(
    `${selector.seen} regular files in the snapshot; sample of ${sample.length}${selector.unprintable ? ` (${selector.unprintable} files skipped: restic cannot print their names as UTF-8)` : ''}.`,
  );
  if (sample.length === 0) {
    return {
      status: 'failed',
      filesChecked: 0,
      bytesChecked: 0,
      mismatches: [],
      reason: `snapshot ${snap.id.slice(0, 8)} has no regular file to restore`,
      commands,
    };
  }
  job.progress({
    filesTotal: sample.length,
    filesDone: 0,
    bytesTotal: sample.reduce((a, f) => a + f.size, 0),
  });

  // 3. the scratch folder and the restore
  const dir = joinPath(plan.scratchPath, scratchFolderName(plan.drillId));
  job.progress({ percent: 15, message: `restoring ${sample.length} files into ${dir} on ${plan.hostName}` });
  await makeScratch(runner, plan.scratchPath, dir, signal, plan.hostName);
  job.log(`Scratch folder ${dir} on ${plan.hostName}.`);
  let report: DrillReport | undefined;
  let thrown: unknown;
  try {
    report = await restoreAndCompare(plan, job, snap, sample, dir, commands, hooks);
  } catch (error) {
    thrown = error;
  } finally {
    const c = cleanupSignal(hooks.cleanupTimeoutMs ?? 60_000);
    let problem: string | undefined;
    try {
      problem = await removeScratch(runner, dir, c.signal);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    } finally {
      c.done();
    }
    if (problem) {
      job.log(`The scratch folder ${dir} could not be removed: ${problem}`, 'stderr');
      if (report) {
        report = {
          ...report,
          status: 'failed',
          cleanupProblem: problem,
          reason: `${report.reason ? `${report.reason}; ` : ''}the scratch folder ${dir} could not be removed: ${problem}`,
        };
      }
    } else job.log(`Scratch folder ${dir} removed.`);
  }
  if (thrown !== undefined) throw thrown;
  return report as DrillReport;
}

async function restoreAndCompare(
  plan: DrillPlan,
  job: Pick<JobContext, 'signal' | 'log' | 'progress' | 'count' | 'setCommand'>,
  snap: Snapshot,
  sample: SampleCandidate[],
  dir: string,
  commands: string[],
  hooks: DrillHooks,
): Promise<DrillReport> {
  const { signal } = job;
  const { restic, runner } = plan;
  const restoreErrors = new Map<string, string>();
  const failures: string[] = [];
  for (const includes of includeBatches(sample.map((f) => f.path))) {
    const r = await restic.restore(snap.id, dir, includes, signal);
    commands.push(r.command);
    job.setCommand(r.command);
    for (const [p, m] of r.fileErrors) restoreErrors.set(p, m);
    if (r.failure) failures.push(r.failure);
  }
  for (const f of failures) job.log(`restic restore: ${f}`, 'stderr');
  for (const [p, m] of restoreErrors) job.log(`restic could not restore ${p}: ${m}`, 'stderr');

  if (hooks.afterRestore) await hooks.afterRestore({ runner, dir, files: sample.map((f) => f.path) });

  // 4. what the host has
  job.progress({ percent: 45, message: `hashing the restored files on ${plan.hostName}` });
  const restored = await hashTree(runner, dir, signal, plan.hostName);

  // 5. what the snapshot has, file by file
  job.progress({ percent: 55, message: 'reading the same files from the repository' });
  const mismatches: DrillMismatch[] = [];
  let filesChecked = 0;
  let bytesChecked = 0;
  let done = 0;
  commands.push(
    `${restic.commandLine(['dump', '--', snap.id, sample[0]!.path])}  # and each other sampled file, hashed with sha256`,
  );
  const results = new Map<string, { sha256?: string; bytes?: number; error?: string }>();
  await eachLimited(sample, hooks.dumpConcurrency ?? 2, async (file) => {
    try {
      const d = await restic.dumpHash(snap.id, file.path, signal);
      results.set(file.path, d);
    } catch (error) {
      if (signal.aborted || (error instanceof ConsoleError && error.code === 'CANCELLED')) throw error;
      results.set(file.path, {
        error: error instanceof Error ? error.message.split('\n')[0] : String(error),
      });
    }
    done += 1;
    job.progress({ percent: 55 + (45 * done) / sample.length, filesDone: done });
  });

  // 6. the verdict, file by file
  for (const file of sample) {
    const want = results.get(file.path);
    const got = restored.get(file.path);
    const restoreError = restoreErrors.get(file.path);
    filesChecked += 1;
    if (!want || want.error !== undefined || want.sha256 === undefined) {
      mismatches.push({
        path: file.path,
        reason: `the repository's copy could not be read: ${want?.error ?? 'no answer'}`,
      });
      continue;
    }
    if (!restored.has(file.path)) {
      mismatches.push({
        path: file.path,
        reason: restoreError ? `not restored: ${restoreError}` : 'missing after the restore',
      });
      continue;
    }
    if (got === undefined) {
      mismatches.push({ path: file.path, reason: `the restored copy could not be read on ${plan.hostName}` });
      continue;
    }
    if (got !== want.sha256) {
      mismatches.push({
        path: file.path,
        reason: `content differs from the snapshot (sha256 restored ${shortHash(got)}, snapshot ${shortHash(want.sha256)})`,
      });
      continue;
    }
    bytesChecked += want.bytes ?? 0;
    job.count('matched');
  }
  for (const m of mismatches) job.log(`mismatch: ${m.path}: ${m.reason}`, 'stderr');

  if (mismatches.length > 0) {
    const first = mismatches[0]!;
    return {
      status: 'failed',
      filesChecked,
      bytesChecked,
      mismatches,
      reason: `${mismatches.length} of ${sample.length} sampled files did not come back as the snapshot has them (first: ${first.path}: ${first.reason})`,
      commands,
    };
  }
  if (failures.length > 0) {
    return {
      status: 'failed',
      filesChecked,
      bytesChecked,
      mismatches,
      reason: `restic restore failed: ${failures[0]}`,
      commands,
    };
  }
  return { status: 'passed', filesChecked, bytesChecked, mismatches, commands };
}

/**
 * Running restores as jobs (kind `restore`): the safety snapshot before an
 * in-place restore, restic restore with live progress, restic dump into an
 * archive on this machine, and the undo of an in-place restore. Each keeps
 * its restore record (SQLite) in step with its job, so the wizard can
 * re-attach after the window closed and the record outlives the console.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  ConsoleError,
  type ErrorBody,
  type RestoreRecord,
  type RestoreStatus,
} from '../../../shared';
import type { CoreContext } from '../context';
import type { ProcessRunner } from '../exec/process';
import { shellJoin } from '../exec/shell-quote';
import type { JobContext, JobOutcome } from '../jobs/job-manager';
import { audited } from '../handlers/audited';
import { classifyExit } from '../restic/exit-codes';
import {
  dumpArgs,
  listSnapshotTree,
  resticEnv,
  runRestore,
  type RestoreItemError,
  type RestoreProgress,
  type RestoreSummary,
} from '../restic/restore';
import type { RestorePlan } from './plan';
import { outermost } from './plan';
import { dumpCommandLine, isExcluded, restoreArgsFor } from './preview';
import type { RestoreRecords } from './record-store';
import { bytesUnder, listTarget, removePaths } from './target-fs';

export const SAFETY_TAG = 'rfc-safety';
export const restoreTag = (id: string): string => `rfc-restore:${id}`;

/** How often 0.14's progress is estimated from the bytes at the target. */
const DU_POLL_MS = 2000;

export function newRestoreId(): string {
  return `rst-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

function toBody(error: unknown): ErrorBody {
  if (error instanceof ConsoleError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** "12.0 MiB/s, about 3 min left" from bytes done over time. */
export function rateAndEta(bytesDone: number, bytesTotal: number | undefined, seconds: number): string {
  if (!(seconds > 0) || bytesDone <= 0) return '';
  const rate = bytesDone / seconds;
  const parts = [`${formatBytes(rate)}/s`];
  if (bytesTotal !== undefined && bytesTotal > bytesDone) parts.push(`about ${formatSeconds((bytesTotal - bytesDone) / rate)} left`);
  return parts.join(', ');
}

export interface StartedRestore {
  restoreId: string;
  jobId: string;
  commands: string[];
}

export class RestoreJobs {
  constructor(
    private readonly ctx: CoreContext,
    private readonly records: RestoreRecords,
  ) {}

  private setStatus(id: string, status: RestoreStatus, extra: Partial<RestoreRecord> = {}): void {
    // Clients follow the job's events; the record is read with restore.get when they change.
    this.records.update(id, (r) => ({ ...r, ...extra, status }));
  }

  private finish(id: string, status: RestoreStatus, extra: Partial<RestoreRecord> = {}): void {
    this.setStatus(id, status, { ...extra, finishedAt: new Date().toISOString() });
  }

  /** The record a plan starts with. */
  private baseRecord(id: string, plan: RestorePlan, commands: string[], extra: Partial<RestoreRecord> = {}): RestoreRecord {
    return {
      id,
      jobId: '',
      status: 'queued',
      repoId: plan.repo.id,
      repoName: plan.repo.name,
      snapshotId: plan.snapshot.id,
      paths: plan.selection,
      excludedCount: plan.excluded.length,
      target: plan.request.target,
      targetHost: plan.hostName,
      options: plan.request.options,
      targetPaths: plan.targetRoots.slice(0, 1000),
      createdAt: new Date().toISOString(),
      errors: [],
      commands,
      ...extra,
    };
  }

  /**
   * Submits the job and writes the record. `work` does the restic part;
   * the record's final status follows the job's outcome.
   */
  private submit(
    record: RestoreRecord,
    hostId: string,
    title: string,
    action: string,
    work: (job: JobContext) => Promise<JobOutcome | void>,
  ): StartedRestore {
    const id = record.id;
    let jobId = '';
    // The record exists before the job can run (a free slot runs it at once).
    this.records.insert(record, hostId);
    const job = this.ctx.jobs.submit({
      kind: 'restore',
      target: `repo:${record.repoId}`,
      title,
      command: record.commands.join(' && '),
      run: async (jobCtx) => {
        try {
          return await audited(this.ctx, action, `repo:${record.repoId}`, () => work(jobCtx), {
            restoreId: id,
            jobId: jobCtx.id,
            snapshotId: record.snapshotId,
            target: record.target,
            targetHost: record.targetHost,
            paths: record.paths.slice(0, 50),
            ...(record.undoOf ? { undoOf: record.undoOf } : {}),
          });
        } catch (error) {
          const body = toBody(error);
          const cancelled = body.code === 'CANCELLED';
          this.finish(id, cancelled ? 'cancelled' : 'failed', { error: body });
          throw error;
        } finally {
          this.ctx.events.emit('invalidate', { scope: 'audit' });
          this.ctx.events.emit('invalidate', { scope: 'snapshots', repoId: record.repoId });
        }
      },
    });
    jobId = job.id;
    this.records.update(id, (r) => ({ ...r, jobId }));
    // A job cancelled while queued never runs: its record must still end.
    void this.ctx.jobs.wait(jobId).then((j) => {
      const r = this.records.get(id);
      if (r.status === 'queued')
        this.finish(id, j.status === 'cancelled' ? 'cancelled' : 'failed', {
          error: j.error ? { code: j.error.code, message: j.error.message } : { code: 'CANCELLED', message: 'Cancelled.' },
        });
    });
    return { restoreId: id, jobId, commands: record.commands };
  }

  // ------------------------------------------------------------------ restore into a folder / in place

  startRestore(plan: RestorePlan, safety: { existing: string[]; affected: string[] }, undoOf?: RestoreRecord): StartedRestore {
    const id = newRestoreId();
    const original = plan.request.target.kind === 'original';
    const args = restoreArgsFor(plan);
    const safetyArgs = ['backup', '--json', '--quiet', `--tag=${SAFETY_TAG}`, `--tag=${restoreTag(id)}`, '--', ...safety.existing];
    const commands = [
      ...(original && safety.existing.length && !undoOf ? [plan.restic.commandLine(safetyArgs)] : []),
      plan.restic.commandLine(args),
    ];
    const removeAfterUndo: string[] = [];
    const record = this.baseRecord(id, plan, commands, {
      ...(undoOf ? { undoOf: undoOf.id } : {}),
    });
    const title = undoOf
      ? `Undo restore ${undoOf.id} on ${plan.hostName}`
      : `Restore ${plan.snapshot.shortId} of ${plan.repo.name} to ${original ? `its place on ${plan.hostName}` : `${plan.restoreRoot} on ${plan.hostName}`}`;
    return this.submit(record, plan.hostId, title, undoOf ? 'restore.undo' : 'restore.start', async (job) => {
      if (original && !undoOf) {
        this.setStatus(id, 'safety-snapshot');
        if (safety.existing.length) {
          job.progress({ message: `safety snapshot of ${safety.existing.length} path(s)` });
          let snapshotId: string | undefined;
          try {
            const summary = await plan.restic.backup(safety.existing, {
              tags: [SAFETY_TAG, restoreTag(id)],
              signal: job.signal,
            });
            snapshotId = summary.snapshotId;
          } catch (error) {
            const body = toBody(error);
            if (body.code === 'CANCELLED') throw error;
            throw new ConsoleError(
              'SAFETY_SNAPSHOT_FAILED',
              `The safety snapshot failed, so the restore did not start: ${body.message}`,
              { cause: body },
            );
          }
          if (!snapshotId) throw new ConsoleError('SAFETY_SNAPSHOT_FAILED', 'The safety snapshot reported no snapshot id; the restore did not start.');
          // 0.14 prints 8 hex digits: resolve the full id so the record names it exactly.
          const [full] = await plan.restic.resolveSnapshots([snapshotId], { signal: job.signal });
          snapshotId = full?.id ?? snapshotId;
          job.log(`safety snapshot ${snapshotId.slice(0, 8)} of ${safety.existing.length} path(s) (tags ${SAFETY_TAG}, ${restoreTag(id)})`, 'info');
          this.setStatus(id, 'safety-snapshot', { safetySnapshotId: snapshotId });
        } else {
          job.log('nothing of the selection exists on the target: no safety snapshot needed', 'info');
        }
      }
      // Only now, with the safety snapshot made (or nothing there to keep), is there something an undo may put back:
      // a restore that stopped before this point changed nothing, and an undo of it must not remove anything.
      this.setStatus(id, 'restoring', original ? { affectedPaths: safety.affected } : {});
      const outcome = await this.runRestoreWithProgress(plan, args, job, () => this.setStatus(id, 'verifying'));
      if (undoOf) {
        // Take away what the restore created that the safety snapshot did not have.
        job.progress({ message: 'removing what the restore created' });
        const extra = await this.pathsToRemove(plan, undoOf, job.signal);
        removeAfterUndo.push(...extra);
        if (extra.length) {
          job.log(`removing ${extra.length} path(s) the restore created`, 'info');
          const left = await removePaths(plan.restic.target.runner, extra, job.signal);
          for (const p of left) outcome.errors.push({ path: p, message: 'could not be removed' });
          this.records.update(id, (r) => ({
            ...r,
            commands: [...r.commands, shellJoin(['rm', '-rf', '--', ...extra.slice(0, 100)])],
          }));
        }
        this.records.update(undoOf.id, (r) => ({ ...r, undoneBy: id }));
      }
      const partial = outcome.errors.length > 0;
      if (outcome.summary) {
        job.count('filesRestored', outcome.summary.filesRestored);
        if (outcome.summary.filesSkipped) job.count('filesSkipped', outcome.summary.filesSkipped);
        if (outcome.summary.filesDeleted) job.count('filesDeleted', outcome.summary.filesDeleted);
      }
      if (partial) job.count('fileErrors', outcome.errors.length);
      this.finish(id, partial ? 'partial' : 'succeeded', { summary: outcome.summary, errors: outcome.errors });
      job.progress({ percent: 100, message: partial ? `${outcome.errors.length} file(s) could not be restored` : 'done' });
      if (partial) {
        return {
          status: 'partial',
          error: {
            // Errors that came while reading back the written files: what is on the target differs from the snapshot.
            code: outcome.verifyErrors > 0 ? 'VERIFY_FAILED' : 'RESTIC_PARTIAL',
            message: `${outcome.errors.length} file(s) could not be restored (first: ${outcome.errors[0]?.path}: ${outcome.errors[0]?.message})`,
          },
        };
      }
      return undefined;
    });
  }

  /**
   * Target paths to remove after an undo: every affected path the safety
   * snapshot did not have at all, and inside the ones it had, entries that
   * are on the target now but not in the safety snapshot (outermost only).
   */
  private async pathsToRemove(plan: RestorePlan, undoOf: RestoreRecord, signal: AbortSignal): Promise<string[]> {
    const affected = undoOf.affectedPaths ?? [];
    if (affected.length === 0) return [];
    const kept = new Set(plan.snapshot.paths);
    const remove: string[] = affected.filter((p) => !kept.has(p));
    const within = affected.filter((p) => kept.has(p));
    if (within.length) {
      const inSnapshot = new Set<string>();
      await listSnapshotTree(plan.restic, plan.snapshot.id, within, (e) => inSnapshot.add(e.path), {
        signal,
        version: plan.version,
      });
      const now = await listTarget(plan.restic.target.runner, within, signal);
      for (const p of now.keys()) if (!inSnapshot.has(p)) remove.push(p);
    }
    return outermost(remove);
  }

  private async runRestoreWithProgress(
    plan: RestorePlan,
    args: string[],
    job: JobContext,
    onVerifying: () => void,
  ): Promise<{ summary: RestoreRecord['summary']; errors: { path: string; message: string }[]; verifyErrors: number }> {
    const started = Date.now();
    const errors: RestoreItemError[] = [];
    let summary: RestoreSummary | undefined;
    let lastProgress: RestoreProgress | undefined;
    let estimate: { stop: () => Promise<void> } | undefined;
    let listed: { files: number; bytes: number } | undefined;

    let errorEvents = 0;
    let verifyingSince: number | undefined;
    const verifying = (): void => {
      if (verifyingSince !== undefined) return;
      verifyingSince = errorEvents;
      onVerifying();
      job.progress({ message: 'verifying the restored files' });
    };

    if (!plan.features.jsonProgress.supported) {
      // No progress from restic: the selection's size from the snapshot, the bytes at the target over time.
      listed = { files: 0, bytes: 0 };
      const counts = listed;
      await listSnapshotTree(
        plan.restic,
        plan.snapshot.id,
        plan.selection,
        (e) => {
          if (e.type !== 'dir' && !isExcluded(e.path, plan.excluded)) {
            counts.files += 1;
            counts.bytes += e.size;
          }
        },
        { signal: job.signal, version: plan.version },
      );
      estimate = this.estimateFromTarget(plan, counts, job, started);
    }

    try {
      const result = await runRestore(plan.restic, args, plan.version, {
        signal: job.signal,
        onEvent: (e) => {
          if (e.kind === 'status') {
            lastProgress = e.progress;
            const p = e.progress;
            const done = (p.bytesRestored ?? 0) + (p.bytesSkipped ?? 0);
            job.progress({
              ...(p.percent !== undefined ? { percent: p.percent } : {}),
              filesDone: (p.filesRestored ?? 0) + (p.filesSkipped ?? 0),
              ...(p.totalFiles !== undefined ? { filesTotal: p.totalFiles } : {}),
              bytesDone: done,
              ...(p.totalBytes !== undefined ? { bytesTotal: p.totalBytes } : {}),
              message: rateAndEta(done, p.totalBytes, p.secondsElapsed ?? (Date.now() - started) / 1000) || 'restoring',
            });
          } else if (e.kind === 'error') {
            errorEvents += 1;
            job.log(`${e.error.item}: ${e.error.message}`, 'stderr');
          } else if (e.kind === 'summary') {
            summary = e.summary;
            // JSON restic prints its summary, then reads back what it wrote.
            if (plan.request.options.verify) verifying();
          } else if (e.kind === 'verifying') verifying();
        },
      });
      errors.push(...result.errors);
      if (result.errorCount > errors.length)
        errors.push({ item: '', message: `${result.errorCount - errors.length} more error(s) restic counted without naming the file` });
    } finally {
      await estimate?.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    // One entry per file: restic reports a file twice when both its content and its metadata failed.
    const byPath = new Map<string, string[]>();
    for (const e of errors) byPath.set(e.item, [...(byPath.get(e.item) ?? []), e.message]);
    const fileErrors = [...byPath].map(([p, messages]) => ({ path: p, message: messages.join('; ') }));
    const s = summary ?? (lastProgress ? toSummary(lastProgress) : undefined);
    const out: RestoreRecord['summary'] = s
      ? {
          filesRestored: s.filesRestored,
          filesSkipped: s.filesSkipped,
          filesDeleted: s.filesDeleted,
          bytesRestored: s.bytesRestored,
          totalFiles: s.totalFiles,
          totalBytes: s.totalBytes,
          seconds: s.secondsElapsed ?? seconds,
        }
      : listed
        ? {
            filesRestored: Math.max(0, listed.files - fileErrors.filter((e) => e.path).length),
            filesSkipped: 0,
            filesDeleted: 0,
            bytesRestored: listed.bytes,
            totalFiles: listed.files,
            totalBytes: listed.bytes,
            seconds,
          }
        : undefined;
    return { summary: out, errors: fileErrors, verifyErrors: verifyingSince === undefined ? 0 : errorEvents - verifyingSince };
  }

  /** 0.14: polls du over the target roots; progress is the growth against the selection's size (an estimate, said so). */
  private estimateFromTarget(
    plan: RestorePlan,
    total: { files: number; bytes: number },
    job: JobContext,
    started: number,
  ): { stop: () => Promise<void> } {
    const runner = plan.restic.target.runner;
    let stopped = false;
    let before: number | undefined;
    const tick = async (): Promise<void> => {
      try {
        const now = await bytesUnder(runner, plan.targetRoots, job.signal);
        if (before === undefined) {
          before = now;
          return;
        }
        const done = Math.max(0, Math.min(total.bytes, now - before));
        const pct = total.bytes > 0 ? Math.min(99, (done / total.bytes) * 100) : undefined;
        job.progress({
          ...(pct !== undefined ? { percent: pct } : {}),
          bytesDone: done,
          bytesTotal: total.bytes,
          filesTotal: total.files,
          message: `estimate from the bytes written at the target${(() => {
            const r = rateAndEta(done, total.bytes, (Date.now() - started) / 1000);
            return r ? `: ${r}` : '';
          })()}`,
        });
      } catch {
        // A failed poll only loses one estimate; restic's own exit decides the outcome.
      }
    };
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = tick();
    const loop = (): void => {
      timer = setTimeout(() => {
        if (stopped) return;
        running = tick().finally(loop);
      }, DU_POLL_MS);
    };
    void running.finally(loop);
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await running.catch(() => undefined);
      },
    };
  }

  /**
   * Undo of an in-place restore that found nothing to keep (no safety
   * snapshot): what it created is removed, nothing else is touched.
   */
  startRemovalUndo(undoOf: RestoreRecord, hostId: string, runner: ProcessRunner): StartedRestore {
    const id = newRestoreId();
    const paths = undoOf.affectedPaths ?? [];
    const record: RestoreRecord = {
      ...undoOf,
      id,
      jobId: '',
      status: 'queued',
      createdAt: new Date().toISOString(),
      undoOf: undoOf.id,
      errors: [],
      commands: [shellJoin(['rm', '-rf', '--', ...paths])],
    };
    delete record.finishedAt;
    delete record.summary;
    delete record.error;
    delete record.undoneBy;
    delete record.safetySnapshotId;
    return this.submit(record, hostId, `Undo restore ${undoOf.id} on ${undoOf.targetHost}`, 'restore.undo', async (job) => {
      this.setStatus(id, 'restoring');
      const left = paths.length ? await removePaths(runner, paths, job.signal) : [];
      this.records.update(undoOf.id, (r) => ({ ...r, undoneBy: id }));
      const errors = left.map((p) => ({ path: p, message: 'could not be removed' }));
      this.finish(id, errors.length ? 'partial' : 'succeeded', { errors });
      if (errors.length) return { status: 'partial', error: { code: 'RESTIC_PARTIAL', message: `${errors.length} path(s) could not be removed` } };
      return undefined;
    });
  }

  // ------------------------------------------------------------------ archive on this machine

  startArchive(plan: RestorePlan): StartedRestore {
    const a = plan.archive;
    if (!a) throw new Error('not an archive plan');
    const id = newRestoreId();
    const command = dumpCommandLine(plan);
    const record = this.baseRecord(id, plan, [command], { archivePath: a.file });
    return this.submit(record, plan.hostId, `Archive ${plan.snapshot.shortId} of ${plan.repo.name} as ${a.format}`, 'restore.start', async (job) => {
      this.setStatus(id, 'restoring');
      const started = Date.now();
      let total = { files: 0, bytes: 0 };
      await listSnapshotTree(
        plan.restic,
        plan.snapshot.id,
        a.dumpPath === '/' ? [] : [a.dumpPath],
        (e) => {
          if (e.type !== 'dir') total = { files: total.files + 1, bytes: total.bytes + e.size };
        },
        { signal: job.signal, version: plan.version },
      );
      const args = dumpArgs(plan.snapshot.id, a.dumpPath, a.format, plan.request.options.limitDownloadKiB);
      try {
        const written = await this.dumpToFile(plan, args, a.file, job, total, started);
        job.log(`wrote ${formatBytes(written)} to ${a.file}`, 'info');
      } catch (error) {
        await fs.rm(a.file, { force: true });
        throw error;
      }
      this.finish(id, 'succeeded', {
        summary: {
          filesRestored: total.files,
          filesSkipped: 0,
          filesDeleted: 0,
          bytesRestored: total.bytes,
          totalFiles: total.files,
          totalBytes: total.bytes,
          seconds: (Date.now() - started) / 1000,
        },
      });
      job.progress({ percent: 100, message: 'done' });
    });
  }

  /** restic dump's stdout straight into a new file (never over an existing one). */
  private async dumpToFile(
    plan: RestorePlan,
    args: string[],
    file: string,
    job: JobContext,
    total: { files: number; bytes: number },
    started: number,
  ): Promise<number> {
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    await once(out, 'open');
    const t = plan.restic.target;
    const proc = t.runner.start({
      argv: [t.binary, ...args],
      env: resticEnv(plan.restic),
      secretEnv: { ...t.secretEnv, RESTIC_PASSWORD: t.password },
      signal: job.signal,
    });
    let written = 0;
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-16_384);
    });
    proc.stdout.on('data', (c: Buffer) => {
      written += c.length;
      // An archive is a bit larger than its files (headers): the percentage stops short of 100 until the end.
      job.progress({
        ...(total.bytes > 0 ? { percent: Math.min(99, (written / total.bytes) * 100) } : {}),
        bytesDone: written,
        bytesTotal: total.bytes,
        filesTotal: total.files,
        message: rateAndEta(written, total.bytes, (Date.now() - started) / 1000) || 'writing the archive',
      });
    });
    proc.stdout.pipe(out);
    const exit = await proc.exit;
    await new Promise<void>((resolve, reject) => {
      if (out.writableFinished) resolve();
      else {
        out.once('finish', resolve);
        out.once('error', reject);
      }
    });
    const failure = classifyExit({ code: exit.code, signal: exit.signal, stderr, aborted: job.signal.aborted, version: plan.version });
    if (failure) {
      throw new ConsoleError(failure.code, failure.message, { command: plan.restic.commandLine(args), stderr: stderr.slice(-4096) });
    }
    return written;
  }
}

function toSummary(p: RestoreProgress): RestoreSummary {
  return {
    ...(p.secondsElapsed !== undefined ? { secondsElapsed: p.secondsElapsed } : {}),
    totalFiles: p.totalFiles ?? 0,
    filesRestored: p.filesRestored ?? 0,
    filesSkipped: p.filesSkipped ?? 0,
    filesDeleted: p.filesDeleted ?? 0,
    totalBytes: p.totalBytes ?? 0,
    bytesRestored: p.bytesRestored ?? 0,
    bytesSkipped: p.bytesSkipped ?? 0,
  };
}


/**
 * The job manager: every operation the console runs is a job. Modelled on
 * Kopia's uitask manager (a record per task with status, progress,
 * counters and a bounded log; cancel by id) and Backrest's operation log
 * (records persisted, streamed as created/updated events).
 *
 * - Jobs wait in a priority queue: manual jobs before bulk ones, first
 *   come first served within a priority; at most `concurrency` run at once.
 * - A job's work function gets a JobContext: an AbortSignal (fired by
 *   `cancel(id)` or `close()`), `log`, `progress`, `count`, `setCommand`,
 *   `addSecret`. It returns an outcome or throws; a ConsoleError's code
 *   becomes the job's classified error.
 * - Status changes are written to SQLite at once; progress, counters and
 *   log lines at most every `progressIntervalMs` (and at the end).
 * - Everything a job says passes through its Redactor first.
 * - On construction, jobs a previous (crashed) console left queued or
 *   running are marked failed: "console stopped while the job ran".
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConsoleError, ErrorCodeSchema, type ErrorCode } from '../../../shared';
import type { Clock } from '../store/common';
import type { Db } from '../store/db';
import { parseInput } from '../store/validation';
import { JobStore } from './job-store';
import { cleanLogLine, formatCommand, Redactor, type CommandSpec } from './redact';
import {
  JobKindSchema,
  JobPrioritySchema,
  JobProgressSchema,
  TERMINAL_STATUSES,
  type JobEvent,
  type JobListFilter,
  type JobLogLine,
  type JobLogStream,
  type JobPriority,
  type JobProgress,
  type JobRecord,
  type JobStatus,
} from './types';

export const INTERRUPTED_MESSAGE = 'console stopped while the job ran';

export interface JobContext {
  readonly id: string;
  /** Fires when the job is cancelled or the console stops. Pass it to every runner call. */
  readonly signal: AbortSignal;
  /** Adds log lines (text may hold several, split on newlines). Redacted, cleaned, capped, bounded. */
  log(text: string, stream?: JobLogStream): void;
  /** Merges progress; written and emitted at most every progressIntervalMs. */
  progress(update: JobProgress): void;
  /** Adds `by` (default 1) to a named counter. */
  count(name: string, by?: number): void;
  /** Sets the equivalent command line (secrets masked). */
  setCommand(command: string | CommandSpec): void;
  /** Makes a secret the job learned known to its redactor. */
  addSecret(value: string): void;
}

export interface JobOutcome {
  /** Default 'succeeded'. 'partial' = did its work but skipped something (restic exit 3). */
  status?: 'succeeded' | 'partial';
  exitCode?: number;
  /** Set on a partial outcome to say what was skipped. */
  error?: { code: ErrorCode; message: string };
}

export interface JobSpec {
  kind: string;
  target: string;
  title?: string;
  priority?: JobPriority;
  command?: string | CommandSpec;
  /** Secret values this job's output must never show (in addition to the manager's). */
  secrets?: Iterable<string>;
  run(ctx: JobContext): Promise<JobOutcome | void>;
}

export interface JobManagerOptions {
  db: Db;
  now?: Clock;
  /** Jobs running at once (default 4). */
  concurrency?: number;
  /** Receives created / updated / log events; the composition root bridges it to the EventBus. */
  onEvent?: (event: JobEvent) => void;
  /** Minimum milliseconds between progress/log writes of one job (default 250: at most 4 a second). */
  progressIntervalMs?: number;
  /** Log lines kept per job (default 500). */
  maxLogLines?: number;
  /** Characters kept per log line (default 2000). */
  maxLineLength?: number;
  /** The console-wide redactor (fed by the secret store); each job gets a child of it. */
  redactor?: Redactor;
  /** Finished jobs kept in history (default 10 000); older ones are pruned at startup. */
  historyLimit?: number;
}

const JobSpecSchema = z.object({
  kind: JobKindSchema,
  target: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[^\p{Cc}]*$/u, 'a target cannot contain control characters'),
  title: z.string().max(200).optional(),
  priority: JobPrioritySchema.default('manual'),
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Live {
  record: JobRecord;
  spec: JobSpec;
  controller: AbortController;
  redactor: Redactor;
  pending: { n: number; at: number; stream: JobLogStream; line: string }[];
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  lastFlush: number;
  done: Deferred<JobRecord>;
}

function copy(record: JobRecord): JobRecord {
  return {
    ...record,
    progress: { ...record.progress },
    counters: { ...record.counters },
    error: record.error ? { ...record.error } : null,
  };
}

export class JobManager {
  private readonly store: JobStore;
  private readonly now: Clock;
  private readonly onEvent: (event: JobEvent) => void;
  private readonly interval: number;
  private readonly maxLogLines: number;
  private readonly maxLineLength: number;
  private readonly redactor: Redactor;
  private concurrencyLimit: number;
  private readonly live = new Map<string, Live>();
  private readonly queues: Record<JobPriority, Live[]> = { manual: [], bulk: [] };
  private running = 0;
  private closed = false;
  /** Ids of jobs found unfinished at startup and marked failed. */
  readonly recovered: readonly string[];

  constructor(options: JobManagerOptions) {
    this.store = new JobStore(options.db);
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent ?? (() => undefined);
    this.interval = Math.max(0, options.progressIntervalMs ?? 250);
    this.maxLogLines = Math.max(1, options.maxLogLines ?? 500);
    this.maxLineLength = Math.max(16, options.maxLineLength ?? 2000);
    this.redactor = options.redactor ?? new Redactor();
    this.concurrencyLimit = Math.max(1, options.concurrency ?? 4);
    this.recovered = this.store.failUnfinished(this.now(), 'CANCELLED', INTERRUPTED_MESSAGE);
    this.store.pruneHistory(options.historyLimit ?? 10_000);
  }

  get concurrency(): number {
    return this.concurrencyLimit;
  }

  setConcurrency(n: number): void {
    this.concurrencyLimit = Math.max(1, Math.floor(n));
    this.pump();
  }

  /** Queues a job; returns its record (status "queued", or "running" if a slot was free). */
  submit(spec: JobSpec): JobRecord {
    if (this.closed)
      throw new ConsoleError('CANCELLED', 'The console is stopping; no new jobs are accepted.');
    const checked = parseInput(
      JobSpecSchema,
      { kind: spec.kind, target: spec.target, title: spec.title, priority: spec.priority },
      'Invalid job',
    );
    const redactor = this.redactor.child(spec.secrets ?? []);
    const record: JobRecord = {
      id: `job-${this.now().toString(36)}-${randomBytes(6).toString('hex')}`,
      kind: checked.kind,
      target: redactor.redact(checked.target),
      title: redactor.redact(checked.title ?? `${checked.kind} ${checked.target}`).slice(0, 200),
      status: 'queued',
      priority: checked.priority,
      progress: {},
      counters: {},
      command: spec.command === undefined ? null : this.renderCommand(spec.command, redactor),
      createdAt: new Date(this.now()).toISOString(),
      startedAt: null,
      endedAt: null,
      exitCode: null,
      error: null,
      cancelRequested: false,
      logTotal: 0,
      logDropped: 0,
    };
    this.store.insert(record);
    const live: Live = {
      record,
      spec,
      controller: new AbortController(),
      redactor,
      pending: [],
      dirty: false,
      timer: undefined,
      lastFlush: 0,
      done: deferred(),
    };
    this.live.set(record.id, live);
    this.queues[record.priority].push(live);
    this.emit({ type: 'created', job: copy(record) });
    this.pump();
    return copy(live.record);
  }

  /** Resolves with the job's final record. */
  async wait(id: string): Promise<JobRecord> {
    const live = this.live.get(id);
    if (live) return live.done.promise;
    return this.get(id);
  }

  get(id: string): JobRecord {
    const live = this.live.get(id);
    if (live) return copy(live.record);
    const record = this.store.get(id);
    if (!record) throw new ConsoleError('NOT_FOUND', `No job with id "${id.slice(0, 128)}".`);
    return record;
  }

  /** Newest first; running jobs show their latest in-memory progress. */
  list(filter: JobListFilter = {}): JobRecord[] {
    return this.store.list(filter).map((record) => {
      const live = this.live.get(record.id);
      return live ? copy(live.record) : record;
    });
  }

  /** The job's kept log lines, oldest first (pending lines are written out first). */
  log(id: string, options: { after?: number; limit?: number } = {}): JobLogLine[] {
    const live = this.live.get(id);
    if (live) this.flush(live);
    this.get(id);
    return this.store.log(id, options);
  }

  /**
   * Cancels a job: a queued one ends "cancelled" at once; a running one has
   * its signal fired and ends "cancelled" when its work stops. A finished
   * job is returned unchanged.
   */
  cancel(id: string, reason = 'Cancelled by the user.'): JobRecord {
    const live = this.live.get(id);
    if (!live) return this.get(id);
    if (live.record.status === 'queued') {
      const queue = this.queues[live.record.priority];
      queue.splice(queue.indexOf(live), 1);
      this.finish(live, 'cancelled', { error: { code: 'CANCELLED', message: reason } });
      return copy(live.record);
    }
    if (!live.record.cancelRequested) {
      live.record.cancelRequested = true;
      this.store.save(live.record);
      this.emit({ type: 'updated', job: copy(live.record) });
      live.controller.abort(new ConsoleError('CANCELLED', reason));
    }
    return copy(live.record);
  }

  /**
   * Stops: no new jobs, queued ones cancelled, running ones signalled and
   * awaited up to `graceMs`; any still running then are recorded as failed
   * ("console stopped while the job ran").
   */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    for (const live of [...this.queues.manual, ...this.queues.bulk])
      this.cancel(live.record.id, 'The console stopped before the job started.');
    const running = [...this.live.values()];
    for (const live of running) {
      live.controller.abort(new ConsoleError('CANCELLED', 'The console is stopping.'));
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((l) => l.done.promise)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const live of [...this.live.values()]) {
      this.finish(live, 'failed', { error: { code: 'CANCELLED', message: INTERRUPTED_MESSAGE } });
    }
  }

  private emit(event: JobEvent): void {
    try {
      this.onEvent(event);
    } catch {
      // A broken listener must not break the job.
    }
  }

  private renderCommand(command: string | CommandSpec, redactor: Redactor): string {
    const text = typeof command === 'string' ? redactor.redact(command) : formatCommand(command, redactor);
    return cleanLogLine(text, redactor, 8192);
  }

  private pump(): void {
    while (this.running < this.concurrencyLimit && !this.closed) {
      const next = this.queues.manual.shift() ?? this.queues.bulk.shift();
      if (!next) return;
      this.start(next);
    }
  }

  private start(live: Live): void {
    this.running++;
    live.record.status = 'running';
    live.record.startedAt = new Date(this.now()).toISOString();
    this.store.save(live.record);
    this.emit({ type: 'updated', job: copy(live.record) });
    const ctx = this.context(live);
    // Run on a later tick: a synchronous throw in `run` is a failure like any other.
    void Promise.resolve()
      .then(() => live.spec.run(ctx))
      .then(
        (outcome) => this.settle(live, outcome ?? {}, undefined),
        (error: unknown) => this.settle(live, undefined, error),
      );
  }

  private context(live: Live): JobContext {
    const active = () => !TERMINAL_STATUSES.has(live.record.status);
    return {
      id: live.record.id,
      signal: live.controller.signal,
      log: (text, stream = 'info') => {
        if (!active()) return;
        const lines = String(text).split(/\r?\n|\r/);
        if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
        const at = this.now();
        for (const raw of lines) {
          live.pending.push({
            n: live.record.logTotal++,
            at,
            stream,
            line: cleanLogLine(raw, live.redactor, this.maxLineLength),
          });
        }
        // Lines beyond the ring's size would be trimmed on the next write anyway.
        const excess = live.pending.length - this.maxLogLines;
        if (excess > 0) {
          live.pending.splice(0, excess);
          live.record.logDropped += excess;
        }
        this.touch(live);
      },
      progress: (update) => {
        if (!active()) return;
        const parsed = JobProgressSchema.safeParse(update);
        if (!parsed.success) return; // a bad progress report is dropped, never fatal
        const next = { ...live.record.progress, ...parsed.data };
        if (next.message !== undefined) next.message = cleanLogLine(next.message, live.redactor, 500);
        live.record.progress = next;
        this.touch(live);
      },
      count: (name, by = 1) => {
        if (!active() || !Number.isFinite(by) || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) return;
        live.record.counters[name] = (live.record.counters[name] ?? 0) + by;
        this.touch(live);
      },
      setCommand: (command) => {
        if (!active()) return;
        live.record.command = this.renderCommand(command, live.redactor);
        this.touch(live);
      },
      addSecret: (value) => live.redactor.add(value),
    };
  }

  /** Marks the job dirty and schedules a throttled write. */
  private touch(live: Live): void {
    live.dirty = true;
    if (live.timer) return;
    const wait = Math.max(0, live.lastFlush + this.interval - Date.now());
    live.timer = setTimeout(() => this.flush(live), wait);
    live.timer.unref?.();
  }

  /** Writes pending progress and log lines; `announce` emits the updated record too. */
  private flush(live: Live, announce = true): void {
    if (live.timer) {
      clearTimeout(live.timer);
      live.timer = undefined;
    }
    if (!live.dirty) return;
    live.dirty = false;
    live.lastFlush = Date.now();
    const lines = live.pending.splice(0);
    if (lines.length > 0) {
      const trimmed = this.store.appendLog(live.record.id, lines, this.maxLogLines);
      live.record.logDropped += trimmed;
    }
    this.store.save(live.record);
    if (announce) this.emit({ type: 'updated', job: copy(live.record) });
    if (lines.length > 0) {
      this.emit({
        type: 'log',
        jobId: live.record.id,
        lines: lines.map((l) => ({
          n: l.n,
          at: new Date(l.at).toISOString(),
          stream: l.stream,
          line: l.line,
        })),
      });
    }
  }

  private settle(live: Live, outcome: JobOutcome | undefined, error: unknown): void {
    if (TERMINAL_STATUSES.has(live.record.status)) return; // close() gave up on it already
    const redact = (message: string) => cleanLogLine(message, live.redactor, 2000);
    if (
      error === undefined &&
      outcome !== undefined &&
      (outcome.status !== undefined || !live.controller.signal.aborted)
    ) {
      const status = outcome.status ?? 'succeeded';
      const parsedError =
        outcome.error && ErrorCodeSchema.safeParse(outcome.error.code).success ? outcome.error : undefined;
      this.finish(live, status, {
        exitCode: outcome.exitCode ?? (status === 'succeeded' ? 0 : null),
        error: parsedError ? { code: parsedError.code, message: redact(parsedError.message) } : null,
      });
      return;
    }
    if (live.controller.signal.aborted) {
      const reason = live.controller.signal.reason;
      this.finish(live, 'cancelled', {
        exitCode: exitCodeOf(error),
        error: {
          code: 'CANCELLED',
          message: redact(reason instanceof ConsoleError ? reason.message : 'Cancelled.'),
        },
      });
      return;
    }
    if (error instanceof ConsoleError) {
      const status: JobStatus =
        error.code === 'CANCELLED' ? 'cancelled' : error.code === 'RESTIC_PARTIAL' ? 'partial' : 'failed';
      this.finish(live, status, {
        exitCode: exitCodeOf(error),
        error: { code: error.code, message: redact(error.message) },
      });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.finish(live, 'failed', {
      exitCode: exitCodeOf(error),
      error: { code: 'INTERNAL', message: redact(message) },
    });
  }

  private finish(
    live: Live,
    status: JobStatus,
    result: { exitCode?: number | null; error?: JobRecord['error'] },
  ): void {
    const wasRunning = live.record.status === 'running';
    this.flush(live, false);
    live.record.status = status;
    live.record.endedAt = new Date(this.now()).toISOString();
    live.record.exitCode = result.exitCode ?? null;
    live.record.error = result.error ?? null;
    live.record.cancelRequested = false;
    this.store.save(live.record);
    this.live.delete(live.record.id);
    this.emit({ type: 'updated', job: copy(live.record) });
    live.done.resolve(copy(live.record));
    if (wasRunning) {
      this.running--;
      this.pump();
    }
  }
}

function exitCodeOf(error: unknown): number | null {
  if (error instanceof ConsoleError && typeof error.detail === 'object' && error.detail !== null) {
    const code = (error.detail as { exitCode?: unknown }).exitCode;
    if (typeof code === 'number' && Number.isInteger(code)) return code;
  }
  return null;
}

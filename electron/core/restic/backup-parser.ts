/**
 * Turns `restic backup --json` output into typed events. Pure: feed it the
 * parsed lines of stdout (status, verbose_status, summary) and of stderr
 * (per-file `error` lines, 0.18's `exit_error`), in any interleaving.
 *
 * Modelled on GitHub Desktop's progress parsers: the process layer knows
 * nothing about backups, this class knows nothing about processes.
 */
import type { JsonLineEvent } from './jsonl';
import {
  BackupErrorMessageSchema,
  BackupStatusMessageSchema,
  BackupSummaryMessageSchema,
  ExitErrorMessageSchema,
  messageTypeOf,
  toBackupItemError,
  toBackupProgress,
  toBackupSummary,
  VerboseStatusMessageSchema,
  type BackupItemError,
  type BackupProgress,
  type BackupSummary,
} from './messages';

export type BackupEvent =
  | { type: 'progress'; progress: BackupProgress }
  | { type: 'verbose'; action: string; item?: string; dataSize?: number }
  | { type: 'error'; error: BackupItemError }
  | { type: 'summary'; summary: BackupSummary }
  | { type: 'exit-error'; code: number; message: string }
  /** A JSON line of a type this version of the console does not know: kept, not fatal. */
  | { type: 'unknown'; messageType: string | undefined; value: unknown }
  /** Stray text ("data/x does not exist, skipping", "reading repository password from stdin"). */
  | { type: 'text'; text: string }
  /** A line that should have been JSON and was not (corrupt, cut off, or too long). */
  | {
      type: 'problem';
      problem: Exclude<JsonLineEvent['kind'], 'json' | 'text'>;
      text: string;
      error?: string;
    };

/** How many per-file errors are kept in full; the rest are only counted. */
const DEFAULT_MAX_ERRORS = 200;

export class BackupOutputParser {
  private lastSummary: BackupSummary | undefined;
  private lastProgress: BackupProgress | undefined;
  private readonly keptErrors: BackupItemError[] = [];
  private errors = 0;
  private exitErr: { code: number; message: string } | undefined;
  private readonly maxErrors: number;

  constructor(options: { maxErrors?: number } = {}) {
    this.maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  }

  /** One parsed line in, zero or one event out. */
  feed(event: JsonLineEvent): BackupEvent | undefined {
    switch (event.kind) {
      case 'text':
        return { type: 'text', text: event.text };
      case 'invalid':
      case 'truncated':
        return { type: 'problem', problem: event.kind, text: event.text, error: event.error };
      case 'oversize':
        return { type: 'problem', problem: 'oversize', text: `(${event.length} characters)` };
      case 'json':
        return this.feedJson(event.value);
    }
  }

  private feedJson(value: unknown): BackupEvent {
    let messageType = messageTypeOf(value);
    // 0.14 prints the verbose "scan_finished" line with message_type "status";
    // read as status it would reset the progress bar to 0 %.
    if (messageType === 'status' && typeof (value as Record<string, unknown>).action === 'string') {
      messageType = 'verbose_status';
    }
    switch (messageType) {
      case 'status': {
        const r = BackupStatusMessageSchema.safeParse(value);
        if (!r.success) break;
        this.lastProgress = toBackupProgress(r.data);
        return { type: 'progress', progress: this.lastProgress };
      }
      case 'summary': {
        const r = BackupSummaryMessageSchema.safeParse(value);
        if (!r.success) break;
        this.lastSummary = toBackupSummary(r.data);
        return { type: 'summary', summary: this.lastSummary };
      }
      case 'error': {
        const r = BackupErrorMessageSchema.safeParse(value);
        if (!r.success) break;
        const error = toBackupItemError(r.data);
        this.errors += 1;
        if (this.keptErrors.length < this.maxErrors) this.keptErrors.push(error);
        return { type: 'error', error };
      }
      case 'verbose_status': {
        const r = VerboseStatusMessageSchema.safeParse({
          ...(value as object),
          message_type: 'verbose_status',
        });
        if (!r.success) break;
        return {
          type: 'verbose',
          action: r.data.action,
          ...(r.data.item !== undefined ? { item: r.data.item } : {}),
          ...(r.data.data_size !== undefined ? { dataSize: r.data.data_size } : {}),
        };
      }
      case 'exit_error': {
        const r = ExitErrorMessageSchema.safeParse(value);
        if (!r.success) break;
        this.exitErr = { code: r.data.code, message: r.data.message };
        return { type: 'exit-error', code: r.data.code, message: r.data.message };
      }
      default:
        break;
    }
    // Unknown types (0.18's backup_start…) and known types whose shape changed land here.
    return { type: 'unknown', messageType, value };
  }

  get summary(): BackupSummary | undefined {
    return this.lastSummary;
  }

  get progress(): BackupProgress | undefined {
    return this.lastProgress;
  }

  /** The first per-file errors (bounded), in order. */
  get itemErrors(): readonly BackupItemError[] {
    return this.keptErrors;
  }

  get errorCount(): number {
    return this.errors;
  }

  get exitError(): { code: number; message: string } | undefined {
    return this.exitErr;
  }
}

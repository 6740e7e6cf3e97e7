/**
 * The closed set of error codes a reply envelope may carry, and the error
 * class both sides of the contract throw and catch. Pure: no Node, DOM or
 * Electron imports (enforced by lint).
 */
import { z } from 'zod';

export const ERROR_CODES = [
  // Transport and contract
  'BAD_REQUEST', // input failed the method's schema, or the body was not JSON
  'UNAUTHORIZED', // missing or wrong token (serve mode) / untrusted IPC sender
  'UNKNOWN_METHOD',
  'NOT_FOUND', // an inventory item (repository, host, job) that does not exist
  'INTERNAL', // a bug: an exception nobody classified
  'CANCELLED',
  'TIMEOUT',
  // restic
  'RESTIC_MISSING', // the restic binary is not installed where we looked
  'RESTIC_FAILED', // restic exited with a failure we could not classify further
  'RESTIC_PARTIAL', // exit 3: the command did its work but skipped something
  'RESTIC_OUTPUT_INVALID', // restic printed JSON we could not use
  'REPO_NOT_FOUND',
  'REPO_WRONG_PASSWORD',
  'REPO_LOCKED',
  'SNAPSHOT_NOT_FOUND',
  'SNAPSHOT_AMBIGUOUS',
  // Hosts
  'HOST_UNREACHABLE',
  'HOST_AUTH_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'HOST_NO_SCHEDULER', // neither systemd nor cron on the host: the runner cannot be scheduled
  'HOOK_FAILED', // a plan's pre/post hook exited non-zero
  // Restore
  'UNSUPPORTED', // the host's restic (or the target) cannot do what was asked; the message says which version can
  'TARGET_NOT_WRITABLE', // the restore target is read-only, full, or not a folder
  'SAFETY_SNAPSHOT_FAILED', // the snapshot before an in-place restore failed, so the restore did not start
  'VERIFY_FAILED', // a drill or verify found content that differs from the snapshot
  // MinIO and S3
  'MINIO_UNREACHABLE',
  'MINIO_AUTH_FAILED', // wrong access key or secret
  'MINIO_ERROR', // the admin API answered with an error (its Code in detail)
  'BUCKET_INVALID', // not a valid S3 bucket name
  'BUCKET_TAKEN',
  'QUOTA_EXCEEDED',
  // Alerts
  'ALERT_DELIVERY_FAILED',
  // Secrets
  'SECRET_STORE_INSECURE', // the OS keyring is not available: secrets fall back to the file store
  // Inventory and input
  'INVALID_NAME',
  'CONFLICT',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  detail: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Thrown by the core and re-thrown by clients; carries a code from the closed set. */
export class ConsoleError extends Error {
  readonly code: ErrorCode;
  readonly detail: unknown;

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'ConsoleError';
    this.code = code;
    this.detail = detail;
  }

  toBody(): ErrorBody {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromBody(body: ErrorBody): ConsoleError {
    return new ConsoleError(body.code, body.message, body.detail);
  }
}

export function isConsoleError(value: unknown): value is ConsoleError {
  return value instanceof ConsoleError;
}

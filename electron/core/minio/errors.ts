/**
 * MinIO's error replies in ConsoleError terms. Admin and S3 errors carry a
 * Code (InvalidAccessKeyId, XMinioAdminNoSuchUser, …) that stays in
 * `detail.code` so callers and the UI can tell them apart.
 */
import { ConsoleError } from '../../../shared';

/** Codes that mean "these credentials are wrong or not allowed". */
const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'XMinioAdminNotAllowed',
  'InvalidToken',
  'ExpiredToken',
  'XMinioInvalidIAMCredentials',
  'XAmzContentSHA256Mismatch',
]);

const QUOTA_CODES = new Set(['XMinioAdminBucketQuotaExceeded', 'XMinioBucketQuotaExceeded', 'QuotaExceeded']);
const TAKEN_CODES = new Set(['BucketAlreadyExists', 'BucketAlreadyOwnedByYou']);
const INVALID_BUCKET_CODES = new Set(['InvalidBucketName']);

export interface MinioErrorDetail {
  /** MinIO's Code, e.g. "XMinioAdminNoSuchUser". */
  code: string;
  status?: number;
  /** MinIO's own message. */
  serverMessage?: string;
  requestId?: string;
  endpoint: string;
  /** What was being done: "add user", "info", … */
  operation: string;
}

/** The ConsoleError for an error Code MinIO answered with. */
export function minioCodeError(d: MinioErrorDetail): ConsoleError {
  const said = d.serverMessage ? `: ${d.serverMessage}` : '';
  if (AUTH_CODES.has(d.code)) {
    const why =
      d.code === 'InvalidAccessKeyId'
        ? 'the access key is not known to this server'
        : d.code === 'SignatureDoesNotMatch'
          ? 'the secret key does not match the access key'
          : d.code === 'AccessDenied' || d.code === 'XMinioAdminNotAllowed'
            ? 'the key is not allowed to do this (it needs admin rights)'
            : `the server refused the credentials (${d.code})`;
    return new ConsoleError('MINIO_AUTH_FAILED', `MinIO ${d.operation}: ${why}.`, d);
  }
  if (QUOTA_CODES.has(d.code))
    return new ConsoleError(
      'QUOTA_EXCEEDED',
      `MinIO ${d.operation}: the bucket's quota is exceeded${said}.`,
      d,
    );
  if (TAKEN_CODES.has(d.code))
    return new ConsoleError(
      'BUCKET_TAKEN',
      d.code === 'BucketAlreadyOwnedByYou'
        ? `MinIO ${d.operation}: the bucket already exists (and belongs to this key's owner).`
        : `MinIO ${d.operation}: the bucket name is taken.`,
      d,
    );
  if (INVALID_BUCKET_CODES.has(d.code))
    return new ConsoleError('BUCKET_INVALID', `MinIO ${d.operation}: invalid bucket name${said}.`, d);
  return new ConsoleError('MINIO_ERROR', `MinIO ${d.operation} failed (${d.code})${said}.`, d);
}

/** Parses an admin API error body ({Code, Message, RequestId}); tolerates XML from plain S3 servers. */
export function parseErrorBody(body: Buffer): { code?: string; message?: string; requestId?: string } {
  const text = body.toString('utf8').trim();
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      const s = (k: string): string | undefined => (typeof j[k] === 'string' ? (j[k] as string) : undefined);
      return { code: s('Code'), message: s('Message'), requestId: s('RequestId') };
    } catch {
      return {};
    }
  }
  const tag = (name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  return { code: tag('Code'), message: tag('Message'), requestId: tag('RequestId') };
}

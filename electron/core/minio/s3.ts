/**
 * The S3 side of a MinIO (or any S3) endpoint through the `minio` npm
 * client: buckets, versioning, object lock. S3 errors become typed
 * ConsoleErrors (BUCKET_TAKEN, BUCKET_INVALID, QUOTA_EXCEEDED,
 * MINIO_AUTH_FAILED, MINIO_UNREACHABLE, else MINIO_ERROR with the Code).
 */
import https from 'node:https';
import tls from 'node:tls';
import * as Minio from 'minio';
import { ConsoleError } from '../../../shared';
import { checkBucketName, normaliseEndpoint, type MinioConnectionConfig } from './admin-client';
import { minioCodeError } from './errors';
import { networkWords } from './http';

export interface ObjectLockRetention {
  mode: 'COMPLIANCE' | 'GOVERNANCE';
  unit: 'Years' | 'Days';
  validity: number;
}

export class MinioS3 {
  readonly client: Minio.Client;
  readonly endpoint: string;

  constructor(cfg: MinioConnectionConfig) {
    const url = normaliseEndpoint(cfg.endpoint);
    const useSSL = url.protocol === 'https:';
    this.endpoint = url.origin;
    this.client = new Minio.Client({
      endPoint: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: cfg.accessKey,
      secretKey: cfg.secretKey,
      region: cfg.region ?? 'us-east-1',
      pathStyle: true,
      ...(useSSL && cfg.caPem
        ? { transportAgent: new https.Agent({ ca: [...tls.rootCertificates, cfg.caPem], keepAlive: true }) }
        : {}),
    });
  }

  /** Maps what the minio client throws to a ConsoleError. */
  private fail(operation: string, error: unknown): ConsoleError {
    if (error instanceof ConsoleError) return error;
    const e = error as { code?: string; message?: string; requestid?: string; $metadata?: unknown };
    const code = typeof e?.code === 'string' ? e.code : undefined;
    // Node and OpenSSL codes are ALL_CAPS (ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE); S3 codes are CamelCase.
    if (code && /^[A-Z0-9_]+$/.test(code))
      return new ConsoleError(
        'MINIO_UNREACHABLE',
        `MinIO at ${this.endpoint} is unreachable: ${networkWords(error)}.`,
        {
          endpoint: this.endpoint,
          cause: code,
        },
      );
    if (code)
      return minioCodeError({
        code,
        ...(e.message ? { serverMessage: e.message } : {}),
        ...(e.requestid ? { requestId: e.requestid } : {}),
        endpoint: this.endpoint,
        operation,
      });
    return new ConsoleError('MINIO_ERROR', `MinIO ${operation} failed: ${e?.message ?? String(error)}.`, {
      code: 'Unknown',
      endpoint: this.endpoint,
      operation,
    });
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.fail(operation, error);
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    checkBucketName(bucket);
    return this.run(`bucket exists ${bucket}`, () => this.client.bucketExists(bucket));
  }

  async listBuckets(): Promise<{ name: string; creationDate?: Date }[]> {
    const list = await this.run('list buckets', () => this.client.listBuckets());
    return list.map((b) => ({ name: b.name, ...(b.creationDate ? { creationDate: b.creationDate } : {}) }));
  }

  /** Object locking can only be switched on at creation (and implies versioning). */
  async makeBucket(bucket: string, opts: { objectLocking?: boolean } = {}): Promise<void> {
    checkBucketName(bucket);
    return this.run(`make bucket ${bucket}`, () =>
      this.client.makeBucket(bucket, 'us-east-1', { ObjectLocking: opts.objectLocking === true }),
    );
  }

  /** One object (small uploads: tests, probes); QUOTA_EXCEEDED when the bucket's hard quota refuses it. */
  async putObject(bucket: string, key: string, data: Buffer): Promise<void> {
    checkBucketName(bucket);
    await this.run(`put ${bucket}/${key}`, () => this.client.putObject(bucket, key, data, data.length));
  }

  async removeBucket(bucket: string): Promise<void> {
    checkBucketName(bucket);
    return this.run(`remove bucket ${bucket}`, () => this.client.removeBucket(bucket));
  }

  async setBucketVersioning(bucket: string, enabled: boolean): Promise<void> {
    checkBucketName(bucket);
    return this.run(`set versioning of ${bucket}`, () =>
      this.client.setBucketVersioning(bucket, { Status: enabled ? 'Enabled' : 'Suspended' }),
    );
  }

  async getBucketVersioning(bucket: string): Promise<'Enabled' | 'Suspended' | 'Off'> {
    checkBucketName(bucket);
    const v = await this.run(`get versioning of ${bucket}`, () => this.client.getBucketVersioning(bucket));
    const s = (v as { Status?: string } | undefined)?.Status;
    return s === 'Enabled' || s === 'Suspended' ? s : 'Off';
  }

  /** Default retention for new objects (COMPLIANCE: nobody can delete a locked version before it ends). */
  async setObjectLockConfig(bucket: string, retention: ObjectLockRetention): Promise<void> {
    checkBucketName(bucket);
    if (!Number.isInteger(retention.validity) || retention.validity < 1)
      throw new ConsoleError('BAD_REQUEST', 'Retention is a whole number of at least 1.');
    return this.run(`set object lock of ${bucket}`, () =>
      // The client's overloads list the callback form (void) first: ask for the promise one.
      (this.client.setObjectLockConfig as (b: string, o: unknown) => Promise<void>)(bucket, {
        mode: retention.mode,
        unit: retention.unit,
        validity: retention.validity,
      }),
    );
  }

  /** The bucket's object-lock default retention, or null when lock is off / no default. */
  async getObjectLockConfig(bucket: string): Promise<ObjectLockRetention | null> {
    checkBucketName(bucket);
    try {
      const c = await (
        this.client.getObjectLockConfig as (
          b: string,
        ) => Promise<{ mode?: string; unit?: string; validity?: number }>
      )(bucket);
      if (!c?.mode) return null;
      return {
        mode: c.mode as ObjectLockRetention['mode'],
        unit: (c.unit as ObjectLockRetention['unit']) ?? 'Days',
        validity: Number(c.validity ?? 0),
      };
    } catch (error) {
      const code = (error as { code?: string })?.code;
      if (code === 'ObjectLockConfigurationNotFoundError') return null;
      throw this.fail(`get object lock of ${bucket}`, error);
    }
  }
}

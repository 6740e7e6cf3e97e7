/**
 * MinIO for the console: our admin API client (SigV4 + madmin crypto), the
 * S3 side through the `minio` npm client, and the health probes.
 *
 * Use from other areas (e.g. onboarding):
 *   const admin = new MinioAdmin({ endpoint, accessKey, secretKey, caPem });
 *   const s3 = new MinioS3({ endpoint, accessKey, secretKey, caPem });
 *   await s3.makeBucket('acme-backup', { objectLocking: true });
 *   await s3.setBucketVersioning('acme-backup', true);
 *   await s3.setObjectLockConfig('acme-backup', { mode: 'COMPLIANCE', unit: 'Years', validity: 1 });
 *   await admin.setBucketQuota('acme-backup', 500 * 2 ** 30);
 *   await admin.addCannedPolicy('acme-host', policy);
 *   await admin.addUser('acme-host', secret); await admin.attachPolicy('acme-host', ['acme-host']);
 * or, for a connection stored in the console (the MinIO screen), with its
 * secret read from the secret store:
 *   const { admin, s3 } = await minioClientsFor({ db: ctx.store.db, secrets: ctx.secrets }, connectionId);
 *
 * Errors are ConsoleErrors: MINIO_UNREACHABLE, MINIO_AUTH_FAILED,
 * MINIO_ERROR (MinIO's Code in detail.code), BUCKET_INVALID, BUCKET_TAKEN,
 * QUOTA_EXCEEDED.
 */
export {
  MinioAdmin,
  checkBucketName,
  normaliseEndpoint,
  type AdminDrive,
  type AdminInfo,
  type AdminServer,
  type BucketQuota,
  type BucketUsage,
  type DataUsage,
  type MinioConnectionConfig,
  type ServiceAccountCredentials,
  type ServiceAccountInfo,
  type ServiceAccountRequest,
  type UserInfo,
  type UserStatus,
} from './admin-client';
export { MinioS3, type ObjectLockRetention } from './s3';
export { probeHealth, type HealthProbes, type ProbeResult } from './health';
export { minioCodeError } from './errors';
export { minioClientsFor, minioSecretName, MinioConnectionStore, type StoredConnection } from './connections';
export { bucketNameProblem } from '../../../shared';

/**
 * IAM policy documents for an onboarded business's two S3 keys, as pure
 * functions. Both are scoped to the business's bucket only.
 *
 * - The HOST key backs up: it lists and reads the bucket, writes objects,
 *   and may delete only restic's lock files (`locks/*`) — restic removes its
 *   own lock when it finishes, so an append-only key must still allow that.
 *   It cannot delete data, index, snapshot or key files, delete object
 *   versions, or change the bucket (versioning, lock, policy), so a host that
 *   is broken into cannot destroy its backups. With versioning on, an
 *   overwritten object keeps its old version too.
 * - The MAINTENANCE key stays with the console for forget and prune: it may
 *   also delete objects anywhere in the bucket (still not versions, and
 *   never the bucket's configuration).
 */

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Bucket names are validated before they get here; this guards against building a policy for a wildcard. */
function assertPlainBucket(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`not a plain bucket name: ${JSON.stringify(bucket)}`);
  }
}

const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
const objectsArn = (bucket: string, prefix = '') => `arn:aws:s3:::${bucket}/${prefix}*`;

/** What restic needs on the bucket itself to find and list its repository. */
function bucketReadStatement(bucket: string): PolicyStatement {
  return {
    Effect: 'Allow',
    Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
    Resource: [bucketArn(bucket)],
  };
}

/** Read and write objects; multipart uploads of large pack files need the abort/list-parts pair. */
function objectReadWriteStatement(bucket: string): PolicyStatement {
  return {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    Resource: [objectsArn(bucket)],
  };
}

/** The host key: back up, restore, and remove restic's own lock files — nothing else can be deleted. */
export function hostKeyPolicy(bucket: string): PolicyDocument {
  assertPlainBucket(bucket);
  return {
    Version: '2012-10-17',
    Statement: [
      bucketReadStatement(bucket),
      objectReadWriteStatement(bucket),
      { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [objectsArn(bucket, 'locks/')] },
    ],
  };
}

/** The maintenance key: everything the host key may, plus deleting objects for forget and prune. */
export function maintenanceKeyPolicy(bucket: string): PolicyDocument {
  assertPlainBucket(bucket);
  return {
    Version: '2012-10-17',
    Statement: [
      bucketReadStatement(bucket),
      objectReadWriteStatement(bucket),
      { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [objectsArn(bucket)] },
    ],
  };
}

/** Policy names on the MinIO server: derived from the bucket so two businesses never share one. */
export function policyNames(bucket: string): { host: string; maintenance: string } {
  assertPlainBucket(bucket);
  return { host: `rfc-${bucket}-host`, maintenance: `rfc-${bucket}-maintenance` };
}

/**
 * Whether `action` on `resource` is allowed by `doc` (exact action names, `*`
 * only as a trailing wildcard in resources, explicit Deny wins) — enough to
 * reason about the documents above in tests and in the UI's summary.
 */
export function policyAllows(doc: PolicyDocument, action: string, resource: string): boolean {
  const matches = (s: PolicyStatement) =>
    s.Action.some((a) => a === action || a === 's3:*') &&
    s.Resource.some((r) => (r.endsWith('*') ? resource.startsWith(r.slice(0, -1)) : resource === r));
  if (doc.Statement.some((s) => s.Effect === 'Deny' && matches(s))) return false;
  return doc.Statement.some((s) => s.Effect === 'Allow' && matches(s));
}

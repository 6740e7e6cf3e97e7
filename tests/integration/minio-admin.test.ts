/**
 * Our MinIO admin client against the real server, cross-checked with
 * `mc admin` (users, policies, service accounts, quotas as MinIO itself
 * reports them) and the S3 side (object lock, versioning) with `mc`.
 * Bad input: wrong key, server down, invalid or taken bucket names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError, type MinioConnection, type MinioStatus } from '../../shared';
import {
  ENC_ARGON2ID_AES_GCM,
  ENC_ARGON2ID_CHACHA20,
  ENC_PBKDF2_AES_GCM,
} from '../../electron/core/minio/madmin-crypto';
import { MinioAdmin, MinioS3, probeHealth } from '../../electron/core/minio';
import { createCore } from '../../electron/core/app';
import { mcAlias, startMinio, type McClient, type MinioServer } from '../support/minio';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

let minio: MinioServer;
let mc: McClient;
let admin: MinioAdmin;
let s3: MinioS3;

beforeAll(async () => {
  minio = await startMinio();
  mc = await mcAlias(minio);
  const cfg = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
  admin = new MinioAdmin(cfg);
  s3 = new MinioS3(cfg);
});
afterAll(async () => {
  await minio?.dispose();
});

async function failure(p: Promise<unknown>): Promise<ConsoleError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ConsoleError) return error;
    throw error;
  }
  throw new Error('expected a ConsoleError');
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  return (await failure(p)).code;
}

const bucketPolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: [`arn:aws:s3:::${bucket}`],
    },
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
    { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: [`arn:aws:s3:::${bucket}/locks/*`] },
  ],
});

describe('MinIO admin client (real server, checked with mc)', () => {
  it('health probes and info', async () => {
    const h = await probeHealth(minio.endpoint);
    expect(h.live.ok && h.cluster.ok && h.read.ok).toBe(true);
    expect(h.writeQuorum).toBe(1);
    const info = await admin.info();
    expect(info.mode).toBe('online');
    const mcInfo = (await mc.mcJson(['admin', 'info', mc.alias]))[0] as {
      info?: { backend?: { onlineDisks?: number } };
    };
    expect(info.backend?.onlineDisks).toBe(mcInfo.info?.backend?.onlineDisks ?? 1);
    expect(info.servers?.[0]?.drives?.[0]?.path).toBe(minio.dataDirs[0]);
  });

  it('creates a locked, versioned bucket with a quota, as mc sees it', async () => {
    await s3.makeBucket('acme-backup', { objectLocking: true });
    await s3.setBucketVersioning('acme-backup', true);
    await s3.setObjectLockConfig('acme-backup', { mode: 'COMPLIANCE', unit: 'Years', validity: 1 });
    await admin.setBucketQuota('acme-backup', 5 * 1024 * 1024);
    expect(await s3.bucketExists('acme-backup')).toBe(true);
    expect(await s3.getBucketVersioning('acme-backup')).toBe('Enabled');
    expect(await s3.getObjectLockConfig('acme-backup')).toEqual({
      mode: 'COMPLIANCE',
      unit: 'Years',
      validity: 1,
    });
    expect(await admin.getBucketQuota('acme-backup')).toEqual({ size: 5 * 1024 * 1024, type: 'hard' });

    const quota = (await mc.mcJson(['quota', 'info', `${mc.alias}/acme-backup`]))[0] as Record<
      string,
      unknown
    >;
    expect(Number(quota.size ?? quota.quota)).toBe(5 * 1024 * 1024);
    expect(quota.type ?? quota.quotatype).toBe('hard');
    const versioning = (await mc.mcJson(['version', 'info', `${mc.alias}/acme-backup`]))[0] as {
      versioning?: { status?: string };
    };
    expect(versioning.versioning?.status).toBe('Enabled');
    const lock = (
      await mc.mcJson(['retention', 'info', '--default', `${mc.alias}/acme-backup`])
    )[0] as Record<string, unknown>;
    expect(JSON.stringify(lock)).toMatch(/COMPLIANCE/);

    await admin.setBucketQuota('acme-backup', 0);
    expect(await admin.getBucketQuota('acme-backup')).toBeNull();
    await admin.setBucketQuota('acme-backup', 5 * 1024 * 1024);
  });

  it('adds a user, a bucket policy and attaches it (idempotently), as mc admin reports them', async () => {
    await admin.addCannedPolicy('acme-host', bucketPolicy('acme-backup'));
    await admin.addUser('acme-host', 'host-secret-0001');
    await admin.attachPolicy('acme-host', ['acme-host']);
    // Again: resumable onboarding repeats steps.
    await admin.attachPolicy('acme-host', ['acme-host']);

    const user = (await mc.mcJson(['admin', 'user', 'info', mc.alias, 'acme-host']))[0] as Record<
      string,
      unknown
    >;
    expect(user.userStatus).toBe('enabled');
    expect(String(user.policyName)).toBe('acme-host');
    const pol = (await mc.mcJson(['admin', 'policy', 'info', mc.alias, 'acme-host']))[0] as {
      policyInfo?: { Policy?: { Statement?: { Resource?: string[] }[] } };
    };
    const resources = (pol.policyInfo?.Policy?.Statement ?? []).flatMap((s) => s.Resource ?? []);
    expect(resources).toContain('arn:aws:s3:::acme-backup/locks/*');
    expect(await admin.policyInfo('acme-host')).toMatchObject({ Statement: expect.any(Array) });

    expect((await admin.listUsers())['acme-host']).toMatchObject({
      status: 'enabled',
      policyName: 'acme-host',
    });
    await admin.setUserStatus('acme-host', 'disabled');
    const disabled = (await mc.mcJson(['admin', 'user', 'info', mc.alias, 'acme-host']))[0] as Record<
      string,
      unknown
    >;
    expect(disabled.userStatus).toBe('disabled');
    await admin.setUserStatus('acme-host', 'enabled');
  });

  it('adds a service account under the user with a narrower policy, as mc reports it', async () => {
    const creds = await admin.addServiceAccount({
      targetUser: 'acme-host',
      name: 'acme-maintenance',
      description: 'forget and prune',
      policy: bucketPolicy('acme-backup'),
    });
    expect(creds.accessKey).toMatch(/^[A-Z0-9]{20}$/);
    expect(creds.secretKey.length).toBeGreaterThanOrEqual(40);
    const info = await admin.serviceAccountInfo(creds.accessKey);
    expect(info.parentUser).toBe('acme-host');
    expect(info.impliedPolicy).toBe(false);
    const mcInfo = (
      await mc.mcJson(['admin', 'user', 'svcacct', 'info', mc.alias, creds.accessKey])
    )[0] as Record<string, unknown>;
    expect(mcInfo.parentUser).toBe('acme-host');
    expect(mcInfo.name).toBe('acme-maintenance');
    expect(await admin.listServiceAccounts('acme-host')).toContain(creds.accessKey);

    // The key really works, and only on its bucket.
    const scoped = new MinioS3({ endpoint: minio.endpoint, ...creds });
    expect(await scoped.bucketExists('acme-backup')).toBe(true);
    expect(await codeOf(scoped.makeBucket('other-bucket'))).toBe('MINIO_AUTH_FAILED');

    await admin.deleteServiceAccount(creds.accessKey);
    expect(await admin.listServiceAccounts('acme-host')).not.toContain(creds.accessKey);
  });

  it('the server reads request bodies encrypted with each of the three ids', async () => {
    for (const [user, id] of [
      ['enc-argon-aes', ENC_ARGON2ID_AES_GCM],
      ['enc-argon-chacha', ENC_ARGON2ID_CHACHA20],
      ['enc-pbkdf2', ENC_PBKDF2_AES_GCM],
    ] as const) {
      const a = new MinioAdmin({
        endpoint: minio.endpoint,
        accessKey: minio.accessKey,
        secretKey: minio.secretKey,
        requestEncryption: id,
      });
      await a.addUser(user, `secret-for-${user}`);
      // Logging in with that secret proves the server decrypted it right.
      const asUser = new MinioS3({
        endpoint: minio.endpoint,
        accessKey: user,
        secretKey: `secret-for-${user}`,
      });
      // No policy yet: authenticated but denied (a wrong secret would be SignatureDoesNotMatch).
      const err = await failure(asUser.listBuckets());
      expect(err.detail).toMatchObject({ code: 'AccessDenied' });
      const wrong = new MinioS3({ endpoint: minio.endpoint, accessKey: user, secretKey: 'not-the-secret' });
      const err2 = await failure(wrong.listBuckets());
      expect(err2.detail).toMatchObject({ code: 'SignatureDoesNotMatch' });
    }
  });

  it('bad input: invalid and taken bucket names, unknown bucket, wrong key', async () => {
    expect(await codeOf(s3.makeBucket('Bad_Name'))).toBe('BUCKET_INVALID');
    expect(await codeOf(admin.setBucketQuota('ab', 1024))).toBe('BUCKET_INVALID');
    expect(await codeOf(s3.makeBucket('acme-backup'))).toBe('BUCKET_TAKEN');
    const e = await failure(admin.getBucketQuota('no-such-bucket'));
    expect(e.code).toBe('MINIO_ERROR');
    expect(e.detail).toMatchObject({ code: 'NoSuchBucket' });

    const wrongSecret = new MinioAdmin({
      endpoint: minio.endpoint,
      accessKey: minio.accessKey,
      secretKey: 'wrong-secret',
    });
    const auth = await failure(wrongSecret.info());
    expect(auth.code).toBe('MINIO_AUTH_FAILED');
    expect(auth.detail).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(JSON.stringify(auth.detail)).not.toContain(minio.secretKey);
    const unknownKey = new MinioAdmin({
      endpoint: minio.endpoint,
      accessKey: 'nobody',
      secretKey: 'whatever1',
    });
    expect(await codeOf(unknownKey.info())).toBe('MINIO_AUTH_FAILED');
    // A valid key without admin rights.
    const notAdmin = new MinioAdmin({
      endpoint: minio.endpoint,
      accessKey: 'acme-host',
      secretKey: 'host-secret-0001',
    });
    expect(await codeOf(notAdmin.listUsers())).toBe('MINIO_AUTH_FAILED');
  });

  it('a quota exceeded by an upload is QUOTA_EXCEEDED', async () => {
    await s3.makeBucket('tiny-quota');
    await admin.setBucketQuota('tiny-quota', 64 * 1024);
    const big = Buffer.alloc(256 * 1024, 1);
    const e = await failure(s3.putObject('tiny-quota', 'big.bin', big));
    expect(e).toBeInstanceOf(ConsoleError);
    expect(e.code).toBe('QUOTA_EXCEEDED');
  });

  it('MinIO down: MINIO_UNREACHABLE, and the probes say so without throwing', async () => {
    await minio.stop();
    try {
      expect(await codeOf(admin.info())).toBe('MINIO_UNREACHABLE');
      expect(await codeOf(s3.listBuckets())).toBe('MINIO_UNREACHABLE');
      const h = await probeHealth(minio.endpoint, { timeoutMs: 3000 });
      expect(h.live).toMatchObject({ ok: false, status: null });
      expect(h.live.error).toMatch(/connection refused/);
    } finally {
      await minio.start();
    }
  });
});

describe('MinIO over TLS with a private CA', () => {
  let tlsMinio: MinioServer;
  beforeAll(async () => {
    tlsMinio = await startMinio({ tls: true });
  });
  afterAll(async () => {
    await tlsMinio?.dispose();
    await cleanupTempDirs();
  });

  it('trusts the server with the CA given, and refuses it without', async () => {
    expect(tlsMinio.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const base = {
      endpoint: tlsMinio.endpoint,
      accessKey: tlsMinio.accessKey,
      secretKey: tlsMinio.secretKey,
    };
    const withCa = { ...base, caPem: tlsMinio.caPem! };
    expect((await new MinioAdmin(withCa).info()).mode).toBe('online');
    await new MinioS3(withCa).makeBucket('tls-bucket');
    expect((await new MinioS3(withCa).listBuckets()).map((b) => b.name)).toEqual(['tls-bucket']);
    const h = await probeHealth(tlsMinio.endpoint, { caPem: tlsMinio.caPem! });
    expect(h.live.ok && h.cluster.ok).toBe(true);

    const refused = await failure(new MinioAdmin(base).info());
    expect(refused.code).toBe('MINIO_UNREACHABLE');
    expect(refused.message).toMatch(/TLS certificate is not trusted/);
    expect((await failure(new MinioS3(base).listBuckets())).code).toBe('MINIO_UNREACHABLE');
    const noCa = await probeHealth(tlsMinio.endpoint);
    expect(noCa.live.ok).toBe(false);
    expect(noCa.live.error).toMatch(/not trusted/);

    // mc, given the same CA, sees the bucket our client made.
    const tlsMc = await mcAlias(tlsMinio, 'tls');
    expect((await tlsMc.mc(['ls', `${tlsMc.alias}`])).stdout).toContain('tls-bucket/');
  });

  it('a console connection keeps the CA and checks the key over TLS', async () => {
    const core = await createCore({
      dataDir: await makeTempDir('rfc-minio-tls-'),
      mode: 'serve',
      version: 'test',
      demo: false,
      log: () => undefined,
    });
    try {
      const call = { origin: 'internal' as const };
      const input = {
        name: 'tls',
        endpoint: tlsMinio.endpoint,
        accessKey: tlsMinio.accessKey,
        secretKey: tlsMinio.secretKey,
      };
      const refused = await core.dispatch('minio.add', input, call);
      expect(refused.ok ? 'ok' : refused.error.code).toBe('MINIO_UNREACHABLE');
      const added = await core.dispatch('minio.add', { ...input, caPem: tlsMinio.caPem }, call);
      if (!added.ok) throw new Error(added.error.message);
      const conn = added.value as MinioConnection;
      expect(conn).toMatchObject({ tls: true, caSet: true, secretSet: true });
      const status = await core.dispatch('minio.status', { id: conn.id, refresh: true }, call);
      if (!status.ok) throw new Error(status.error.message);
      expect((status.value as MinioStatus).status).toBe('ok');
    } finally {
      await core.close();
    }
  });
});

/**
 * MinIO through the console's contract against a real four-drive MinIO
 * (one erasure set, parity 2): connections (the key checked before it is
 * stored; the secret never in SQLite, logs or audit), the health panel's
 * status, a drive taken away (degraded, with the remaining tolerance), a
 * second one (write quorum lost), the server down, and the daily check's
 * MinIO and quota items.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, Envelope, JobRecord, MinioConnection, MinioStatus } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { MinioAdmin, MinioS3 } from '../../electron/core/minio';
import { startMinio, type MinioServer } from '../support/minio';
import { cleanupTempDirs, freePort, makeTempDir } from '../support/tmp';

const call = { origin: 'internal' as const };
let minio: MinioServer;
let core: Core;
let dataDir: string;
const logLines: string[] = [];

async function reply(method: string, input: unknown): Promise<Envelope<unknown>> {
  return core.dispatch(method, input, call);
}
async function ok<T>(method: string, input: unknown): Promise<T> {
  const r = await reply(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
async function errorOf(method: string, input: unknown): Promise<{ code: string; message: string }> {
  const r = await reply(method, input);
  if (r.ok) throw new Error(`${method}: expected an error`);
  return r.error;
}

async function dailyCheckItems(): Promise<DailyCheckItem[]> {
  const started = await ok<{ jobId: string; checkId: string }>('fleet.dailyCheck', {});
  const deadline = Date.now() + 100_000;
  for (;;) {
    const { job } = await ok<{ job: JobRecord }>('jobs.get', { id: started.jobId });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) break;
    if (Date.now() > deadline) throw new Error('daily check did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
  const check = await ok<{ items: DailyCheckItem[] }>('fleet.check', { id: started.checkId });
  return check.items;
}

function breakDrive(dir: string): void {
  // A plain file where the drive's folder was: MinIO cannot use it and reports the drive offline.
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(dir, 'not a drive');
}

beforeAll(async () => {
  minio = await startMinio({ drives: 4 });
  dataDir = await makeTempDir('rfc-minio-console-');
  core = await createCore({
    dataDir,
    mode: 'serve',
    version: 'test',
    demo: false,
    log: (m) => logLines.push(m),
  });
});

afterAll(async () => {
  await core?.close();
  await minio?.dispose();
  await cleanupTempDirs();
});

describe('MinIO connections and health through the console', () => {
  let conn: MinioConnection;

  it('refuses a wrong key, a server that is down and a bad endpoint, storing nothing', async () => {
    const base = { name: 'main', endpoint: minio.endpoint, accessKey: minio.accessKey };
    expect((await errorOf('minio.add', { ...base, secretKey: 'wrong-secret-key' })).code).toBe(
      'MINIO_AUTH_FAILED',
    );
    expect(
      (await errorOf('minio.add', { ...base, accessKey: 'nobody', secretKey: minio.secretKey })).code,
    ).toBe('MINIO_AUTH_FAILED');
    const down = `http://127.0.0.1:${await freePort('127.0.0.1')}`;
    const e = await errorOf('minio.add', { ...base, endpoint: down, secretKey: minio.secretKey });
    expect(e.code).toBe('MINIO_UNREACHABLE');
    expect(e.message).toMatch(/connection refused/);
    expect(
      (await errorOf('minio.add', { ...base, endpoint: 'ftp://x', secretKey: minio.secretKey })).code,
    ).toBe('BAD_REQUEST');
    expect(
      (await errorOf('minio.add', { ...base, caPem: 'not a pem', secretKey: minio.secretKey })).code,
    ).toBe('BAD_REQUEST');
    expect(await ok<MinioConnection[]>('minio.list', {})).toEqual([]);
  });

  it('adds a connection with the right key; the secret is write-only', async () => {
    conn = await ok<MinioConnection>('minio.add', {
      name: 'main',
      endpoint: `${minio.endpoint}/`,
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
    });
    expect(conn).toMatchObject({
      name: 'main',
      endpoint: minio.endpoint,
      secretSet: true,
      tls: false,
      caSet: false,
    });
    expect(conn.mcAlias).toBe(`mc alias set main ${minio.endpoint} ${minio.accessKey} '********' --api s3v4`);
    expect(JSON.stringify(await ok('minio.list', {}))).not.toContain(minio.secretKey);
    expect(
      (
        await errorOf('minio.add', {
          name: 'MAIN',
          endpoint: minio.endpoint,
          accessKey: 'x1x',
          secretKey: 'y'.repeat(8),
          skipCheck: true,
        })
      ).code,
    ).toBe('CONFLICT');
  });

  it('update: a wrong new secret is refused and nothing changes; a rename needs no check', async () => {
    const e = await errorOf('minio.update', {
      id: conn.id,
      name: 'renamed',
      secretKey: 'another-wrong-secret',
    });
    expect(e.code).toBe('MINIO_AUTH_FAILED');
    const still = (await ok<MinioConnection[]>('minio.list', {}))[0]!;
    expect(still).toMatchObject({ name: 'main', updatedAt: conn.updatedAt });
    const renamed = await ok<MinioConnection>('minio.update', { id: conn.id, name: 'primary' });
    expect(renamed.name).toBe('primary');
    conn = await ok<MinioConnection>('minio.update', {
      id: conn.id,
      name: 'main',
      secretKey: minio.secretKey,
    });
    expect(conn).toMatchObject({ name: 'main', secretSet: true });
  });

  it('a healthy four-drive set: all online, parity 2, one more drive may fail for writes and two for reads', async () => {
    const cfg = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
    await new MinioS3(cfg).makeBucket('acme-backup');
    await new MinioAdmin(cfg).setBucketQuota('acme-backup', 10 * 1024 * 1024);
    expect(await ok('minio.status', { id: conn.id })).toBeNull();
    const s = await ok<MinioStatus>('minio.status', { id: conn.id, refresh: true });
    expect(s.status).toBe('ok');
    expect(s).toMatchObject({
      drivesOnline: 4,
      drivesOffline: 0,
      parity: 2,
      moreForWrite: 1,
      moreForRead: 2,
      healingDrives: 0,
    });
    expect(s.live.ok && s.writeQuorum.ok && s.readQuorum.ok).toBe(true);
    expect(s.writeQuorum.quorum).toBe(3);
    expect(s.readQuorum.quorum).toBe(2);
    expect(s.sets).toEqual([
      expect.objectContaining({ drives: 4, online: 4, parity: 2, writeQuorum: 3, readQuorum: 2 }),
    ]);
    expect(s.drives.map((d) => d.endpoint).sort()).toEqual([...minio.dataDirs].sort());
    expect(s.capacity!.totalBytes).toBeGreaterThan(0);
    expect(s.buckets).toEqual([
      expect.objectContaining({ name: 'acme-backup', quotaBytes: 10 * 1024 * 1024 }),
    ]);
    expect(s.reasons[0]).toMatch(
      /healthy.*all 4 drives online; 1 drive more may fail with writes going on \(2 drives for reads\)/,
    );
    expect(s.commands).toContain('mc admin info main');
    // The last status is kept for the panel.
    expect((await ok<MinioStatus>('minio.status', { id: conn.id })).checkedAt).toBe(s.checkedAt);
  });

  it('one drive taken away: degraded, with the remaining tolerance in words; the daily check warns', async () => {
    await minio.stop();
    breakDrive(minio.dataDirs[3]!);
    await minio.start();
    const s = await ok<MinioStatus>('minio.status', { id: conn.id, refresh: true });
    expect(s.status).toBe('warning');
    expect(s).toMatchObject({ drivesOnline: 3, drivesOffline: 1, moreForWrite: 0, moreForRead: 1 });
    expect(s.drives.filter((d) => !d.online).map((d) => d.endpoint)).toEqual([minio.dataDirs[3]]);
    expect(s.reasons).toContain(
      '1 of 4 drives offline; no further drive may fail without stopping writes; reads survive 1 drive more',
    );
    const items = (await dailyCheckItems()).filter((i) => i.item === 'minio');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'warning', hostName: 'MinIO main' });
    expect(items[0]!.reason).toMatch(/MinIO main: 1 of 4 drives offline; no further drive may fail/);
    const quota = (await ok<{ items: DailyCheckItem[] }>('fleet.check', {})).items.filter(
      (i) => i.item === 'quota',
    );
    expect(quota).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('a second drive gone: write quorum lost is failing', async () => {
    await minio.stop();
    breakDrive(minio.dataDirs[2]!);
    await minio.start({ waitFor: 'live' });
    const s = await ok<MinioStatus>('minio.status', { id: conn.id, refresh: true });
    expect(s.status).toBe('failing');
    expect(s.writeQuorum.ok).toBe(false);
    expect(s.reasons.join('\n')).toMatch(/write quorum lost/);
  });

  it('MinIO down: failing as unreachable, in the panel and on the board', async () => {
    await minio.stop();
    const s = await ok<MinioStatus>('minio.status', { id: conn.id, refresh: true });
    expect(s.status).toBe('failing');
    expect(s.live).toMatchObject({ ok: false, status: null });
    expect(s.reasons[0]).toMatch(/^MinIO main \(http:\/\/127\.0\.0\.1:\d+\) unreachable: connection refused/);
    const items = (await dailyCheckItems()).filter((i) => i.item === 'minio');
    expect(items[0]).toMatchObject({ status: 'failing' });
    expect(items[0]!.reason).toMatch(/unreachable/);
  });

  it('the secret is in no SQLite file, log line or audit entry', async () => {
    const files = readdirSync(dataDir).filter((f) => f.startsWith('console.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(readFileSync(path.join(dataDir, f)).includes(Buffer.from(minio.secretKey))).toBe(false);
    expect(logLines.join('\n')).not.toContain(minio.secretKey);
    const audit = await ok<unknown>('audit.list', {});
    expect(JSON.stringify(audit)).not.toContain(minio.secretKey);
    expect(JSON.stringify(audit)).toMatch(/minio\.add/);
  });

  it('remove needs the typed name, and takes the secret with it', async () => {
    expect((await errorOf('minio.remove', { id: conn.id, confirm: 'mai' })).code).toBe('BAD_REQUEST');
    await ok('minio.remove', { id: conn.id, confirm: 'main' });
    expect(await ok<MinioConnection[]>('minio.list', {})).toEqual([]);
    expect((await errorOf('minio.status', { id: conn.id })).code).toBe('NOT_FOUND');
  });
});

describe('bucket usage against quota with real data (scanner at full speed)', () => {
  let server: MinioServer;
  let qcore: Core;

  beforeAll(async () => {
    // The scanner normally lags by minutes; at "fastest" it reports within seconds.
    server = await startMinio({ env: { MINIO_SCANNER_SPEED: 'fastest' } });
    qcore = await createCore({
      dataDir: await makeTempDir('rfc-minio-quota-'),
      mode: 'serve',
      version: 'test',
      demo: false,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await qcore?.close();
    await server?.dispose();
  });

  it('warning from 80 %, failing from 95 %, in the status and as daily-check items', async () => {
    const cfg = { endpoint: server.endpoint, accessKey: server.accessKey, secretKey: server.secretKey };
    const s3 = new MinioS3(cfg);
    const admin = new MinioAdmin(cfg);
    const MiB = 1024 * 1024;
    for (const [bucket, kib] of [
      ['acme-backup', 880],
      ['globex-backup', 990],
      ['initech-backup', 100],
    ] as const) {
      await s3.makeBucket(bucket);
      await admin.setBucketQuota(bucket, MiB);
      await s3.putObject(bucket, 'data', Buffer.alloc(kib * 1024, 1));
    }
    const call = { origin: 'internal' as const };
    const added = await qcore.dispatch('minio.add', { name: 'quota', ...cfg }, call);
    if (!added.ok) throw new Error(added.error.message);
    const id = (added.value as MinioConnection).id;

    let status: MinioStatus | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await qcore.dispatch('minio.status', { id, refresh: true }, call);
      if (!r.ok) throw new Error(r.error.message);
      status = r.value as MinioStatus;
      if (status.buckets.every((b) => b.sizeBytes !== null && b.sizeBytes > 0)) break;
      if (Date.now() > deadline)
        throw new Error(`the scanner did not report: ${JSON.stringify(status.buckets)}`);
      await new Promise((r2) => setTimeout(r2, 1000));
    }
    const byName = new Map(status.buckets.map((b) => [b.name, b]));
    expect(byName.get('acme-backup')).toMatchObject({ status: 'warning', quotaPercent: 85.9, objects: 1 });
    expect(byName.get('globex-backup')).toMatchObject({ status: 'failing', quotaPercent: 96.7 });
    expect(byName.get('globex-backup')!.reason).toBe(
      'bucket globex-backup: 990 KiB of its 1.00 MiB quota used, 96.7% (≥ 95%: writes will soon be refused)',
    );
    expect(byName.get('initech-backup')).toMatchObject({ status: 'ok', quotaPercent: 9.8 });
    expect(status.status).toBe('failing');
    expect(status.health.status).toBe('ok');
    expect(status.usage?.lastUpdate).toMatch(/^20\d\d-/);

    const started = await qcore.dispatch('fleet.dailyCheck', {}, call);
    if (!started.ok) throw new Error(started.error.message);
    const { jobId, checkId } = started.value as { jobId: string; checkId: string };
    for (;;) {
      const j = await qcore.dispatch('jobs.get', { id: jobId }, call);
      if (j.ok && ['succeeded', 'partial', 'failed'].includes((j.value as { job: JobRecord }).job.status))
        break;
      await new Promise((r2) => setTimeout(r2, 100));
    }
    const check = await qcore.dispatch('fleet.check', { id: checkId }, call);
    if (!check.ok) throw new Error(check.error.message);
    const items = (check.value as { items: DailyCheckItem[] }).items;
    const quota = new Map(
      items.filter((i) => i.item === 'quota').map((i) => [String(i.data.bucket), i.status]),
    );
    expect(Object.fromEntries(quota)).toEqual({
      'acme-backup': 'warning',
      'globex-backup': 'failing',
      'initech-backup': 'ok',
    });
    expect(items.find((i) => i.item === 'minio')).toMatchObject({ status: 'ok' });
  });
});

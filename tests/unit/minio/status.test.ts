// Pure parts of the MinIO status: quorums and tolerance per erasure set,
// bucket usage against quota, bucket names, and the daily-check items.
import { describe, expect, it } from 'vitest';
import { bucketNameProblem, ConsoleError, quotaStatus, type MinioStatus } from '../../../shared';
import { bucketOfLocation, minioStatusItems } from '../../../electron/core/fleet/items/minio';
import { bucketVerdict, summarise } from '../../../electron/core/minio/status';
import { erasureSets, quorums, toleranceWords } from '../../../electron/core/minio/tolerance';
import type { AdminInfo } from '../../../electron/core/minio/admin-client';

const info = (states: string[], parity: number, perSet = states.length): AdminInfo => ({
  mode: 'online',
  backend: { standardSCParity: parity, totalDrivesPerSet: [perSet] },
  servers: [
    {
      state: 'online',
      endpoint: 's1',
      drives: states.map((state, i) => ({
        endpoint: `/d${i}`,
        state,
        pool_index: 0,
        set_index: Math.floor(i / perSet),
      })),
    },
  ],
});

describe('quorums and tolerance', () => {
  it("MinIO's quorum rule: writes need one more when data = parity", () => {
    expect(quorums(4, 2)).toEqual({ writeQuorum: 3, readQuorum: 2 });
    expect(quorums(16, 4)).toEqual({ writeQuorum: 12, readQuorum: 12 });
    expect(quorums(1, 0)).toEqual({ writeQuorum: 1, readQuorum: 1 });
  });

  it('four drives, parity 2, as drives go', () => {
    const all = erasureSets(info(['ok', 'ok', 'ok', 'ok'], 2));
    expect(all[0]).toMatchObject({ online: 4, moreForWrite: 1, moreForRead: 2 });
    expect(toleranceWords(all)).toBe('1 drive more may fail with writes going on (2 drives for reads)');
    const one = erasureSets(info(['ok', 'ok', 'ok', 'offline'], 2));
    expect(toleranceWords(one)).toBe(
      'no further drive may fail without stopping writes; reads survive 1 drive more',
    );
    const two = erasureSets(info(['ok', 'offline', 'ok', 'offline'], 2));
    expect(two[0]).toMatchObject({ moreForWrite: -1, moreForRead: 0 });
    expect(toleranceWords(two)).toBe('write quorum lost: writes fail; reads survive no further drive loss');
    const three = erasureSets(info(['ok', 'offline', 'offline', 'offline'], 2));
    expect(toleranceWords(three)).toBe('read quorum lost: objects cannot be read');
  });

  it('the weakest of several sets counts; a single drive is said plainly', () => {
    const sets = erasureSets(info(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'offline'], 2, 4));
    expect(sets).toHaveLength(2);
    expect(toleranceWords(sets)).toMatch(/^no further drive may fail/);
    expect(toleranceWords(erasureSets(info(['ok'], 0)))).toBe(
      'a single drive: no redundancy, losing it loses the data',
    );
  });
});

describe('quota', () => {
  it('warning from 80 %, failing from 95 %', () => {
    expect(quotaStatus(null)).toBe('ok');
    expect(quotaStatus(79.9)).toBe('ok');
    expect(quotaStatus(80)).toBe('warning');
    expect(quotaStatus(94.9)).toBe('warning');
    expect(quotaStatus(95)).toBe('failing');
    const v = bucketVerdict('acme', 9.6 * 2 ** 30, 10 * 2 ** 30);
    expect(v).toMatchObject({ status: 'failing', quotaPercent: 96 });
    expect(v.reason).toBe(
      'bucket acme: 9.60 GiB of its 10.0 GiB quota used, 96% (≥ 95%: writes will soon be refused)',
    );
    expect(bucketVerdict('acme', null, 1024).reason).toMatch(/usage not scanned yet/);
    expect(bucketVerdict('acme', 5, null)).toMatchObject({ status: 'ok', quotaPercent: null });
  });
});

describe('bucket names', () => {
  it.each([
    ['acme-backup', null],
    ['ab', 'at least 3'],
    ['a'.repeat(64), 'at most 63'],
    ['Acme', 'no capital'],
    ['acme_backup', 'only a-z'],
    ['-acme', 'starts and ends'],
    ['acme..b', 'two dots'],
    ['acme.-b', 'dot next to a hyphen'],
    ['192.168.1.1', 'IP address'],
    ['xn--acme', 'xn--'],
    ['acme-s3alias', '-s3alias'],
  ])('%s', (name, problem) => {
    const got = bucketNameProblem(name);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});

describe('daily-check items', () => {
  it('finds the bucket of a restic S3 location on the same endpoint', () => {
    expect(bucketOfLocation('s3:http://127.0.0.1:9000/acme/restic', 'http://127.0.0.1:9000')).toBe('acme');
    expect(bucketOfLocation('s3:127.0.0.1:9000/acme', 'https://127.0.0.1:9000')).toBe('acme');
    expect(bucketOfLocation('s3:http://other:9000/acme', 'http://127.0.0.1:9000')).toBeNull();
    expect(bucketOfLocation('/srv/restic', 'http://127.0.0.1:9000')).toBeNull();
  });

  it('one health item, and a quota item per bucket with a quota, on its repository when one uses it', () => {
    const status = {
      connectionId: 'minio-1',
      name: 'main',
      endpoint: 'http://127.0.0.1:9000',
      health: { status: 'warning', reasons: ['1 of 4 drives offline; no further drive may fail'] },
      healingDrives: 0,
      moreForWrite: 0,
      moreForRead: 1,
      buckets: [
        {
          name: 'acme',
          sizeBytes: 90,
          objects: 1,
          versions: 1,
          quotaBytes: 100,
          quotaPercent: 90,
          status: 'warning',
          reason: 'bucket acme: 90%',
        },
        {
          name: 'free',
          sizeBytes: 1,
          objects: 1,
          versions: 1,
          quotaBytes: null,
          quotaPercent: null,
          status: 'ok',
          reason: 'no quota',
        },
      ],
    } as unknown as MinioStatus;
    const items = minioStatusItems(status, [
      {
        id: 'repo-1',
        name: 'acme-main',
        location: 's3:http://127.0.0.1:9000/acme',
        businessId: 'biz-1',
        businessName: 'Acme',
      },
    ]);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      item: 'minio',
      status: 'warning',
      reason: 'MinIO main: 1 of 4 drives offline; no further drive may fail',
    });
    expect(items[1]).toMatchObject({
      item: 'quota',
      status: 'warning',
      repositoryId: 'repo-1',
      businessName: 'Acme',
    });
  });
});

describe('summarise', () => {
  const probe = (status: number | null, headers: Record<string, string> = {}) => ({
    status,
    ok: status === 200,
    headers,
    ...(status === null ? { error: 'connection refused (is MinIO running on that port?)' } : {}),
  });
  const conn = { id: 'minio-1', name: 'main', endpoint: 'http://127.0.0.1:9000' };

  it('healing drives are a warning, with the count in words', () => {
    const s = summarise(
      conn,
      {
        probes: {
          live: probe(200),
          cluster: probe(200),
          read: probe(200),
          writeQuorum: 3,
          healingDrives: 1,
          ms: 1,
        },
        info: info(['ok', 'ok', 'ok', 'ok'], 2),
        quotas: new Map(),
      },
      Date.parse('2026-11-21T08:00:00Z'),
      5,
    );
    expect(s.status).toBe('warning');
    expect(s.health.reasons).toEqual(['1 drive is healing']);
  });

  it('unreachable is failing and says why; a wrong key is failing; no admin API is a warning', () => {
    const down = summarise(
      conn,
      { probes: { live: probe(null), cluster: probe(null), read: probe(null), ms: 1 }, quotas: new Map() },
      0,
      1,
    );
    expect(down.status).toBe('failing');
    expect(down.reasons).toEqual([
      'MinIO main (http://127.0.0.1:9000) unreachable: connection refused (is MinIO running on that port?)',
    ]);
    const up = { live: probe(200), cluster: probe(200), read: probe(200), ms: 1 };
    const auth = summarise(
      conn,
      {
        probes: up,
        quotas: new Map(),
        adminError: new ConsoleError(
          'MINIO_AUTH_FAILED',
          'MinIO info: the secret key does not match the access key.',
        ),
      },
      0,
      1,
    );
    expect(auth.health).toEqual({
      status: 'failing',
      reasons: ['admin API: MinIO info: the secret key does not match the access key.'],
    });
    const plain = summarise(
      conn,
      {
        probes: up,
        quotas: new Map(),
        adminError: new ConsoleError('MINIO_ERROR', 'no admin API', { code: 'NoAdminAPI' }),
      },
      0,
      1,
    );
    expect(plain.status).toBe('warning');
  });
});

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretNames } from '../../../electron/core/secrets/secret-store';
import type { PlanInput } from '../../../electron/core/store/plans';
import { openStore, type Store } from '../../../electron/core/store/store';
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, filesContaining, HOSTILE, MemorySecretStore, tempDataDir } from './fixtures';

afterAll(cleanupTempDirs);

// Known answers: made with `ssh-keygen -t ed25519`, fingerprints as `ssh-keygen -lf` printed them.
const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBRihmLYJYlaBhXDGSUyjBn5T8+h17mAShxhPxN5L9d test';
const KEY_A_FP = 'SHA256:YiheicXEfaAZNCFpryemgEeC5RZ3qPBpAlF3auYZHkw';
const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMRQia1MuZwN/Rh0wLVnJ0BcSAm22Mi2yShUWaHNR0DF other';
const KEY_B_FP = 'SHA256:UHBkr2HWLVj1fB6atIzDxaFTockAyIubgeGOf0H4el4';

let dir: string;
let secrets: MemorySecretStore;
let store: Store;

beforeEach(async () => {
  dir = await tempDataDir();
  secrets = new MemorySecretStore();
  store = await openStore({ dataDir: dir, secrets });
});
afterEach(() => store.close());

function count(table: string): number {
  return (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('businesses', () => {
  it('creates, reads, updates and removes', () => {
    const b = store.businesses.create({ name: 'Acme', ownerContact: 'Jane <jane@example.com>' });
    expect(b).toMatchObject({
      name: 'Acme',
      ownerContact: 'Jane <jane@example.com>',
      freshnessTargetHours: 26,
    });
    expect(b.id).toMatch(/^biz-[0-9a-f]{16}$/);
    expect(store.businesses.update(b.id, { freshnessTargetHours: 48 }).freshnessTargetHours).toBe(48);
    expect(store.businesses.list().map((x) => x.name)).toEqual(['Acme']);
    store.businesses.remove(b.id);
    expect(store.businesses.list()).toEqual([]);
  });

  it('keeps hostile-but-harmless names byte for byte', () => {
    for (const name of Object.values(HOSTILE.accepted)) {
      const b = store.businesses.create({ name });
      expect(store.businesses.get(b.id).name).toBe(name);
    }
  });

  it.each(Object.entries(HOSTILE.rejected))(
    'rejects a %s name with INVALID_NAME and stores nothing',
    async (_label, name) => {
      const error = await consoleError(() => store.businesses.create({ name }));
      expect(error.code).toBe('INVALID_NAME');
      expect(error.message.length).toBeLessThan(300); // explains the rule, does not echo 4 KB back
      expect(count('businesses')).toBe(0);
    },
  );

  it('refuses duplicates (case-insensitive) with CONFLICT', async () => {
    store.businesses.create({ name: 'Acme' });
    expect((await consoleError(() => store.businesses.create({ name: 'ACME' }))).code).toBe('CONFLICT');
    const other = store.businesses.create({ name: 'Beta' });
    expect((await consoleError(() => store.businesses.update(other.id, { name: 'acme' }))).code).toBe(
      'CONFLICT',
    );
    expect(store.businesses.get(other.id).name).toBe('Beta');
  });

  it('reports bad non-name input as BAD_REQUEST and unknown ids as NOT_FOUND', async () => {
    expect(
      (await consoleError(() => store.businesses.create({ name: 'X', freshnessTargetHours: 0 }))).code,
    ).toBe('BAD_REQUEST');
    expect((await consoleError(() => store.businesses.create({ name: 'X', extra: 1 } as never))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await consoleError(() => store.businesses.get('biz-nope'))).code).toBe('NOT_FOUND');
    expect((await consoleError(() => store.businesses.update('biz-nope', { name: 'Y' }))).code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('hosts', () => {
  it('lists "this machine" first and adds SSH hosts', async () => {
    const h = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    expect(h).toMatchObject({ kind: 'ssh', port: 22, authKind: 'agent', privateKeySet: false });
    expect(h.hostKey).toBeUndefined();
    expect((await store.hosts.list()).map((x) => x.id)).toEqual(['local', h.id]);
    expect((await consoleError(() => store.hosts.remove('local'))).code).toBe('CONFLICT');
  });

  const badHostNames = {
    quotes: `web"1`,
    singleQuote: "web'1",
    substitution: 'web$(id)',
    backticks: 'web`id`',
    newline: 'web\n1',
    leadingDash: '-web',
    unicode: 'wéb-1',
    space: 'web 1',
    fourKiB: 'w'.repeat(4096),
  };
  it.each(Object.entries(badHostNames))('rejects a host name with %s', async (_label, name) => {
    const error = await consoleError(() =>
      store.hosts.create({ name, address: '127.0.0.2', user: 'backup' }),
    );
    expect(error.code).toBe('INVALID_NAME');
    expect(count('hosts')).toBe(1);
  });

  it.each([
    ['option injection', '-oProxyCommand=touch /tmp/x'],
    ['command substitution', '$(id).example.com'],
    ['newline', 'example.com\nfoo'],
    ['user@host', 'root@example.com'],
  ])('rejects an address with %s', async (_label, address) => {
    expect((await consoleError(() => store.hosts.create({ name: 'h', address, user: 'backup' }))).code).toBe(
      'INVALID_NAME',
    );
  });

  it('accepts IPv4, IPv6 and DNS names; rejects bad users and ports', async () => {
    for (const [i, address] of ['10.0.0.1', '::1', '[fe80::1]', 'backup-01.example.com'].entries()) {
      await store.hosts.create({ name: `h${i}`, address, user: 'backup' });
    }
    expect(
      (await consoleError(() => store.hosts.create({ name: 'u', address: 'x.example', user: '-oops' }))).code,
    ).toBe('INVALID_NAME');
    expect(
      (await consoleError(() => store.hosts.create({ name: 'u', address: 'x.example', user: 'a b' }))).code,
    ).toBe('INVALID_NAME');
    expect(
      (
        await consoleError(() =>
          store.hosts.create({ name: 'p', address: 'x.example', user: 'b', port: 70000 }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
  });

  it('records where restic is on a host: a name in PATH or an absolute path, never an option', async () => {
    const host = await store.hosts.create({ name: 'rp', address: 'x.example', user: 'b', resticPath: '/opt/restic/bin/restic' });
    expect(host.resticPath).toBe('/opt/restic/bin/restic');
    for (const bad of ['-h', 'bin/restic', 'restic; rm -rf /', 'a\nb', '']) {
      const error = await consoleError(() => store.hosts.update(host.id, { resticPath: bad }));
      expect(error.code, bad).toBe('INVALID_NAME');
    }
    expect((await store.hosts.update(host.id, { resticPath: 'restic' })).resticPath).toBe('restic');
    expect((await store.hosts.update(host.id, { resticPath: null })).resticPath).toBeUndefined();
  });

  it('pins a host key with the fingerprint ssh-keygen -lf prints, and guards changes', async () => {
    const h = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    expect(store.hosts.checkHostKey(h.id, KEY_A_FP)).toBe('unknown');

    const wrong = await consoleError(() =>
      store.hosts.pinHostKey(h.id, KEY_A, { expectedFingerprint: KEY_B_FP }),
    );
    expect(wrong.code).toBe('CONFLICT');
    expect((await store.hosts.get(h.id)).hostKey).toBeUndefined();

    const pinned = await store.hosts.pinHostKey(h.id, KEY_A, { expectedFingerprint: KEY_A_FP });
    expect(pinned.hostKey?.fingerprint).toBe(KEY_A_FP);
    expect(pinned.hostKey?.publicKey).toBe(KEY_A.replace(/ test$/, ''));
    expect(store.hosts.checkHostKey(h.id, KEY_A_FP)).toBe('match');
    expect(store.hosts.checkHostKey(h.id, KEY_B_FP)).toBe('changed');

    const changed = await consoleError(() => store.hosts.pinHostKey(h.id, KEY_B));
    expect(changed.code).toBe('HOST_KEY_CHANGED');
    expect(changed.detail).toEqual({ pinned: KEY_A_FP, offered: KEY_B_FP });
    expect((await store.hosts.get(h.id)).hostKey?.fingerprint).toBe(KEY_A_FP);

    expect((await store.hosts.pinHostKey(h.id, KEY_B, { replace: true })).hostKey?.fingerprint).toBe(
      KEY_B_FP,
    );
    expect((await store.hosts.unpinHostKey(h.id)).hostKey).toBeUndefined();
  });

  it('rejects malformed public keys', async () => {
    const h = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    // The type in front must match the type inside the blob.
    const lying = KEY_A.replace('ssh-ed25519', 'ssh-rsa');
    for (const key of ['', 'ssh-ed25519', 'ssh-ed25519 !!!notbase64', lying, 'ssh-foo AAAA']) {
      expect((await consoleError(() => store.hosts.pinHostKey(h.id, key))).code).toBe('BAD_REQUEST');
    }
  });

  it('keeps the private key in the secret store only', async () => {
    const h = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    const body = randomBytes(300).toString('base64');
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const withKey = await store.hosts.setPrivateKey(h.id, key, 'pass-phrase-123456');
    expect(withKey).toMatchObject({ privateKeySet: true, authKind: 'key' });
    expect(JSON.stringify(withKey)).not.toContain(body);
    expect(await secrets.get(secretNames.hostPrivateKey(h.id))).toBe(key);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(await filesContaining(dir, body.slice(0, 40))).toEqual([]);
    expect(await filesContaining(dir, 'pass-phrase-123456')).toEqual([]);

    const bad = await consoleError(() => store.hosts.setPrivateKey(h.id, `not a key ${body}`));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).not.toContain(body.slice(0, 20));

    await store.hosts.remove(h.id);
    expect(secrets.values.size).toBe(0);
  });
});

describe('repositories', () => {
  it('derives the kind, joins the business and flags the password without storing it', async () => {
    const biz = store.businesses.create({ name: 'Acme' });
    const repo = await store.repositories.create({
      name: 'acme main',
      location: 's3:http://127.0.0.1:9000/acme',
      businessId: biz.id,
      env: { AWS_DEFAULT_REGION: 'us-east-1' },
    });
    expect(repo).toMatchObject({
      kind: 's3',
      hostId: 'local',
      businessName: 'Acme',
      role: 'primary',
      passwordSet: false,
      env: { AWS_DEFAULT_REGION: 'us-east-1' },
    });

    const password = `pw-${randomBytes(12).toString('hex')}`;
    expect((await store.repositories.setPassword(repo.id, password)).passwordSet).toBe(true);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(await filesContaining(dir, password)).toEqual([]);

    expect((await store.repositories.update(repo.id, { role: 'offsite' })).role).toBe('offsite');
    await store.repositories.remove(repo.id);
    expect(await secrets.has(secretNames.repoPassword(repo.id))).toBe(false);
  });

  it('refuses credentials in the location and secrets in the environment', async () => {
    const creds = await consoleError(() =>
      store.repositories.create({ name: 'r', location: 's3:https://AKIA:topsecret@minio.example/bucket' }),
    );
    expect(creds.code).toBe('INVALID_NAME');
    expect(creds.message).not.toContain('topsecret');
    for (const name of [
      'AWS_SECRET_ACCESS_KEY',
      'RESTIC_PASSWORD',
      'RESTIC_REPOSITORY',
      'B2_ACCOUNT_KEY_TOKEN',
    ]) {
      const error = await consoleError(() =>
        store.repositories.create({ name: 'r', location: '/srv/r', env: { [name]: 'x' } }),
      );
      expect(error.code).toBe('BAD_REQUEST');
    }
    expect(
      (await consoleError(() => store.repositories.create({ name: 'r', location: '-r /etc' }))).code,
    ).toBe('INVALID_NAME');
    expect(
      (await consoleError(() => store.repositories.create({ name: 'r', location: '/srv/r', kind: 's3' })))
        .code,
    ).toBe('BAD_REQUEST');
    expect(
      (
        await consoleError(() =>
          store.repositories.create({ name: 'r', location: '/srv/r', hostId: 'host-nope' }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect(count('repositories')).toBe(0);
  });
});

describe('plans', () => {
  async function fixture() {
    const biz = store.businesses.create({ name: 'Acme', freshnessTargetHours: 30 });
    const host = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    const repo = await store.repositories.create({ name: 'acme', location: '/srv/acme', businessId: biz.id });
    return { biz, host, repo };
  }

  it('stores paths with quotes and $(…) verbatim, and computes the effective freshness', async () => {
    const { biz, host, repo } = await fixture();
    const paths = [`/srv/data/O'Brien "Q3"`, '/srv/$(rm -rf ~)/`id`', '/srv/报告'];
    const plan = store.plans.create({
      name: 'app data',
      businessId: biz.id,
      hostId: host.id,
      repositoryId: repo.id,
      paths,
      tags: ['plan:app', 'daily'],
    });
    expect(plan.paths).toEqual(paths);
    expect(plan).toMatchObject({
      freshnessTargetHours: null,
      effectiveFreshnessHours: 30,
      schedule: 'daily',
      enabled: true,
    });
    expect(store.plans.update(plan.id, { freshnessTargetHours: 6 }).effectiveFreshnessHours).toBe(6);
    expect(store.plans.list({ hostId: host.id }).map((p) => p.id)).toEqual([plan.id]);
  });

  it.each([
    ['a path with a newline', { paths: ['/srv/a\nb'] }, 'INVALID_NAME'],
    ['a relative path', { paths: ['srv/a'] }, 'INVALID_NAME'],
    ['a path starting with -', { paths: ['--exclude=/'] }, 'INVALID_NAME'],
    ['no path at all', { paths: [] }, 'BAD_REQUEST'],
    ['a tag with a comma', { tags: ['a,b'] }, 'INVALID_NAME'],
    ['a tag with $(…)', { tags: ['$(id)'] }, 'INVALID_NAME'],
    ['a schedule with a newline', { schedule: 'daily\nExecStart=/bin/sh' }, 'INVALID_NAME'],
    ['a name with a newline', { name: 'x\ny' }, 'INVALID_NAME'],
  ] as [string, Partial<PlanInput>, string][])('rejects %s', async (_label, patch, code) => {
    const { biz, host, repo } = await fixture();
    const error = await consoleError(() =>
      store.plans.create({
        name: 'p',
        businessId: biz.id,
        hostId: host.id,
        repositoryId: repo.id,
        paths: ['/srv'],
        ...patch,
      }),
    );
    expect(error.code).toBe(code);
    expect(count('plans')).toBe(0);
  });

  it('refuses a repository of another business, and deletions that would orphan rows', async () => {
    const { biz, host, repo } = await fixture();
    const other = store.businesses.create({ name: 'Other' });
    const error = await consoleError(() =>
      store.plans.create({
        name: 'p',
        businessId: other.id,
        hostId: host.id,
        repositoryId: repo.id,
        paths: ['/srv'],
      }),
    );
    expect(error.code).toBe('CONFLICT');

    const plan = store.plans.create({
      name: 'p',
      businessId: biz.id,
      hostId: host.id,
      repositoryId: repo.id,
      paths: ['/srv'],
    });
    expect(
      (
        await consoleError(() =>
          store.plans.create({
            name: 'P',
            businessId: biz.id,
            hostId: host.id,
            repositoryId: repo.id,
            paths: ['/srv'],
          }),
        )
      ).code,
    ).toBe('CONFLICT');
    expect((await consoleError(() => store.businesses.remove(biz.id))).code).toBe('CONFLICT');
    expect((await consoleError(() => store.hosts.remove(host.id))).code).toBe('CONFLICT');
    expect((await consoleError(() => store.repositories.remove(repo.id))).code).toBe('CONFLICT');
    store.plans.remove(plan.id);
    await store.repositories.remove(repo.id);
    await store.hosts.remove(host.id);
    store.businesses.remove(biz.id);
    store.businesses.remove(other.id);
    expect(count('plans') + count('repositories') + count('businesses')).toBe(0);
  });
});

describe('survives a restart', () => {
  it('reopens with the same rows', async () => {
    const biz = store.businesses.create({ name: HOSTILE.accepted.unicode });
    store.close();
    store = await openStore({ dataDir: dir, secrets });
    expect(store.businesses.get(biz.id).name).toBe(HOSTILE.accepted.unicode);
  });
});

describe('the JSON inventory import', () => {
  it('imports inventory.json once, creating businesses by name, skipping what breaks the rules', async () => {
    store.close();
    const fresh = await tempDataDir();
    await fs.writeFile(
      path.join(fresh, 'inventory.json'),
      JSON.stringify({
        version: 1,
        hosts: [
          { id: 'local', name: 'this machine', kind: 'local' },
          { id: 'web1', name: 'web-1', kind: 'ssh', address: '127.0.0.2', port: 2222, user: 'backup' },
        ],
        repos: [
          {
            id: 'demo',
            name: 'Demo repository',
            location: path.join(fresh, 'demo', 'repository'),
            kind: 'local',
            hostId: 'local',
            business: 'Demo business',
            demo: true,
            env: {},
          },
          { id: 'bad', name: 'bad\nname', location: '/srv/bad', kind: 'local', hostId: 'local', env: {} },
        ],
      }),
    );
    store = await openStore({ dataDir: fresh, secrets });
    expect(store.inventoryImport).toMatchObject({ imported: true, hosts: 1, repositories: 1, businesses: 1 });
    expect(store.inventoryImport?.skipped).toEqual([
      expect.objectContaining({ kind: 'repository', id: 'bad' }),
    ]);
    const demo = await store.repositories.get('demo');
    expect(demo).toMatchObject({ demo: true, businessName: 'Demo business', hostId: 'local' });
    expect((await store.hosts.get('web1')).port).toBe(2222);

    // Removing the imported repository and reopening must not bring it back.
    await store.repositories.remove('demo');
    store.close();
    store = await openStore({ dataDir: fresh, secrets });
    expect(store.inventoryImport).toMatchObject({ imported: false, reason: 'already-imported' });
    expect(store.repositories.exists('demo')).toBe(false);
  });
});

// The app:// protocol handler and the safeStorage secret store of the
// desktop build, exercised with web Request/Response and a fake safeStorage.

import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../electron/main/app-protocol';
import {
  SafeStorageSecretStore,
  chooseSecretBackend,
  type SafeStorageLike,
} from '../../electron/main/safe-storage-secrets';
import { APP_URL } from '../../electron/main/window-policy';

let tmp: string;
let dist: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rfc-app-protocol-'));
  dist = path.join(tmp, 'dist');
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>rfc</title>');
  await writeFile(path.join(dist, 'assets', 'index-abc.js'), 'export {};');
  await writeFile(path.join(tmp, 'secret.txt'), 'OUTSIDE');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  const get = (url: string, init?: RequestInit) => createAppProtocolHandler(dist)(new Request(url, init));

  it('serves index.html with the CSP', async () => {
    const res = await get(APP_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>rfc</title>');
  });

  it('serves assets and falls back to index.html for routes only', async () => {
    const js = await get('app://console/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://console/repos/r1')).status).toBe(200);
    expect((await get('app://console/assets/missing.js')).status).toBe(404);
  });

  it('never leaves the renderer directory and answers only its own host', async () => {
    for (const url of [
      'app://console/../secret.txt',
      'app://console/%2e%2e/secret.txt',
      'app://console/..%2fsecret.txt',
    ]) {
      const res = await get(url);
      expect(await res.text(), url).not.toContain('OUTSIDE');
    }
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get(APP_URL, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`),
    decryptString: (b) => Buffer.from(b.toString().replace(/^sealed:/, ''), 'hex').toString(),
    getSelectedStorageBackend: () => backend,
  };
}

describe('secret backend choice', () => {
  it('uses safeStorage with a real keyring', () => {
    expect(chooseSecretBackend(fakeSafeStorage('gnome_libsecret'), 'linux')).toEqual({ kind: 'safeStorage' });
    expect(chooseSecretBackend(fakeSafeStorage('kwallet5'), 'linux')).toEqual({ kind: 'safeStorage' });
    expect(chooseSecretBackend(fakeSafeStorage('unknown'), 'darwin')).toEqual({ kind: 'safeStorage' });
  });

  it('refuses basic_text and an unavailable safeStorage, loudly', () => {
    const basic = chooseSecretBackend(fakeSafeStorage('basic_text'), 'linux');
    expect(basic.kind).toBe('file');
    expect(basic.kind === 'file' && basic.warning).toMatch(/^WARNING: .*basic_text/);
    expect(chooseSecretBackend(fakeSafeStorage('gnome_libsecret', false), 'linux').kind).toBe('file');
  });
});

describe('SafeStorageSecretStore', () => {
  it('stores sealed values in a 0600 file and never the plain text', async () => {
    const file = path.join(tmp, 'userData', 'secrets.safestorage.json');
    const store = new SafeStorageSecretStore(file, fakeSafeStorage());
    expect(await store.has('repo:r1:password')).toBe(false);
    await Promise.all([
      store.set('repo:r1:password', 'hunter2'),
      store.set('repo:r2:password', 'correct horse'),
    ]);
    expect(await store.get('repo:r1:password')).toBe('hunter2');
    expect(await store.get('repo:r2:password')).toBe('correct horse');
    expect(await store.has('repo:r2:password')).toBe(true);
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain('hunter2');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.delete('repo:r1:password');
    expect(await store.get('repo:r1:password')).toBeUndefined();
    expect(await store.get('repo:r2:password')).toBe('correct horse');
  });
});

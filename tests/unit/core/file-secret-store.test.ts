import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../../electron/core/secrets/file-secret-store';

describe('FileSecretStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rfc-secrets-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('round-trips values and never writes them in clear', async () => {
    const store = new FileSecretStore(dir);
    const value = `pw-${Math.random().toString(36).slice(2)}-ünïcødé`;
    await store.set('repo:a:password', value);
    expect(await store.get('repo:a:password')).toBe(value);
    expect(await store.has('repo:a:password')).toBe(true);
    expect(await store.has('repo:b:password')).toBe(false);

    for (const file of await fs.readdir(dir)) {
      const bytes = await fs.readFile(path.join(dir, file));
      expect(bytes.includes(Buffer.from(value, 'utf8'))).toBe(false);
    }
    // A second instance (a restart) reads what the first sealed.
    expect(await new FileSecretStore(dir).get('repo:a:password')).toBe(value);
  });

  it('keeps its key file and data owner-only', async () => {
    const store = new FileSecretStore(dir);
    await store.set('x', 'y');
    for (const file of ['secrets.key', 'secrets.json']) {
      const mode = (await fs.stat(path.join(dir, file))).mode & 0o777;
      expect(mode).toBe(0o600);
    }
  });

  it('refuses a key file others can read', async () => {
    await new FileSecretStore(dir).set('x', 'y');
    await fs.chmod(path.join(dir, 'secrets.key'), 0o644);
    await expect(new FileSecretStore(dir).get('x')).rejects.toThrow(/readable by others/);
  });

  it('binds a sealed value to its name', async () => {
    const store = new FileSecretStore(dir);
    await store.set('a', 'secret-a');
    const file = path.join(dir, 'secrets.json');
    const data = JSON.parse(await fs.readFile(file, 'utf8'));
    data.entries.b = data.entries.a;
    await fs.writeFile(file, JSON.stringify(data));
    await expect(new FileSecretStore(dir).get('b')).rejects.toThrow();
  });

  it('loses no value under concurrent writes, and deletes', async () => {
    const store = new FileSecretStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    for (let i = 0; i < 20; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
    await store.delete('k3');
    expect(await store.has('k3')).toBe(false);
  });
});

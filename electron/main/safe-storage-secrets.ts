/**
 * The desktop build's secret store: values sealed with Electron's
 * safeStorage (the OS keychain / libsecret / kwallet key), kept in one
 * 0600 JSON file in userData. On Linux, safeStorage's `basic_text` backend
 * is only obfuscation with a fixed key, so it is refused and the core's
 * AES-GCM file store (0600 key file) is used instead, with a loud warning.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../core/secrets/secret-store';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export type SecretBackendChoice = { kind: 'safeStorage' } | { kind: 'file'; warning: string };

/** Pure: which store to use, given what safeStorage reports on this platform. */
export function chooseSecretBackend(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): SecretBackendChoice {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      kind: 'file',
      warning:
        'WARNING: the OS secret store is not available to Electron safeStorage; secrets are kept in an AES-256-GCM file keyed by a 0600 key file in the data folder instead.',
    };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        kind: 'file',
        warning: `WARNING: Electron safeStorage would use the "${backend}" backend (no keyring: gnome-keyring/libsecret or kwallet is not running), which does not protect secrets; they are kept in an AES-256-GCM file keyed by a 0600 key file in the data folder instead.`,
      };
    }
  }
  return { kind: 'safeStorage' };
}

interface FileShape {
  version: 1;
  entries: Record<string, string>;
}

export class SafeStorageSecretStore implements SecretStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike,
  ) {}

  private async read(): Promise<FileShape> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as FileShape;
      return parsed.version === 1 && parsed.entries && typeof parsed.entries === 'object'
        ? parsed
        : { version: 1, entries: {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw error;
    }
  }

  private async write(shape: FileShape): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(shape), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(name: string): Promise<string | undefined> {
    const sealed = (await this.read()).entries[name];
    return sealed === undefined ? undefined : this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  set(name: string, value: string): Promise<void> {
    return this.serialise(async () => {
      const shape = await this.read();
      shape.entries[name] = this.safeStorage.encryptString(value).toString('base64');
      await this.write(shape);
    });
  }

  async has(name: string): Promise<boolean> {
    return Object.prototype.hasOwnProperty.call((await this.read()).entries, name);
  }

  delete(name: string): Promise<void> {
    return this.serialise(async () => {
      const shape = await this.read();
      if (!Object.prototype.hasOwnProperty.call(shape.entries, name)) return;
      delete shape.entries[name];
      await this.write(shape);
    });
  }
}

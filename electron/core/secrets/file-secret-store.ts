/**
 * Serve-mode secret store: one JSON file of AES-256-GCM sealed values,
 * keyed by a 32-byte key file readable only by its owner (0600). Each
 * value has its own random IV, and the secret's name is bound in as
 * associated data so sealed values cannot be swapped between names.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from './secret-store';

interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

interface FileShape {
  version: 1;
  entries: Record<string, Sealed>;
}

const KEY_BYTES = 32;

async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.rename(tmp, file);
}

export class FileSecretStore implements SecretStore {
  private key: Buffer | undefined;
  /** Serialises writes so two concurrent `set`s cannot lose one another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly keyFile = path.join(dir, 'secrets.key'),
    private readonly dataFile = path.join(dir, 'secrets.json'),
  ) {}

  private async loadKey(): Promise<Buffer> {
    if (this.key) return this.key;
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      const stat = await fs.stat(this.keyFile);
      if ((stat.mode & 0o077) !== 0) {
        throw new Error(`${this.keyFile} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
      }
      const key = await fs.readFile(this.keyFile);
      if (key.length !== KEY_BYTES) throw new Error(`${this.keyFile} is not a ${KEY_BYTES}-byte key`);
      this.key = key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const key = randomBytes(KEY_BYTES);
      // 'wx' so two processes starting together cannot both create a key.
      await fs.writeFile(this.keyFile, key, { mode: 0o600, flag: 'wx' });
      this.key = key;
    }
    return this.key;
  }

  private async read(): Promise<FileShape> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.dataFile, 'utf8')) as FileShape;
      return parsed.version === 1 && parsed.entries ? parsed : { version: 1, entries: {} };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw error;
    }
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async get(name: string): Promise<string | undefined> {
    const key = await this.loadKey();
    const sealed = (await this.read()).entries[name];
    if (!sealed) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }

  async has(name: string): Promise<boolean> {
    return (await this.read()).entries[name] !== undefined;
  }

  set(name: string, value: string): Promise<void> {
    return this.serialise(async () => {
      const key = await this.loadKey();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name, 'utf8'));
      const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      const file = await this.read();
      file.entries[name] = {
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      await writeFileAtomic(this.dataFile, JSON.stringify(file, null, 2));
    });
  }

  delete(name: string): Promise<void> {
    return this.serialise(async () => {
      const file = await this.read();
      if (!(name in file.entries)) return;
      delete file.entries[name];
      await writeFileAtomic(this.dataFile, JSON.stringify(file, null, 2));
    });
  }
}

// Shared by the store, jobs and audit unit tests: a real SQLite file in a
// fresh temp dir, and a small in-memory SecretStore.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConsoleError } from '../../../shared';
import type { SecretStore } from '../../../electron/core/secrets/secret-store';
import { makeTempDir } from '../../support/tmp';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string) {
    return this.values.get(name);
  }
  async set(name: string, value: string) {
    this.values.set(name, value);
  }
  async has(name: string) {
    return this.values.has(name);
  }
  async delete(name: string) {
    this.values.delete(name);
  }
}

export async function tempDataDir(): Promise<string> {
  return makeTempDir('rfc-store-');
}

/** Every file under `dir` (recursively) that contains `needle` as bytes. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if ((await fs.readFile(p)).includes(Buffer.from(needle, 'utf8'))) hits.push(p);
    }
  };
  await walk(dir);
  return hits;
}

/** Runs `fn`, expects a ConsoleError, returns it (fails the test otherwise). */
export async function consoleError(fn: () => unknown): Promise<ConsoleError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ConsoleError) return error;
    throw new Error(
      `expected a ConsoleError, got: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  throw new Error('expected a ConsoleError, but nothing was thrown');
}

/** Names a hostile user might type, with what the display-name rules make of them. */
export const HOSTILE = {
  accepted: {
    quotes: `O'Brien "Backups" Ltd`,
    substitution: 'acme $(rm -rf /) `id` ; echo pwned',
    unicode: '北京分公司 — Zürich ✓',
  },
  rejected: {
    newline: 'acme\nrm -rf /',
    carriageReturn: 'acme\r',
    tab: 'acme\tcorp',
    nul: 'acme\u0000',
    escape: 'acme\u001b[31m',
    leadingDash: '-oProxyCommand=evil',
    bidiOverride: 'acme\u202Egnp.exe',
    fourKiB: 'a'.repeat(4096),
    empty: '',
    padded: ' acme ',
  },
} as const;

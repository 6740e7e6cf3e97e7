// Temporary directories and free ports for tests.
//
// Every directory made here is removed when cleanupTempDirs() runs (tests
// call it in afterAll) and, as a fallback, when the test process exits.
// Set RFC_KEEP_TMP=1 to keep them for a post-mortem.

import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One registry per process, although vitest re-evaluates this module for
// every test file it runs in the same worker.
const REGISTRY = Symbol.for('restic-fleet-console.tests.tmp');
const globalSlot = globalThis as unknown as Record<symbol, Set<string> | undefined>;
const firstLoad = globalSlot[REGISTRY] === undefined;
const created: Set<string> = (globalSlot[REGISTRY] ??= new Set());
const keep = process.env.RFC_KEEP_TMP === '1';

/** Makes a fresh directory under the OS temp dir, tracked for cleanup. */
export async function makeTempDir(prefix = 'rfc-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Synchronous variant for places that cannot await (e.g. describe bodies). */
export function makeTempDirSync(prefix = 'rfc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

/** Removes one tracked directory now (e.g. a fixture's own, on stop). */
export async function removeTempDir(dir: string): Promise<void> {
  created.delete(dir);
  if (!keep) await rm(dir, { recursive: true, force: true });
}

/** Removes every directory made so far in this process. */
export async function cleanupTempDirs(): Promise<void> {
  const dirs = [...created];
  created.clear();
  if (keep) return;
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

if (firstLoad) {
  process.on('exit', () => {
    if (keep) return;
    for (const d of created) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        // Best effort: the process is going away anyway.
      }
    }
  });
}

/**
 * Returns a TCP port that was free on `host` a moment ago. The kernel picks
 * it (port 0), so parallel callers do not collide with each other; a peer
 * started on it may still lose a race with an unrelated process, which the
 * fixtures handle by retrying with a new port.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the listening port'));
        return;
      }
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once `host:port` accepts a TCP connection, or rejects after `timeoutMs`. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs = 15_000,
  isDead: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = isDead();
    if (dead !== null) throw new Error(dead);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host, port });
      sock.setTimeout(1000);
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('timeout', () => {
        sock.destroy();
        resolve(false);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${host}:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

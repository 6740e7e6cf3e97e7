// Typed access to the peers provisioned by scripts/provision.mjs.
//
// The manifest lives in the per-user cache (outside the repository) and
// records the real binaries and the versions they reported. Tests never
// guess paths: they ask here, and fail loudly when provisioning has not run.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PeerBinary {
  version: string;
  path: string;
}

export interface ResticBinary extends PeerBinary {
  /** Where it came from: Debian's package or built with Go. */
  source?: 'debian' | 'go';
}

export interface PeersManifest {
  generatedAt?: string;
  cacheDir?: string;
  restic: ResticBinary[];
  minio: PeerBinary & { reported?: string };
  mc: PeerBinary & { reported?: string };
  sshd: PeerBinary;
  chromium: PeerBinary;
  sshKeygen: { path: string };
}

const NOT_PROVISIONED = 'peers not provisioned: run `npm test` or `node scripts/provision.mjs`';

/** Path of the manifest; RFC_PEERS_MANIFEST overrides the default. */
export function manifestPath(): string {
  const override = process.env.RFC_PEERS_MANIFEST;
  if (override) return override;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'restic-fleet-console', 'peers', 'manifest.json');
}

let cached: { path: string; manifest: PeersManifest } | undefined;

function isBinary(v: unknown): v is PeerBinary {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as PeerBinary).version === 'string' &&
    typeof (v as PeerBinary).path === 'string'
  );
}

/** Reads and validates the manifest, checking every binary still exists. */
export function loadManifest(): PeersManifest {
  const path = manifestPath();
  if (cached?.path === path) return cached.manifest;
  if (!existsSync(path)) throw new Error(`${NOT_PROVISIONED} (no manifest at ${path})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${NOT_PROVISIONED} (unreadable manifest ${path}: ${(err as Error).message})`);
  }
  const m = raw as Partial<PeersManifest>;
  const problems: string[] = [];
  if (!Array.isArray(m.restic) || m.restic.length < 2 || !m.restic.every(isBinary)) {
    problems.push('restic (needs Debian 0.14 and the newest build)');
  }
  for (const key of ['minio', 'mc', 'sshd', 'chromium'] as const) {
    if (!isBinary(m[key])) problems.push(key);
  }
  if (typeof m.sshKeygen?.path !== 'string') problems.push('sshKeygen');
  if (problems.length > 0) {
    throw new Error(`${NOT_PROVISIONED} (manifest ${path} lacks: ${problems.join(', ')})`);
  }
  const manifest = m as PeersManifest;
  const paths = [
    ...manifest.restic.map((r) => r.path),
    manifest.minio.path,
    manifest.mc.path,
    manifest.sshd.path,
    manifest.chromium.path,
    manifest.sshKeygen.path,
  ];
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(`${NOT_PROVISIONED} (binaries listed in ${path} are gone: ${missing.join(', ')})`);
  }
  cached = { path, manifest };
  return manifest;
}

/** Every restic the tests run against, oldest first (Debian 0.14, newest release). */
export function resticBinaries(): ResticBinary[] {
  return [...loadManifest().restic].sort((a, b) => compareVersions(a.version, b.version));
}

export function minioBinary(): PeerBinary {
  return loadManifest().minio;
}

export function mcBinary(): PeerBinary {
  return loadManifest().mc;
}

export function sshdBinary(): PeerBinary {
  return loadManifest().sshd;
}

export function sshKeygenPath(): string {
  return loadManifest().sshKeygen.path;
}

/** Path to give Playwright as `executablePath`. */
export function chromiumPath(): string {
  return loadManifest().chromium.path;
}

/** Numeric compare of dotted versions ("0.14.0" < "0.19.1"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

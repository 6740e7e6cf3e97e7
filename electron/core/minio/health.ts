/**
 * MinIO's unauthenticated health endpoints:
 * - /minio/health/live: the process answers (200; 503 when busy);
 * - /minio/health/cluster: write quorum (200 ok, 503 lost), with the
 *   x-minio-write-quorum and x-minio-healing-drives headers;
 * - /minio/health/cluster/read: read quorum (200 ok, 503 lost).
 */
import { ConsoleError } from '../../../shared';
import { httpRequest } from './http';
import { normaliseEndpoint } from './admin-client';

export interface ProbeResult {
  /** HTTP status, or null when nothing answered. */
  status: number | null;
  ok: boolean;
  /** Why not, in words, when nothing answered. */
  error?: string;
  headers?: Record<string, string>;
}

export interface HealthProbes {
  live: ProbeResult;
  cluster: ProbeResult;
  read: ProbeResult;
  /** From x-minio-write-quorum. */
  writeQuorum?: number;
  /** From x-minio-healing-drives. */
  healingDrives?: number;
  ms: number;
}

export interface HealthOptions {
  caPem?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

async function probe(base: URL, path: string, opts: HealthOptions): Promise<ProbeResult> {
  try {
    const res = await httpRequest({
      method: 'GET',
      url: new URL(path, base),
      ...(opts.caPem ? { caPem: opts.caPem } : {}),
      timeoutMs: opts.timeoutMs ?? 10_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (k.startsWith('x-minio-') && v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    return { status: res.status, ok: res.status === 200, headers };
  } catch (error) {
    if (error instanceof ConsoleError && error.code === 'CANCELLED') throw error;
    const words =
      (error instanceof ConsoleError ? (error.detail as { words?: string } | undefined)?.words : undefined) ??
      (error instanceof Error ? error.message : String(error));
    return { status: null, ok: false, error: words };
  }
}

function intHeader(r: ProbeResult, name: string): number | undefined {
  const v = r.headers?.[name];
  if (v === undefined) return undefined;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** The three probes, side by side. Never throws for an unhealthy or unreachable server (only for a bad endpoint or cancel). */
export async function probeHealth(endpoint: string, opts: HealthOptions = {}): Promise<HealthProbes> {
  const base = normaliseEndpoint(endpoint);
  const started = Date.now();
  const [live, cluster, read] = await Promise.all([
    probe(base, '/minio/health/live', opts),
    probe(base, '/minio/health/cluster', opts),
    probe(base, '/minio/health/cluster/read', opts),
  ]);
  const writeQuorum = intHeader(cluster, 'x-minio-write-quorum');
  const healingDrives = intHeader(cluster, 'x-minio-healing-drives');
  return {
    live,
    cluster,
    read,
    ...(writeQuorum !== undefined ? { writeQuorum } : {}),
    ...(healingDrives !== undefined ? { healingDrives } : {}),
    ms: Date.now() - started,
  };
}

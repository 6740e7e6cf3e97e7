/**
 * A connection's health and usage in one picture (MinioStatus): the three
 * health probes, the admin info (drives, parity → tolerance, capacity), the
 * scanner's per-bucket usage (it lags) and each bucket's quota. Gathering
 * never throws for an unhealthy server: what failed is a reason in words.
 */
import {
  ConsoleError,
  formatBytes,
  mcAliasName,
  QUOTA_FAILING_PERCENT,
  QUOTA_WARNING_PERCENT,
  quotaStatus,
  type CheckStatus,
  type MinioBucket,
  type MinioDrive,
  type MinioStatus,
} from '../../../shared';
import {
  MinioAdmin,
  type AdminInfo,
  type BucketQuota,
  type DataUsage,
  type MinioConnectionConfig,
} from './admin-client';
import type { StoredConnection } from './connections';
import { probeHealth, type HealthProbes } from './health';
import { MinioS3 } from './s3';
import { driveOnline, erasureSets, toleranceWords } from './tolerance';

export interface Gathered {
  probes: HealthProbes;
  info?: AdminInfo;
  usage?: DataUsage;
  bucketNames?: string[];
  quotas: Map<string, BucketQuota | null>;
  adminError?: ConsoleError;
}

function asConsoleError(error: unknown): ConsoleError {
  return error instanceof ConsoleError
    ? error
    : new ConsoleError('MINIO_ERROR', error instanceof Error ? error.message : String(error));
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** Asks the server everything the status needs. */
export async function gather(cfg: MinioConnectionConfig, signal?: AbortSignal): Promise<Gathered> {
  const probes = await probeHealth(cfg.endpoint, {
    ...(cfg.caPem ? { caPem: cfg.caPem } : {}),
    ...(signal ? { signal } : {}),
    timeoutMs: cfg.timeoutMs ?? 10_000,
  });
  const quotas = new Map<string, BucketQuota | null>();
  // Nothing answered: the admin API will not either.
  if (probes.live.status === null) return { probes, quotas };
  const admin = new MinioAdmin(cfg);
  const s3 = new MinioS3(cfg);
  const [info, usage, buckets] = await Promise.allSettled([
    admin.info(signal),
    admin.dataUsage(signal),
    s3.listBuckets(),
  ]);
  const out: Gathered = { probes, quotas };
  if (info.status === 'fulfilled') out.info = info.value;
  else out.adminError = asConsoleError(info.reason);
  if (usage.status === 'fulfilled') out.usage = usage.value;
  if (buckets.status === 'fulfilled') out.bucketNames = buckets.value.map((b) => b.name);
  else if (out.usage) out.bucketNames = Object.keys(out.usage.bucketsUsageInfo);
  if (!out.adminError && out.bucketNames) {
    await mapLimit(out.bucketNames, 4, async (name) => {
      try {
        quotas.set(name, await admin.getBucketQuota(name, signal));
      } catch {
        quotas.set(name, null);
      }
    });
  }
  return out;
}

const pct = (n: number): string => `${Math.round(n * 10) / 10}%`;

export function bucketVerdict(
  name: string,
  size: number | null,
  quota: number | null,
): Pick<MinioBucket, 'quotaPercent' | 'status' | 'reason'> {
  if (quota === null) return { quotaPercent: null, status: 'ok', reason: `bucket ${name}: no quota` };
  if (size === null)
    return {
      quotaPercent: null,
      status: 'ok',
      reason: `bucket ${name}: quota ${formatBytes(quota)}; usage not scanned yet (MinIO's scanner lags)`,
    };
  const percent = (size / quota) * 100;
  const status = quotaStatus(percent);
  const tail =
    status === 'failing'
      ? ` (≥ ${QUOTA_FAILING_PERCENT}%: writes will soon be refused)`
      : status === 'warning'
        ? ` (≥ ${QUOTA_WARNING_PERCENT}%)`
        : '';
  return {
    quotaPercent: Math.round(percent * 10) / 10,
    status,
    reason: `bucket ${name}: ${formatBytes(size)} of its ${formatBytes(quota)} quota used, ${pct(percent)}${tail}`,
  };
}

/** Pure: the status from what was gathered. */
export function summarise(
  conn: Pick<StoredConnection, 'id' | 'name' | 'endpoint'>,
  g: Gathered,
  checkedAt: number,
  ms: number,
): MinioStatus {
  const failing: string[] = [];
  const warning: string[] = [];
  const p = g.probes;
  const where = `MinIO ${conn.name} (${conn.endpoint})`;
  if (p.live.status === null) failing.push(`${where} unreachable: ${p.live.error ?? 'no answer'}`);
  else if (!p.live.ok) failing.push(`${where} not live (HTTP ${p.live.status})`);
  if (p.live.status !== null) {
    if (!p.cluster.ok)
      failing.push(`write quorum lost (cluster health HTTP ${p.cluster.status ?? 'no answer'}): writes fail`);
    if (!p.read.ok) failing.push(`read quorum lost (HTTP ${p.read.status ?? 'no answer'}): reads fail`);
  }
  const healing = p.healingDrives ?? 0;
  if (healing > 0) warning.push(`${healing} ${healing === 1 ? 'drive is' : 'drives are'} healing`);

  const info = g.info;
  const sets = info ? erasureSets(info) : [];
  const drives: MinioDrive[] = [];
  for (const server of info?.servers ?? []) {
    for (const d of server.drives ?? []) {
      drives.push({
        endpoint: d.endpoint,
        server: server.endpoint,
        state: d.state,
        online: driveOnline(d.state),
        healing: d.healing === true,
        pool: d.pool_index ?? null,
        set: d.set_index ?? null,
        totalBytes: d.totalspace ?? 0,
        usedBytes: d.usedspace ?? 0,
      });
    }
  }
  drives.sort(
    (a, b) =>
      (a.pool ?? 0) - (b.pool ?? 0) || (a.set ?? 0) - (b.set ?? 0) || a.endpoint.localeCompare(b.endpoint),
  );
  const offline = info?.backend?.offlineDisks ?? drives.filter((d) => !d.online).length;
  const online = info?.backend?.onlineDisks ?? drives.filter((d) => d.online).length;
  const moreForWrite = sets.length > 0 ? Math.min(...sets.map((s) => s.moreForWrite)) : null;
  const moreForRead = sets.length > 0 ? Math.min(...sets.map((s) => s.moreForRead)) : null;
  const tolerance = info ? toleranceWords(sets) : undefined;
  if (info && offline > 0) {
    const line = `${offline} of ${online + offline} drives offline; ${tolerance}`;
    if (moreForWrite !== null && moreForWrite < 0) failing.push(line);
    else warning.push(line);
  }
  const offlineServers = (info?.servers ?? []).filter((s) => s.state !== 'online' && s.state !== 'ok');
  if (offlineServers.length > 0)
    warning.push(`server ${offlineServers.map((s) => `${s.endpoint} ${s.state}`).join(', ')}`);

  if (g.adminError) {
    const e = g.adminError;
    const line = `admin API: ${e.message}`;
    // A plain S3 store has no admin API: say so, but it is not broken.
    if ((e.detail as { code?: string } | undefined)?.code === 'NoAdminAPI') warning.push(line);
    else failing.push(line);
  }

  const healthStatus: CheckStatus = failing.length > 0 ? 'failing' : warning.length > 0 ? 'warning' : 'ok';
  const healthReasons = [...failing, ...warning];
  const usageInfo = g.usage?.bucketsUsageInfo ?? {};
  const names = [...new Set([...(g.bucketNames ?? []), ...Object.keys(usageInfo)])].sort();
  const buckets: MinioBucket[] = names.map((name) => {
    const u = usageInfo[name];
    const q = g.quotas.get(name) ?? null;
    const size = u ? u.size : null;
    return {
      name,
      sizeBytes: size,
      objects: u ? u.objectsCount : null,
      versions: u ? (u.versionsCount ?? null) : null,
      quotaBytes: q ? q.size : null,
      ...bucketVerdict(name, size, q ? q.size : null),
    };
  });
  for (const b of buckets) {
    if (b.status === 'failing') failing.push(b.reason);
    else if (b.status === 'warning') warning.push(b.reason);
  }

  const capacity =
    drives.length > 0
      ? {
          usedBytes: drives.reduce((a, d) => a + d.usedBytes, 0),
          totalBytes: drives.reduce((a, d) => a + d.totalBytes, 0),
        }
      : undefined;
  const status: CheckStatus = failing.length > 0 ? 'failing' : warning.length > 0 ? 'warning' : 'ok';
  const okLine = info
    ? `healthy: live, write quorum ${p.writeQuorum ?? '?'} met, all ${online} drives online; ${tolerance}`
    : `live and in write quorum${p.writeQuorum !== undefined ? ` (${p.writeQuorum})` : ''}`;
  const alias = mcAliasName(conn.name);
  const lastUpdate = g.usage?.lastUpdate;
  return {
    connectionId: conn.id,
    name: conn.name,
    endpoint: conn.endpoint,
    checkedAt: new Date(checkedAt).toISOString(),
    ms,
    status,
    // A healthy server with a full bucket still says the server is fine.
    reasons: [...failing, ...warning, ...(healthStatus === 'ok' ? [okLine] : [])],
    health: { status: healthStatus, reasons: healthStatus === 'ok' ? [okLine] : healthReasons },
    ...(g.adminError ? { error: { code: g.adminError.code, message: g.adminError.message } } : {}),
    live: { status: p.live.status, ok: p.live.ok, ...(p.live.error ? { error: p.live.error } : {}) },
    writeQuorum: {
      status: p.cluster.status,
      ok: p.cluster.ok,
      ...(p.writeQuorum !== undefined ? { quorum: p.writeQuorum } : {}),
      ...(p.cluster.error ? { error: p.cluster.error } : {}),
    },
    readQuorum: {
      status: p.read.status,
      ok: p.read.ok,
      ...(p.read.headers?.['x-minio-read-quorum']
        ? { quorum: Number(p.read.headers['x-minio-read-quorum']) }
        : {}),
      ...(p.read.error ? { error: p.read.error } : {}),
    },
    healingDrives: healing,
    ...(info?.mode ? { mode: info.mode } : {}),
    ...(info?.servers?.[0]?.version ? { version: info.servers[0].version } : {}),
    ...(info ? { drivesOnline: online, drivesOffline: offline } : {}),
    ...(info?.backend?.standardSCParity !== undefined ? { parity: info.backend.standardSCParity } : {}),
    sets,
    moreForWrite,
    moreForRead,
    ...(tolerance ? { toleranceWords: tolerance } : {}),
    drives,
    ...(capacity ? { capacity } : {}),
    ...(g.usage
      ? {
          usage: {
            lastUpdate: lastUpdate && !lastUpdate.startsWith('0001-') ? lastUpdate : null,
            objects: g.usage.objectsCount,
            sizeBytes: g.usage.objectsTotalSize,
          },
        }
      : {}),
    buckets,
    commands: [
      `curl -sI ${conn.endpoint}/minio/health/live`,
      `curl -sI ${conn.endpoint}/minio/health/cluster`,
      `curl -sI ${conn.endpoint}/minio/health/cluster/read`,
      `mc admin info ${alias}`,
      ...buckets.slice(0, 20).map((b) => `mc quota info ${alias}/${b.name}`),
    ],
  };
}

/** Gathers and summarises one connection. */
export async function connectionStatus(
  conn: StoredConnection,
  cfg: MinioConnectionConfig,
  signal?: AbortSignal,
): Promise<MinioStatus> {
  const started = Date.now();
  const g = await gather(cfg, signal);
  return summarise(conn, g, started, Date.now() - started);
}

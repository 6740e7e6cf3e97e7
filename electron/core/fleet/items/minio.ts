/**
 * MinIO in the daily check: one `minio` item per connection (unreachable or
 * a lost quorum is failing; offline or healing drives a warning with the
 * remaining tolerance in words) and one `quota` item per bucket with a
 * quota (warning from 80 %, failing from 95 %). A bucket used by a
 * repository in the inventory (restic's `s3:<endpoint>/<bucket>/…`) is
 * reported against that repository and its business, so it lands on the
 * business's row of the board.
 */
import type { MinioStatus } from '../../../../shared';
import { connectionConfig, MinioConnectionStore, type StoredConnection } from '../../minio/connections';
import { connectionStatus } from '../../minio/status';
import type { SecretStore } from '../../secrets/secret-store';
import type { Db } from '../../store/db';
import type { CheckItem } from './types';
import { NO_SUBJECT } from './types';

export interface RepoRef {
  id: string;
  name: string;
  location: string;
  businessId: string | null;
  businessName: string | null;
}

/** The bucket a restic S3 location points into on this endpoint, or null. */
export function bucketOfLocation(location: string, endpoint: string): string | null {
  if (!location.startsWith('s3:')) return null;
  const rest = location.slice(3);
  let url: URL;
  try {
    url = new URL(/^https?:\/\//.test(rest) ? rest : `https://${rest}`);
  } catch {
    return null;
  }
  let ep: URL;
  try {
    ep = new URL(endpoint);
  } catch {
    return null;
  }
  if (url.host !== ep.host) return null;
  const bucket = url.pathname.split('/').filter((s) => s !== '')[0];
  return bucket ?? null;
}

/** Items from a status. Pure. */
export function minioStatusItems(status: MinioStatus, repos: readonly RepoRef[]): CheckItem[] {
  const data = {
    connectionId: status.connectionId,
    connectionName: status.name,
    endpoint: status.endpoint,
  };
  const items: CheckItem[] = [
    {
      ...NO_SUBJECT,
      hostName: `MinIO ${status.name}`,
      item: 'minio',
      status: status.health.status,
      reason: healthReason(status),
      data: {
        ...data,
        drivesOnline: status.drivesOnline ?? null,
        drivesOffline: status.drivesOffline ?? null,
        healingDrives: status.healingDrives,
        moreForWrite: status.moreForWrite,
        moreForRead: status.moreForRead,
        ...(status.error ? { code: status.error.code } : {}),
      },
    },
  ];
  for (const b of status.buckets) {
    if (b.quotaBytes === null) continue;
    const repo = repos.find((r) => bucketOfLocation(r.location, status.endpoint) === b.name);
    items.push({
      ...NO_SUBJECT,
      ...(repo
        ? { businessId: repo.businessId, businessName: repo.businessName, repositoryId: repo.id }
        : { hostName: `MinIO ${status.name}` }),
      item: 'quota',
      status: b.status,
      reason: b.reason,
      data: {
        ...data,
        bucket: b.name,
        sizeBytes: b.sizeBytes,
        quotaBytes: b.quotaBytes,
        percent: b.quotaPercent,
        ...(repo ? { repositoryName: repo.name } : {}),
      },
    });
  }
  return items;
}

function healthReason(status: MinioStatus): string {
  const where = `MinIO ${status.name}`;
  return status.health.reasons.map((r) => (r.startsWith('MinIO ') ? r : `${where}: ${r}`)).join('; ');
}

export interface MinioCheckDeps {
  db: Db;
  secrets: SecretStore;
  repositories: () => Promise<RepoRef[]>;
}

/** Every connection's status (saved as its last known one) as daily-check items. */
export async function minioCheckItems(deps: MinioCheckDeps, signal: AbortSignal): Promise<CheckItem[]> {
  const store = new MinioConnectionStore(deps.db);
  const connections = store.list();
  if (connections.length === 0) return [];
  const repos = (await deps.repositories()).filter((r) => r.location.startsWith('s3:'));
  const perConnection = await Promise.all(
    connections.map(async (c: StoredConnection): Promise<CheckItem[]> => {
      let status: MinioStatus;
      try {
        status = await connectionStatus(c, await connectionConfig(c, deps.secrets), signal);
      } catch (error) {
        if (signal.aborted) throw error;
        return [
          {
            ...NO_SUBJECT,
            hostName: `MinIO ${c.name}`,
            item: 'minio',
            status: 'failing',
            reason: `MinIO ${c.name}: not checked: ${error instanceof Error ? error.message : String(error)}`,
            data: { connectionId: c.id, connectionName: c.name, endpoint: c.endpoint },
          },
        ];
      }
      store.saveStatus(status);
      return minioStatusItems(status, repos);
    }),
  );
  return perConnection.flat();
}

/**
 * Everything a handler module may use, built once by the composition root
 * (app.ts). Handler modules take this and return their part of the
 * contract's handler map, so each area of the console owns one file.
 */
import type { ErrorBody } from '../../shared';
import type { AuditLog } from './audit/audit-log';
import type { JobManager } from './jobs/job-manager';
import type { Redactor } from './jobs/redact';
import type { EventBus } from './rpc/event-bus';
import type { SecretStore } from './secrets/secret-store';
import type { FleetRunners } from './ssh/fleet-runners';
import type { RepositoryService } from './services/repositories';
import type { SnapshotService } from './services/snapshots';
import type { StoreInventory } from './store/inventory-adapter';
import type { Store } from './store/store';

export interface CoreContext {
  readonly dataDir: string;
  readonly mode: 'desktop' | 'serve';
  readonly version: string;
  /** restic on "this machine" (RFC_RESTIC_BINARY, else `restic` from PATH). */
  readonly resticBinary: string;
  /** restic on a host: this machine's binary, or the host's configured path, else `restic` from its PATH. */
  resticBinaryFor(hostId: string): Promise<string>;
  readonly store: Store;
  readonly inventory: StoreInventory;
  /** Wrapped so every secret read or written is also masked in job logs and the audit log. */
  readonly secrets: SecretStore;
  readonly redactor: Redactor;
  readonly jobs: JobManager;
  readonly audit: AuditLog;
  readonly events: EventBus;
  /** Local exec for "this machine", pooled SSH for managed hosts. */
  readonly runners: FleetRunners;
  readonly repos: RepositoryService;
  readonly snapshots: SnapshotService;
  readonly startupIssues: ErrorBody[];
  readonly log: (message: string) => void;
}

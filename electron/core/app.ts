/**
 * The composition root of the core: opens the store, wraps the secret
 * store, starts the job manager and audit log, makes the demo fleet when
 * nothing is configured, and binds the contract's methods to the handler
 * modules. Transports get a `Core`.
 */
import os from 'node:os';
import path from 'node:path';
import { ConsoleError, type ErrorBody } from '../../shared';
import { AuditLog } from './audit/audit-log';
import type { CoreContext } from './context';
import type { Core } from './core';
import { ensureDemoFleet } from './demo/demo-fleet';
import { drillServiceFor, type DrillServiceOptions } from './drills/service';
import { FleetRunners } from './ssh/fleet-runners';
import { fleetHandlers } from './handlers/fleet';
import { hostRemoteHandlers } from './handlers/hosts-remote';
import { inventoryHandlers } from './handlers/inventory';
import { jobsAuditHandlers } from './handlers/jobs-audit';
import { repoMaintenanceHandlers } from './handlers/repo-maintenance';
import { snapshotHandlers } from './handlers/snapshots';
import { restoreHandlers } from './handlers/restore';
import { minioHandlers } from './handlers/minio';
import { runnerHandlers } from './handlers/runner';
import { alertHandlers } from './handlers/alerts';
import { onboardingHandlers } from './handlers/onboarding';
import { JobManager } from './jobs/job-manager';
import { Redactor, redactingSecretStore } from './jobs/redact';
import { createDispatcher, type Handlers } from './rpc/dispatcher';
import { EventBus } from './rpc/event-bus';
import { FileSecretStore } from './secrets/file-secret-store';
import type { SecretStore } from './secrets/secret-store';
import { RepositoryService } from './services/repositories';
import { SnapshotService } from './services/snapshots';
import { LOCAL_HOST_ID } from './inventory/inventory';
import { StoreInventory } from './store/inventory-adapter';
import { openStore } from './store/store';

export { defaultDataDir } from './config/paths';

export interface CoreOptions {
  dataDir: string;
  mode: 'desktop' | 'serve';
  version: string;
  /** restic on "this machine": `RFC_RESTIC_BINARY`, else `restic` from PATH. */
  resticBinary?: string;
  /** The desktop build passes its safeStorage adapter; serve mode uses the AES-GCM file store. */
  secrets?: SecretStore;
  /** Make the demo fleet when the inventory is empty (default true). */
  demo?: boolean;
  /** Where unclassified failures (bugs) are reported; secrets are masked before they get here. */
  log?: (message: string) => void;
  /** Problems the shell found before the core started (e.g. no OS keyring); shown in the UI's banner. */
  startupIssues?: ErrorBody[];
  /** Restore drills: how often the schedule is looked at, and test hooks. */
  drills?: DrillServiceOptions;
}

function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ConsoleError) return error.toBody();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const redactor = new Redactor();
  const rawLog = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const log = (message: string) => rawLog(redactor.redact(message));
  const resticBinary = options.resticBinary ?? process.env.RFC_RESTIC_BINARY ?? 'restic';
  const secrets = redactingSecretStore(
    options.secrets ?? new FileSecretStore(path.join(options.dataDir, 'secrets')),
    redactor,
  );
  const store = await openStore({ dataDir: options.dataDir, secrets });
  const inventory = new StoreInventory(store);
  const events = new EventBus();
  const jobs = new JobManager({
    db: store.db,
    redactor,
    onEvent: (event) => {
      if (event.type === 'log') events.emit('jobs.log', { jobId: event.jobId, lines: event.lines });
      else events.emit('jobs.changed', { type: event.type, job: event.job });
    },
  });
  const audit = new AuditLog(store.db, { redactor });
  const runners = new FleetRunners({ store, secrets, log });
  const resticBinaryFor = async (hostId: string): Promise<string> =>
    hostId === LOCAL_HOST_ID ? resticBinary : ((await store.hosts.get(hostId)).resticPath ?? 'restic');
  const repos = new RepositoryService({
    inventory,
    secrets,
    runnerFor: (hostId) => runners.runnerFor(hostId),
    resticBinaryFor,
    cacheDir: path.join(options.dataDir, 'restic-cache'),
  });
  const snapshots = new SnapshotService(repos);

  const startupIssues: ErrorBody[] = [...(options.startupIssues ?? [])];
  if (options.demo !== false) {
    try {
      const made = await ensureDemoFleet({
        dataDir: options.dataDir,
        inventory,
        secrets,
        runner: runners.local,
        resticBinary,
        hostname: os.hostname(),
      });
      if (made) events.emit('invalidate', { scope: 'repos' });
    } catch (error) {
      const body = toErrorBody(error);
      startupIssues.push({ ...body, message: `The demo fleet could not be created: ${body.message}` });
      log(`demo fleet: ${body.code}: ${body.message}`);
    }
  }

  const ctx: CoreContext = {
    dataDir: options.dataDir,
    mode: options.mode,
    version: options.version,
    resticBinary,
    resticBinaryFor,
    store,
    inventory,
    secrets,
    redactor,
    jobs,
    audit,
    events,
    runners,
    repos,
    snapshots,
    startupIssues,
    log,
  };

  const handlers: Handlers = {
    ...snapshotHandlers(ctx),
    ...inventoryHandlers(ctx),
    ...hostRemoteHandlers(ctx),
    ...jobsAuditHandlers(ctx),
    ...fleetHandlers(ctx),
    ...repoMaintenanceHandlers(ctx),
    ...restoreHandlers(ctx),
    ...minioHandlers(ctx),
    ...runnerHandlers(ctx),
    ...alertHandlers(ctx),
    ...onboardingHandlers(ctx),
  };

  // The console keeps the restore drill schedules: due drills start while it runs.
  const drills = drillServiceFor(ctx, options.drills);
  drills.start();

  const dispatch = createDispatcher(handlers, {
    onInternalError: (method, error) => log(`internal error in ${method}: ${error instanceof Error ? error.stack : String(error)}`),
  });

  return {
    dispatch,
    events,
    close: async () => {
      await drills.stop();
      await jobs.close();
      await runners.close();
      store.close();
    },
  };
}

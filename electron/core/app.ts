/**
 * The composition root of the core: builds the inventory, secret store,
 * runners and services, makes the demo fleet when nothing is configured,
 * and binds the contract's methods to them. Transports get a `Core`.
 */
import os from 'node:os';
import path from 'node:path';
import { ConsoleError, type ErrorBody } from '../../shared';
import type { Core } from './core';
import { ensureDemoFleet } from './demo/demo-fleet';
import { LocalRunner } from './exec/local-runner';
import type { ProcessRunner } from './exec/process';
import { Inventory, LOCAL_HOST_ID } from './inventory/inventory';
import { createDispatcher, type Handlers } from './rpc/dispatcher';
import { EventBus } from './rpc/event-bus';
import { FileSecretStore } from './secrets/file-secret-store';
import type { SecretStore } from './secrets/secret-store';
import { RepositoryService } from './services/repositories';
import { SnapshotService } from './services/snapshots';

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
  /** Where unclassified failures (bugs) are reported; never receives secrets. */
  log?: (message: string) => void;
}

function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ConsoleError) return error.toBody();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const resticBinary = options.resticBinary ?? process.env.RFC_RESTIC_BINARY ?? 'restic';
  const inventory = new Inventory(path.join(options.dataDir, 'inventory.json'));
  const secrets = options.secrets ?? new FileSecretStore(path.join(options.dataDir, 'secrets'));
  const local = new LocalRunner();
  const runnerFor = (hostId: string): ProcessRunner => {
    if (hostId === LOCAL_HOST_ID) return local;
    throw new ConsoleError('NOT_FOUND', `Host "${hostId}" cannot run commands yet.`);
  };
  const events = new EventBus();
  const repos = new RepositoryService({
    inventory,
    secrets,
    runnerFor,
    resticBinary,
    cacheDir: path.join(options.dataDir, 'restic-cache'),
  });
  const snapshots = new SnapshotService(repos);

  const startupIssues: ErrorBody[] = [];
  if (options.demo !== false) {
    try {
      const made = await ensureDemoFleet({
        dataDir: options.dataDir,
        inventory,
        secrets,
        runner: local,
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

  const handlers: Handlers = {
    'app.info': async () => ({
      version: options.version,
      mode: options.mode,
      demo: (await inventory.repos()).some((r) => r.demo),
      dataDir: options.dataDir,
      startupIssues,
    }),
    'hosts.list': () => inventory.hosts(),
    'repos.list': () => repos.list(),
    'snapshots.list': (input, ctx) => snapshots.list(input, ctx.signal),
    'snapshots.ls': (input) => snapshots.ls(input),
    'snapshots.diff': (input, ctx) => snapshots.diff(input, ctx.signal),
  };

  const dispatch = createDispatcher(handlers, {
    onInternalError: (method, error) => log(`internal error in ${method}: ${error instanceof Error ? error.stack : String(error)}`),
  });

  return {
    dispatch,
    events,
    close: async () => undefined,
  };
}

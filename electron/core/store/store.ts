/**
 * The console's store: one SQLite database in the data directory and a
 * typed class per table. The composition root opens it once; jobs and the
 * audit log are built on `store.db` (see ../jobs and ../audit).
 */
import path from 'node:path';
import type { SecretStore } from '../secrets/secret-store';
import { Businesses } from './businesses';
import type { Clock } from './common';
import { DailyChecks } from './daily-checks';
import { DB_FILE_NAME, openDatabase, type Db, type OpenDatabaseOptions } from './db';
import { Hosts } from './hosts';
import { importInventoryJson, type ImportReport } from './inventory-import';
import { Plans } from './plans';
import { Repositories } from './repositories';

export interface StoreOptions {
  dataDir: string;
  secrets: SecretStore;
  now?: Clock;
  /** Import `<dataDir>/inventory.json` once, if present (default true). */
  importInventory?: boolean;
  migrations?: OpenDatabaseOptions['migrations'];
}

export interface Store {
  readonly db: Db;
  readonly file: string;
  readonly businesses: Businesses;
  readonly hosts: Hosts;
  readonly repositories: Repositories;
  readonly plans: Plans;
  readonly dailyChecks: DailyChecks;
  /** What the one-time JSON inventory import did at this opening. */
  readonly inventoryImport: ImportReport | undefined;
  close(): void;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const now = options.now ?? Date.now;
  const file = path.join(options.dataDir, DB_FILE_NAME);
  const db = openDatabase(file, { now, ...(options.migrations ? { migrations: options.migrations } : {}) });
  try {
    const dailyChecks = new DailyChecks(db, now);
    dailyChecks.recoverInterrupted();
    const inventoryImport =
      options.importInventory === false
        ? undefined
        : await importInventoryJson(db, options.secrets, path.join(options.dataDir, 'inventory.json'), now);
    return {
      db,
      file,
      businesses: new Businesses(db, now),
      hosts: new Hosts(db, options.secrets, now),
      repositories: new Repositories(db, options.secrets, now),
      plans: new Plans(db, now),
      dailyChecks,
      inventoryImport,
      close: () => {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * One-time import of the first release's JSON inventory (inventory.json)
 * into SQLite. Runs at most once per database (a `meta` row records it);
 * the JSON file is left in place, untouched, for the user to delete.
 * Entries that break today's rules are skipped and reported, the rest go
 * in within one transaction.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { ConsoleError, HostSchema } from '../../../shared';
import { RepoRecordSchema } from '../inventory/inventory';
import type { SecretStore } from '../secrets/secret-store';
import { Businesses } from './businesses';
import type { Clock } from './common';
import type { Db } from './db';
import { Hosts, LOCAL_HOST_ID } from './hosts';
import { Repositories } from './repositories';

export const INVENTORY_IMPORT_KEY = 'import.inventory-json';

const InventoryFileSchema = z.object({
  version: z.literal(1),
  hosts: z.array(HostSchema),
  repos: z.array(RepoRecordSchema),
});

export interface ImportReport {
  /** false: nothing to import, or imported earlier. */
  imported: boolean;
  reason?: 'already-imported' | 'no-file';
  hosts: number;
  repositories: number;
  businesses: number;
  skipped: { kind: 'host' | 'repository'; id: string; reason: string }[];
}

export async function importInventoryJson(
  db: Db,
  secrets: SecretStore,
  file: string,
  now: Clock = Date.now,
): Promise<ImportReport> {
  const report: ImportReport = { imported: false, hosts: 0, repositories: 0, businesses: 0, skipped: [] };
  if (db.prepare('SELECT 1 FROM meta WHERE key = ?').get(INVENTORY_IMPORT_KEY))
    return { ...report, reason: 'already-imported' };

  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...report, reason: 'no-file' };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConsoleError('BAD_REQUEST', 'The old inventory file is not valid JSON; it was not imported.');
  }
  const parsed = InventoryFileSchema.safeParse(json);
  if (!parsed.success)
    throw new ConsoleError(
      'BAD_REQUEST',
      'The old inventory file does not have the expected shape; it was not imported.',
    );

  const businesses = new Businesses(db, now);
  const hosts = new Hosts(db, secrets, now);
  const repositories = new Repositories(db, secrets, now);
  const data = parsed.data;

  // Synchronous from here on: one IMMEDIATE transaction, nothing else can
  // interleave on this connection, and a second process waits for it.
  const run = db.transaction((): boolean => {
    if (db.prepare('SELECT 1 FROM meta WHERE key = ?').get(INVENTORY_IMPORT_KEY)) return false;
    for (const host of data.hosts) {
      if (host.id === LOCAL_HOST_ID || host.kind === 'local' || hosts.exists(host.id)) continue;
      try {
        hosts.insert({
          id: host.id,
          name: host.name,
          address: host.address ?? '',
          port: host.port ?? 22,
          user: host.user ?? '',
        });
        report.hosts++;
      } catch (error) {
        report.skipped.push({
          kind: 'host',
          id: host.id,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    for (const repo of data.repos) {
      if (repositories.exists(repo.id)) continue;
      try {
        let businessId: string | null = null;
        if (repo.business !== undefined && repo.business !== '') {
          const existing = businesses.findByName(repo.business);
          if (existing) businessId = existing.id;
          else {
            businessId = businesses.create({ name: repo.business }).id;
            report.businesses++;
          }
        }
        repositories.insert({
          id: repo.id,
          name: repo.name,
          location: repo.location,
          kind: repo.kind,
          hostId: repo.hostId,
          businessId,
          env: repo.env,
          demo: repo.demo,
        });
        report.repositories++;
      } catch (error) {
        report.skipped.push({
          kind: 'repository',
          id: repo.id,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
      INVENTORY_IMPORT_KEY,
      JSON.stringify({
        at: now(),
        hosts: report.hosts,
        repositories: report.repositories,
        skipped: report.skipped.length,
      }),
    );
    return true;
  });
  if (!run.immediate()) return { ...report, reason: 'already-imported' };
  return { ...report, imported: true };
}

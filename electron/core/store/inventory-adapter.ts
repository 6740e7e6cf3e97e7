/**
 * The SQLite store behind the same methods as the first release's JSON
 * `Inventory` (isEmpty, hosts, repos, repo, putRepo), so the repository
 * and snapshot services and the demo fleet can switch over unchanged.
 */
import type { Host } from '../../../shared';
import type { RepoRecord } from '../inventory/inventory';
import { Hosts } from './hosts';
import { Repositories } from './repositories';
import type { Store } from './store';

export class StoreInventory {
  constructor(private readonly store: Store) {}

  /** Nothing configured yet (no repository, no business, no host but this machine): the console opens on the demo fleet. */
  async isEmpty(): Promise<boolean> {
    const row = this.store.db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM repositories) + (SELECT COUNT(*) FROM businesses) + (SELECT COUNT(*) FROM hosts WHERE kind = 'ssh') AS n`,
      )
      .get() as { n: number };
    return row.n === 0;
  }

  async hosts(): Promise<Host[]> {
    return (await this.store.hosts.list()).map((record) => Hosts.toDomain(record));
  }

  async repos(): Promise<RepoRecord[]> {
    return (await this.store.repositories.list()).map(toRepoRecord);
  }

  async repo(id: string): Promise<RepoRecord> {
    return toRepoRecord(await this.store.repositories.get(id));
  }

  /** Creates or updates by id; a business named in the record is created when missing. */
  async putRepo(record: RepoRecord): Promise<void> {
    let businessId: string | null = null;
    if (record.business !== undefined && record.business !== '') {
      businessId = (
        this.store.businesses.findByName(record.business) ??
        this.store.businesses.create({ name: record.business })
      ).id;
    }
    if (this.store.repositories.exists(record.id)) {
      await this.store.repositories.update(record.id, {
        name: record.name,
        location: record.location,
        kind: record.kind,
        hostId: record.hostId,
        businessId,
        env: record.env,
      });
    } else {
      await this.store.repositories.create({
        id: record.id,
        name: record.name,
        location: record.location,
        kind: record.kind,
        hostId: record.hostId,
        businessId,
        env: record.env,
        demo: record.demo,
      });
    }
  }
}

function toRepoRecord(record: Awaited<ReturnType<Repositories['get']>>): RepoRecord {
  const repo: RepoRecord = {
    id: record.id,
    name: record.name,
    location: record.location,
    kind: record.kind,
    hostId: record.hostId,
    demo: record.demo,
    env: record.env,
  };
  if (record.businessName !== null) repo.business = record.businessName;
  return repo;
}

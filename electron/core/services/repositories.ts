/**
 * Repositories as the contract shows them, and a configured `Restic` for
 * each: inventory row + password from the secret store + the runner of
 * the host restic runs on.
 */
import { ConsoleError, type Repo } from '../../../shared';
import type { ProcessRunner } from '../exec/process';
import { LOCAL_HOST_ID, type InventoryPort, type RepoRecord } from '../inventory/inventory';
import { Restic } from '../restic/restic';
import { secretNames, type SecretStore } from '../secrets/secret-store';

export interface RepositoryServiceOptions {
  inventory: InventoryPort;
  secrets: SecretStore;
  /** The runner of the host restic runs on for a repository. */
  runnerFor: (hostId: string) => Promise<ProcessRunner>;
  /** restic on the host that runs it. */
  resticBinaryFor: (hostId: string) => Promise<string>;
  /** restic's cache on this machine; a managed host keeps its own default cache. */
  cacheDir: string;
}

export class RepositoryService {
  constructor(private readonly options: RepositoryServiceOptions) {}

  async list(): Promise<Repo[]> {
    const records = await this.options.inventory.repos();
    return Promise.all(records.map((record) => this.toRepo(record)));
  }

  private async toRepo(record: RepoRecord): Promise<Repo> {
    return {
      id: record.id,
      name: record.name,
      location: record.location,
      kind: record.kind,
      hostId: record.hostId,
      business: record.business,
      demo: record.demo,
      passwordSet: await this.options.secrets.has(secretNames.repoPassword(record.id)),
    };
  }

  /** A Restic bound to one repository. Built per call: cheap, and picks up a changed password. */
  async restic(repoId: string): Promise<Restic> {
    const record = await this.options.inventory.repo(repoId);
    const password = await this.options.secrets.get(secretNames.repoPassword(repoId));
    if (password === undefined) {
      throw new ConsoleError('REPO_WRONG_PASSWORD', `No password is stored for repository "${record.name}". Set it first.`);
    }
    // S3 keys (for example an onboarded business's maintenance key) travel as secret environment.
    const secretEnvJson = await this.options.secrets.get(secretNames.repoSecretEnv(repoId));
    const secretEnv = secretEnvJson === undefined ? undefined : (JSON.parse(secretEnvJson) as Record<string, string>);
    return new Restic({
      runner: await this.options.runnerFor(record.hostId),
      binary: await this.options.resticBinaryFor(record.hostId),
      repository: record.location,
      password,
      env: { ...(record.hostId === LOCAL_HOST_ID ? { RESTIC_CACHE_DIR: this.options.cacheDir } : {}), ...record.env },
      ...(secretEnv ? { secretEnv } : {}),
    });
  }
}

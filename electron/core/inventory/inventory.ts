/**
 * The fleet inventory: hosts and repositories (no secrets — those are in
 * the SecretStore). This first version is a JSON file written atomically;
 * the fleet work moves it to SQLite with migrations behind the same shape.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConsoleError, HostSchema, IdSchema, RepoKindSchema, type Host } from '../../../shared';

export const LOCAL_HOST_ID = 'local';

export const RepoRecordSchema = z.object({
  id: IdSchema,
  name: z.string(),
  location: z.string(),
  kind: RepoKindSchema,
  hostId: IdSchema,
  business: z.string().optional(),
  demo: z.boolean().default(false),
  /** Non-secret environment restic needs for this repository (e.g. AWS_DEFAULT_REGION). */
  env: z.record(z.string(), z.string()).default({}),
});
export type RepoRecord = z.infer<typeof RepoRecordSchema>;

const InventoryFileSchema = z.object({
  version: z.literal(1),
  hosts: z.array(HostSchema),
  repos: z.array(RepoRecordSchema),
});
export type InventoryData = z.infer<typeof InventoryFileSchema>;

export const LOCAL_HOST = { id: LOCAL_HOST_ID, name: 'this machine', kind: 'local' as const };

/** What the repository service and the demo fleet need of an inventory (JSON file or SQLite store). */
export interface InventoryPort {
  isEmpty(): Promise<boolean>;
  hosts(): Promise<Host[]>;
  repos(): Promise<RepoRecord[]>;
  repo(id: string): Promise<RepoRecord>;
  putRepo(record: RepoRecord): Promise<void>;
}

export class Inventory implements InventoryPort {
  private data: InventoryData | undefined;

  constructor(private readonly file: string) {}

  /** True when nothing has been configured yet: the console then opens on the demo fleet. */
  async isEmpty(): Promise<boolean> {
    try {
      await fs.access(this.file);
      return false;
    } catch {
      return true;
    }
  }

  private async load(): Promise<InventoryData> {
    if (this.data) return this.data;
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      const parsed = InventoryFileSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ConsoleError('INTERNAL', `The inventory file ${this.file} is damaged: ${parsed.error.message}`);
      }
      this.data = parsed.data;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.data = { version: 1, hosts: [LOCAL_HOST], repos: [] };
    }
    return this.data;
  }

  private async save(): Promise<void> {
    const data = await this.load();
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  async hosts(): Promise<Host[]> {
    return [...(await this.load()).hosts];
  }

  async repos(): Promise<RepoRecord[]> {
    return [...(await this.load()).repos];
  }

  async repo(id: string): Promise<RepoRecord> {
    const repo = (await this.load()).repos.find((r) => r.id === id);
    if (!repo) throw new ConsoleError('NOT_FOUND', `No repository with id "${id}" in the inventory.`);
    return repo;
  }

  async putRepo(record: RepoRecord): Promise<void> {
    const data = await this.load();
    const parsed = RepoRecordSchema.parse(record);
    data.repos = [...data.repos.filter((r) => r.id !== parsed.id), parsed];
    await this.save();
  }
}

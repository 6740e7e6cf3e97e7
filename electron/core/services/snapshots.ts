/** Snapshot listing, directory browsing and diffs for the contract's snapshots.* methods. */
import type { MethodOutput, MethodParsedInput } from '../../../shared';
import { SingleFlight } from '../util/single-flight';
import type { RepositoryService } from './repositories';

type LsResult = MethodOutput<'snapshots.ls'>;

export class SnapshotService {
  /**
   * A snapshot never changes, so a directory listing keyed by
   * repository + snapshot + path stays valid; identical concurrent calls
   * share one restic process.
   */
  private readonly listings = new SingleFlight<LsResult>(512);

  constructor(private readonly repos: RepositoryService) {}

  async list(input: MethodParsedInput<'snapshots.list'>, signal?: AbortSignal): Promise<MethodOutput<'snapshots.list'>> {
    const restic = await this.repos.restic(input.repoId);
    const snapshots = await restic.snapshots({ signal });
    snapshots.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    return { snapshots, command: restic.commandLine(['snapshots', '--json']) };
  }

  ls(input: MethodParsedInput<'snapshots.ls'>): Promise<LsResult> {
    const key = JSON.stringify([input.repoId, input.snapshotId, input.path]);
    return this.listings.run(key, async () => {
      const restic = await this.repos.restic(input.repoId);
      const nodes = await restic.ls(input.snapshotId, input.path);
      nodes.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name));
      return {
        path: input.path,
        nodes,
        command: restic.commandLine(['ls', '--json', input.snapshotId, input.path]),
      };
    });
  }

  async diff(input: MethodParsedInput<'snapshots.diff'>, signal?: AbortSignal): Promise<MethodOutput<'snapshots.diff'>> {
    const restic = await this.repos.restic(input.repoId);
    const result = await restic.diff(input.from, input.to, { limit: input.limit, signal });
    return { ...result, command: restic.commandLine(['diff', '--json', input.from, input.to]) };
  }
}

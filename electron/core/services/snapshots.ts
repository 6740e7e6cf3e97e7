/** Snapshot listing, directory browsing and diffs for the contract's snapshots.* methods. */
import type {
  DiffChange,
  EventPayload,
  FileVersion,
  MethodOutput,
  MethodParsedInput,
  Snapshot,
} from '../../../shared';
import { exactPathPattern } from '../restic/maintenance';
import { normalizeSnapshotDir } from '../restic/restic';
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

  async list(
    input: MethodParsedInput<'snapshots.list'>,
    signal?: AbortSignal,
  ): Promise<MethodOutput<'snapshots.list'>> {
    const restic = await this.repos.restic(input.repoId);
    // --no-lock: listing reads only, and must work while check or prune holds the exclusive lock.
    const snapshots = await restic.snapshots({ signal, noLock: true });
    snapshots.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    return { snapshots, command: restic.commandLine(['snapshots', '--json', '--no-lock']) };
  }

  /**
   * One directory's children. Identical concurrent calls share one restic;
   * a caller that goes away (its signal: the HTTP client aborted, the
   * renderer moved on to another folder) stops waiting, and when nobody
   * waits any more restic is stopped.
   */
  ls(input: MethodParsedInput<'snapshots.ls'>, signal?: AbortSignal): Promise<LsResult> {
    const key = JSON.stringify([input.repoId, input.snapshotId, input.path]);
    return this.listings.run(
      key,
      async (workSignal) => {
        const restic = await this.repos.restic(input.repoId);
        const nodes = await restic.ls(input.snapshotId, input.path, { signal: workSignal });
        nodes.sort(
          (a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name),
        );
        return {
          path: input.path,
          nodes,
          command: restic.commandLine(['ls', '--json', input.snapshotId, input.path]),
        };
      },
      signal,
    );
  }

  /** Listings of a repository whose snapshots changed (forgotten, re-tagged) are dropped. */
  invalidate(repoId: string): void {
    this.listings.forget(`${JSON.stringify([repoId]).slice(0, -1)},`);
  }

  /** Search by name (a restic find pattern) in all or some snapshots, with each snapshot's time and host. */
  async find(
    input: MethodParsedInput<'snapshots.find'>,
    signal?: AbortSignal,
  ): Promise<MethodOutput<'snapshots.find'>> {
    const restic = await this.repos.restic(input.repoId);
    const opts = {
      ...(input.snapshotIds ? { snapshotIds: input.snapshotIds } : {}),
      ...(input.ignoreCase ? { ignoreCase: true } : {}),
      ...(signal ? { signal } : {}),
    };
    if (input.snapshotIds) await restic.resolveSnapshots(input.snapshotIds, signal ? { signal } : {});
    const [results, snapshots] = await Promise.all([
      restic.find([input.pattern], opts),
      restic.snapshots({ noLock: true, ...(signal ? { signal } : {}) }),
    ]);
    const byId = new Map(snapshots.map((s) => [s.id, s]));
    let left = input.limit;
    let truncated = false;
    const out = results.map((r) => {
      const snap = byId.get(r.snapshotId);
      const matches = r.matches.slice(0, Math.max(0, left));
      if (matches.length < r.matches.length) truncated = true;
      left -= matches.length;
      return {
        ...r,
        matches,
        ...(snap ? { shortId: snap.shortId, time: snap.time, hostname: snap.hostname } : {}),
      };
    });
    out.sort((a, b) => Date.parse(b.time ?? '') - Date.parse(a.time ?? ''));
    return { results: out, truncated, command: restic.commandLine(restic.findArgs([input.pattern], opts)) };
  }

  /**
   * A file's (or folder's) versions across snapshots, oldest first: one
   * `restic find` for exactly that path, joined with the snapshot list.
   * A version is "changed" when its size or mtime differ from the previous one.
   */
  async history(
    input: MethodParsedInput<'snapshots.history'>,
    signal?: AbortSignal,
  ): Promise<MethodOutput<'snapshots.history'>> {
    const restic = await this.repos.restic(input.repoId);
    const opt = signal ? { signal } : {};
    const wanted = normalizeSnapshotDir(input.path);
    const [results, snapshots] = await Promise.all([
      restic.findPath(wanted, opt),
      restic.snapshots({ noLock: true, ...opt }),
    ]);
    const byId = new Map(snapshots.map((s) => [s.id, s]));
    const versions: FileVersion[] = [];
    const rows = results
      .map((r) => ({ r, snap: byId.get(r.snapshotId) }))
      .filter((x): x is { r: (typeof results)[number]; snap: Snapshot } => x.snap !== undefined)
      .sort((a, b) => Date.parse(a.snap.time) - Date.parse(b.snap.time));
    let previous: FileVersion | undefined;
    for (const { r, snap } of rows) {
      const node = r.matches[0];
      if (!node) continue;
      const version: FileVersion = {
        snapshotId: snap.id,
        shortId: snap.shortId,
        time: snap.time,
        hostname: snap.hostname,
        type: node.type,
        ...(node.size !== undefined ? { size: node.size } : {}),
        ...(node.mtime !== undefined ? { mtime: node.mtime } : {}),
        status: !previous
          ? 'first'
          : previous.size !== node.size || previous.mtime !== node.mtime || previous.type !== node.type
            ? 'changed'
            : 'unchanged',
      };
      versions.push(version);
      previous = version;
    }
    return {
      path: wanted,
      versions,
      snapshotsSearched: snapshots.length,
      command: restic.commandLine(restic.findArgs([exactPathPattern(wanted)])),
    };
  }

  async diff(
    input: MethodParsedInput<'snapshots.diff'>,
    signal?: AbortSignal,
  ): Promise<MethodOutput<'snapshots.diff'>> {
    const restic = await this.repos.restic(input.repoId);
    const result = await restic.diff(input.from, input.to, { limit: input.limit, signal });
    return { ...result, command: restic.commandLine(['diff', '--json', input.from, input.to]) };
  }

  /**
   * The diff handed out while restic prints it, so the first rows can be
   * shown long before a large diff ends. Changes go to `emit` in chunks:
   * the first once it fills a screen (DIFF_FIRST_CHUNK changes) or
   * DIFF_FIRST_CHUNK_MS after restic's first change, then at most every
   * DIFF_CHUNK_MS or DIFF_CHUNK_MAX changes, whichever comes first. Nothing is kept here: memory stays flat however large the diff.
   */
  async diffStream(
    input: MethodParsedInput<'snapshots.diffStream'>,
    emit: (chunk: DiffChunk) => void,
    signal?: AbortSignal,
  ): Promise<MethodOutput<'snapshots.diffStream'>> {
    const restic = await this.repos.restic(input.repoId);
    let batch: DiffChange[] = [];
    let seq = 0;
    let count = 0;
    let truncated = false;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (batch.length === 0) return;
      emit({ streamId: input.streamId, seq, changes: batch });
      seq += 1;
      batch = [];
    };
    try {
      const result = await restic.diff(input.from, input.to, {
        // Kept by the driver: none; every change comes through onChange.
        limit: 0,
        ...(signal ? { signal } : {}),
        onChange: (change) => {
          if (count >= input.limit) {
            truncated = true;
            return;
          }
          count += 1;
          batch.push(change);
          // restic writes line by line: without the first chunk's wait the first screen would show one row.
          if (batch.length >= (seq === 0 ? DIFF_FIRST_CHUNK : DIFF_CHUNK_MAX)) flush();
          else if (timer === undefined)
            timer = setTimeout(flush, seq === 0 ? DIFF_FIRST_CHUNK_MS : DIFF_CHUNK_MS);
        },
      });
      flush();
      return {
        count,
        truncated,
        ...(result.stats ? { stats: result.stats } : {}),
        command: restic.commandLine(['diff', '--json', input.from, input.to]),
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

/** Changes per streamed chunk at most, and the longest a change waits to be sent. */
export const DIFF_CHUNK_MAX = 5000;
export const DIFF_CHUNK_MS = 100;
/** The first chunk: a screenful of rows, or what came within this long. */
export const DIFF_FIRST_CHUNK = 100;
export const DIFF_FIRST_CHUNK_MS = 50;

export type DiffChunk = EventPayload<'snapshots.diffChunk'>;

/**
 * Turning a restore request into a plan: which host runs restic (the
 * target's: a cross-host restore runs restic on the target over SSH, so
 * the repository must be reachable from there), which snapshot (resolved,
 * typed NOT_FOUND / AMBIGUOUS), which paths in it, where they land, and
 * which target paths an in-place restore affects.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConsoleError, type RestoreRequest, type Snapshot } from '../../../shared';
import type { CoreContext } from '../context';
import { LOCAL_HOST_ID, type RepoRecord } from '../inventory/inventory';
import { normalizeSnapshotDir, Restic, type ResticVersion } from '../restic/restic';
import { listSnapshotTree, restoreFeatures, type RestoreFeatures } from '../restic/restore';
import { secretNames } from '../secrets/secret-store';
import { existingPaths } from './target-fs';

/** Secret environment of a repository (S3 keys), kept as JSON under this name (see secretNames.repoSecretEnv). */
const repoSecretEnvName = (repoId: string): string => `repo:${repoId}:secret-env`;

export interface RestorePlan {
  request: RestoreRequest;
  repo: RepoRecord;
  /** The host restic runs on: the target host, or this machine for an archive. */
  hostId: string;
  hostName: string;
  restic: Restic;
  version: ResticVersion;
  features: RestoreFeatures;
  snapshot: Snapshot;
  /** Paths in the snapshot the user picked (normalized); empty = the whole snapshot. */
  selection: string[];
  excluded: string[];
  /** --include values: the selection, or for an in-place restore of everything the snapshot's own paths (so --delete never reaches beyond them). */
  includes: string[];
  /**
   * --exclude values. restic refuses --include together with --exclude
   * ("mutually exclusive", 0.14 and 0.19 alike), so unticked items inside a
   * selection become includes of everything around them instead (see
   * includesAround); --exclude is only used with no --include at all.
   */
  excludes: string[];
  /** Folder restic restores into ("/" in place); undefined for an archive. */
  restoreRoot: string | undefined;
  /** Where the selection lands on the target (its roots). */
  targetRoots: string[];
  archive?: { format: 'tar' | 'zip'; file: string; dumpPath: string };
}

/** A Restic for `repoId` that runs on `hostId` (the repository's location and keys, the host's runner and binary). */
export async function resticOn(ctx: CoreContext, repo: RepoRecord, hostId: string): Promise<Restic> {
  if (repo.kind === 'local' && hostId !== repo.hostId) {
    throw new ConsoleError(
      'UNSUPPORTED',
      `Repository "${repo.name}" is a folder on another machine (${repo.location}); restic on the target cannot reach it. Restore to a folder on the repository's host, or use an S3, REST or SFTP repository.`,
      { reason: 'local-repository-elsewhere', repoHostId: repo.hostId, hostId },
    );
  }
  const password = await ctx.secrets.get(secretNames.repoPassword(repo.id));
  if (password === undefined)
    throw new ConsoleError('REPO_WRONG_PASSWORD', `No password is stored for repository "${repo.name}". Set it first.`);
  const secretEnvJson = await ctx.secrets.get(repoSecretEnvName(repo.id));
  const secretEnv = secretEnvJson === undefined ? undefined : (JSON.parse(secretEnvJson) as Record<string, string>);
  return new Restic({
    runner: await ctx.runners.runnerFor(hostId),
    binary: await ctx.resticBinaryFor(hostId),
    repository: repo.location,
    password,
    env: { ...(hostId === LOCAL_HOST_ID ? { RESTIC_CACHE_DIR: path.join(ctx.dataDir, 'restic-cache') } : {}), ...repo.env },
    ...(secretEnv ? { secretEnv } : {}),
  });
}

/** A Restic with no repository: enough to ask a host's restic its version. */
export async function resticBinaryOn(ctx: CoreContext, hostId: string): Promise<Restic> {
  return new Restic({
    runner: await ctx.runners.runnerFor(hostId),
    binary: await ctx.resticBinaryFor(hostId),
    repository: '',
    password: '',
  });
}

/** "/a/b" → ["/a", "/a/b"] (the path and its ancestors below "/", outermost first). */
export function ancestry(p: string): string[] {
  const parts = p.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** Deepest folder containing all paths ("/" when they share none). */
export function commonAncestor(paths: readonly string[]): string {
  if (paths.length === 0) return '/';
  let common = (paths[0] as string).split('/').filter(Boolean);
  for (const p of paths.slice(1)) {
    const parts = p.split('/').filter(Boolean);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i += 1;
    common = common.slice(0, i);
  }
  return `/${common.join('/')}`;
}

/** Where a snapshot path lands under a restore root. */
export function targetPathOf(root: string, snapshotPath: string): string {
  return root === '/' ? snapshotPath : `${root.replace(/\/+$/, '')}${snapshotPath}`;
}

/** Drops paths inside another path of the list (restoring /a already restores /a/b). */
export function outermost(paths: readonly string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  const out: string[] = [];
  for (const p of sorted) if (!out.some((o) => p === o || p.startsWith(o === '/' ? '/' : `${o}/`))) out.push(p);
  return out;
}

function archiveFileName(repoName: string, snapshot: Snapshot, format: string, now: Date): string {
  const safe = repoName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[-.]+/, '') || 'restore';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${safe}-${snapshot.shortId}-${stamp}.${format}`;
}

export async function hostName(ctx: CoreContext, hostId: string): Promise<string> {
  return (await ctx.store.hosts.get(hostId)).name;
}

/** Resolves a request into a plan. Nothing changes anywhere. */
export async function makePlan(ctx: CoreContext, request: RestoreRequest, signal?: AbortSignal): Promise<RestorePlan> {
  const repo = await ctx.inventory.repo(request.repoId);
  const target = request.target;
  const hostId = target.kind === 'archive' ? LOCAL_HOST_ID : target.hostId;
  const name = await hostName(ctx, hostId);
  const restic = await resticOn(ctx, repo, hostId);
  const version = await restic.version(signal);
  const features = restoreFeatures(version);
  const [snapshot] = await restic.resolveSnapshots([request.snapshotId], signal ? { signal } : {});
  if (!snapshot) throw new ConsoleError('SNAPSHOT_NOT_FOUND', `No snapshot ${request.snapshotId} in this repository.`);

  const selection = outermost(request.paths.map(normalizeSnapshotDir)).filter((p) => p !== '/');
  const excluded = [...new Set(request.excluded.map(normalizeSnapshotDir))];
  const o = request.options;
  if (o.overwrite !== 'always' && !features.overwrite.supported && target.kind !== 'archive')
    throw new ConsoleError('UNSUPPORTED', features.overwrite.reason ?? 'Overwrite policies are not supported.');
  if (o.delete && !features.delete.supported && target.kind !== 'archive')
    throw new ConsoleError('UNSUPPORTED', features.delete.reason ?? '--delete is not supported.');

  const base = { request, repo, hostId, hostName: name, restic, version, features, snapshot, selection, excluded };

  if (target.kind === 'archive') {
    if (o.delete) throw new ConsoleError('BAD_REQUEST', 'An archive cannot delete files: untick "delete".');
    const directory = path.resolve(target.directory);
    const stat = await fs.stat(directory).catch(() => undefined);
    if (!stat?.isDirectory())
      throw new ConsoleError('TARGET_NOT_WRITABLE', `${directory} is not a folder on this machine.`, { path: directory });
    await fs.access(directory, fs.constants.W_OK).catch(() => {
      throw new ConsoleError('TARGET_NOT_WRITABLE', `${directory} cannot be written.`, { path: directory });
    });
    const dumpPath = selection.length === 1 ? (selection[0] as string) : commonAncestor(selection);
    const file = path.join(directory, archiveFileName(repo.name, snapshot, target.format, new Date()));
    return { ...base, includes: selection, excludes: [], restoreRoot: undefined, targetRoots: [file], archive: { format: target.format, file, dumpPath } };
  }

  const restoreRoot = target.kind === 'original' ? '/' : normalizeSnapshotDir(target.path);
  if (target.kind === 'path' && restoreRoot === '/')
    throw new ConsoleError(
      'BAD_REQUEST',
      'Restoring into "/" puts the files back where they were: choose "original place", which first takes a safety snapshot and asks for the host name.',
    );
  const roots = selection.length ? selection : outermost(snapshot.paths.map(normalizeSnapshotDir));
  // With no selection, --include names the snapshot's own paths whenever something could be deleted
  // (in place, or --delete), so restic's --delete never looks beyond them.
  let includes = selection.length ? selection : target.kind === 'original' || o.delete ? roots : [];
  let excludes = excluded;
  if (includes.length && excluded.length) {
    includes = await includesAround(restic, snapshot.id, includes, excluded, version, signal);
    excludes = [];
    if (includes.length === 0) throw new ConsoleError('BAD_REQUEST', 'Every selected item is unticked: there is nothing to restore.');
  }
  return {
    ...base,
    includes,
    excludes,
    restoreRoot,
    targetRoots: roots.map((r) => targetPathOf(restoreRoot, r)),
  };
}

/**
 * In place: which target paths exist now (what the safety snapshot keeps)
 * and, for each root that does not, its highest missing folder (what an
 * undo removes). Both lists are target paths.
 */
export async function affectedPaths(
  plan: RestorePlan,
  signal?: AbortSignal,
): Promise<{ existing: string[]; affected: string[] }> {
  const runner = plan.restic.target.runner;
  const all = [...new Set(plan.targetRoots.flatMap(ancestry))];
  const present = await existingPaths(runner, all, signal);
  const existing: string[] = [];
  const affected: string[] = [];
  for (const root of plan.targetRoots) {
    if (present.has(root)) {
      existing.push(root);
      affected.push(root);
    } else {
      const firstMissing = ancestry(root).find((a) => !present.has(a)) ?? root;
      affected.push(firstMissing);
    }
  }
  return { existing: outermost(existing), affected: outermost(affected) };
}

/**
 * The outermost paths under `roots` that contain nothing excluded: what
 * --include must name to restore the roots minus the excluded items.
 * Walks the snapshot's listing of the roots, descending only into folders
 * that hold an excluded item.
 */
export async function includesAround(
  restic: Restic,
  snapshotId: string,
  roots: readonly string[],
  excluded: readonly string[],
  version: ResticVersion,
  signal?: AbortSignal,
): Promise<string[]> {
  const children = new Map<string, string[]>();
  await listSnapshotTree(
    restic,
    snapshotId,
    roots,
    (e) => {
      const i = e.path.lastIndexOf('/');
      const parent = i <= 0 ? '/' : e.path.slice(0, i);
      const list = children.get(parent);
      if (list) list.push(e.path);
      else children.set(parent, [e.path]);
    },
    { ...(signal ? { signal } : {}), version },
  );
  return includesFromTree(roots, excluded, (p) => children.get(p) ?? []);
}

/** Pure part of includesAround, for unit tests. */
export function includesFromTree(
  roots: readonly string[],
  excluded: readonly string[],
  childrenOf: (path: string) => readonly string[],
): string[] {
  const ex = new Set(excluded);
  const holdsExcluded = new Set<string>();
  for (const e of excluded) for (const a of ancestry(e).slice(0, -1)) holdsExcluded.add(a);
  const out: string[] = [];
  const visit = (p: string): void => {
    if (ex.has(p)) return;
    if (!holdsExcluded.has(p)) {
      out.push(p);
      return;
    }
    for (const c of childrenOf(p)) visit(c);
  };
  for (const r of roots) visit(r);
  return out;
}

/**
 * restore.preview: what a restore would create, overwrite, leave and
 * delete, computed for real and changing nothing:
 * - restic ≥ 0.17: `restore --dry-run -vv --json` with the same options
 *   the restore will run with (restic's own decision per file);
 * - older restic: `restic ls --recursive` of the selection compared with a
 *   NUL-separated `find` listing of the target over SSH (size and mtime
 *   to the second decide "unchanged"; 0.14 has no policies: it rewrites);
 * - an archive: the selection's listing, everything "create".
 */
import type { PreviewAction, PreviewItem, RestorePreview } from '../../../shared';
import { shellQuote } from '../exec/shell-quote';
import {
  listSnapshotTree,
  restoreArgs,
  runRestore,
  dumpArgs,
  type RestoreItem,
  type SnapshotEntry,
} from '../restic/restore';
import { affectedPaths, ancestry, targetPathOf, type RestorePlan } from './plan';
import { existingPaths, listTarget } from './target-fs';

type Totals = RestorePreview['totals'];

class PreviewCollector {
  readonly items: PreviewItem[] = [];
  truncated = false;
  readonly totals: Totals = {
    create: { files: 0, bytes: 0 },
    overwrite: { files: 0, bytes: 0 },
    unchanged: { files: 0, bytes: 0 },
    delete: { files: 0, bytes: 0 },
  };

  constructor(private readonly limit: number) {}

  add(item: PreviewItem): void {
    // Totals count files (and other non-folder entries); folders are shown but not counted.
    if (item.type !== 'dir') {
      this.totals[item.action].files += 1;
      this.totals[item.action].bytes += item.size ?? 0;
    }
    if (this.items.length < this.limit) this.items.push(item);
    else this.truncated = true;
  }
}

/** true when `p` is an excluded path or inside one. */
export function isExcluded(p: string, excluded: readonly string[]): boolean {
  return excluded.some((e) => p === e || p.startsWith(`${e}/`));
}

export function restoreArgsFor(plan: RestorePlan, opts: { dryRun?: boolean } = {}): string[] {
  const o = plan.request.options;
  return restoreArgs(
    {
      snapshotId: plan.snapshot.id,
      target: plan.restoreRoot ?? '/',
      includes: plan.includes,
      excludes: plan.excludes,
      overwrite: o.overwrite,
      delete: o.delete,
      verify: opts.dryRun ? false : o.verify,
      ...(opts.dryRun ? { dryRun: true } : {}),
      ...(o.limitDownloadKiB !== undefined ? { limitDownloadKiB: o.limitDownloadKiB } : {}),
    },
    plan.version,
  );
}

/** The archive's command line: restic dump … > file (on this machine). */
export function dumpCommandLine(plan: RestorePlan): string {
  const a = plan.archive;
  if (!a) throw new Error('not an archive plan');
  const args = dumpArgs(plan.snapshot.id, a.dumpPath, a.format, plan.request.options.limitDownloadKiB);
  return `${plan.restic.commandLine(args)} > ${shellQuote(a.file)}`;
}

const ACTION_OF: Record<RestoreItem['action'], PreviewAction> = {
  restored: 'create',
  updated: 'overwrite',
  unchanged: 'unchanged',
  deleted: 'delete',
};

async function dryRunPreview(plan: RestorePlan, collector: PreviewCollector, signal?: AbortSignal): Promise<void> {
  const root = plan.restoreRoot ?? '/';
  const prefix = root === '/' ? '' : root.replace(/\/+$/, '');
  // restic prints a folder after its contents: a path some earlier item lies in is a folder.
  const folders = new Set<string>();
  await runRestore(plan.restic, restoreArgsFor(plan, { dryRun: true }), plan.version, {
    ...(signal ? { signal } : {}),
    onEvent: (e) => {
      if (e.kind !== 'item') return;
      const it = e.item;
      const action = ACTION_OF[it.action];
      const isDir = folders.has(it.item);
      for (let i = it.item.lastIndexOf('/'); i > 0; i = it.item.lastIndexOf('/', i - 1)) {
        const parent = it.item.slice(0, i);
        if (folders.has(parent)) break;
        folders.add(parent);
      }
      // `deleted` names the target path; the others the path in the snapshot.
      const snapshotPath =
        action === 'delete' ? (prefix && it.item.startsWith(`${prefix}/`) ? it.item.slice(prefix.length) : it.item) : it.item;
      collector.add({
        path: snapshotPath,
        targetPath: action === 'delete' ? it.item : targetPathOf(root, it.item),
        action,
        ...(isDir ? { type: 'dir' as const } : {}),
        size: it.size,
      });
    },
  });
}

/** A snapshot mtime (RFC 3339 with nanoseconds) in whole seconds. */
function epochSeconds(mtime: string | undefined): number | undefined {
  if (!mtime) return undefined;
  const ms = Date.parse(mtime.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

async function snapshotEntries(plan: RestorePlan, signal?: AbortSignal): Promise<SnapshotEntry[]> {
  const entries: SnapshotEntry[] = [];
  await listSnapshotTree(
    plan.restic,
    plan.snapshot.id,
    plan.selection,
    (e) => {
      if (!isExcluded(e.path, plan.excluded)) entries.push(e);
    },
    { ...(signal ? { signal } : {}), version: plan.version },
  );
  return entries;
}

async function listingPreview(plan: RestorePlan, collector: PreviewCollector, signal?: AbortSignal): Promise<void> {
  const root = plan.restoreRoot ?? '/';
  const runner = plan.restic.target.runner;
  // The roots' folders above them (restic lists them too) exist or not like anything else.
  const above = [...new Set(plan.targetRoots.flatMap((r) => ancestry(r).slice(0, -1)))];
  const [entries, onTarget, aboveRoots] = await Promise.all([
    snapshotEntries(plan, signal),
    listTarget(runner, plan.targetRoots, signal),
    existingPaths(runner, above, signal),
  ]);
  for (const [p, e] of aboveRoots) onTarget.set(p, e);
  for (const e of entries) {
    const targetPath = targetPathOf(root, e.path);
    const there = onTarget.get(targetPath);
    let action: PreviewAction;
    if (!there) action = 'create';
    else if (e.type === 'dir') action = there.type === 'd' ? 'unchanged' : 'overwrite';
    else action = there.size === e.size && there.mtime === epochSeconds(e.mtime) ? 'unchanged' : 'overwrite';
    collector.add({ path: e.path, targetPath, action, type: e.type, size: e.type === 'dir' ? 0 : e.size });
  }
}

async function archivePreview(plan: RestorePlan, collector: PreviewCollector, signal?: AbortSignal): Promise<void> {
  const file = plan.archive?.file ?? '';
  for (const e of await snapshotEntries(plan, signal)) {
    collector.add({ path: e.path, targetPath: `${file}:${e.path}`, action: 'create', type: e.type, size: e.type === 'dir' ? 0 : e.size });
  }
}

export async function previewRestore(plan: RestorePlan, limit: number, signal?: AbortSignal): Promise<RestorePreview> {
  const collector = new PreviewCollector(limit);
  const warnings: string[] = [];
  let method: RestorePreview['method'];
  let command: string;
  if (plan.archive) {
    method = 'archive';
    command = dumpCommandLine(plan);
    await archivePreview(plan, collector, signal);
    if (plan.selection.length > 1)
      warnings.push(`restic dump writes one folder: the archive holds ${plan.archive.dumpPath}, which contains the ${plan.selection.length} selected items.`);
    if (plan.excluded.length) warnings.push('restic dump cannot leave items out: unticked items are in the archive too.');
  } else if (plan.features.dryRun.supported) {
    method = 'dry-run';
    command = plan.restic.commandLine(restoreArgsFor(plan));
    await dryRunPreview(plan, collector, signal);
  } else {
    method = 'listing';
    command = plan.restic.commandLine(restoreArgsFor(plan));
    await listingPreview(plan, collector, signal);
    warnings.push(
      `restic ${plan.version.version} has no dry run: this preview compares the snapshot with a listing of the target (same size and modification time = unchanged), and restic ${plan.version.version} rewrites existing files even when they are unchanged.`,
    );
  }
  const original = plan.request.target.kind === 'original';
  const safetyPaths = original ? (await affectedPaths(plan, signal)).existing : [];
  if (original && safetyPaths.length === 0)
    warnings.push('Nothing of the selection exists on the target yet: there is nothing for a safety snapshot to keep.');
  return {
    method,
    items: collector.items,
    truncated: collector.truncated,
    totals: collector.totals,
    capabilities: plan.features,
    safety: { required: original, paths: safetyPaths, ...(original ? { confirmName: plan.hostName } : {}) },
    targetHost: plan.hostName,
    command,
    warnings,
  };
}

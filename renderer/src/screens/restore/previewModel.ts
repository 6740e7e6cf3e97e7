/**
 * The preview table's logic: filter by action and name, totals of what
 * stays ticked, and what goes to the core as `excluded`. Pure.
 */
import type { PreviewAction, PreviewItem, RestorePreview } from '../../../../shared';

export const PREVIEW_ACTIONS: readonly PreviewAction[] = ['create', 'overwrite', 'delete', 'unchanged'];

export interface PreviewFilter {
  actions: ReadonlySet<PreviewAction>;
  text: string;
  /** Folders are listed by restic too; they say little, so they are hidden unless asked for. */
  folders?: boolean;
}

export function filterItems(items: readonly PreviewItem[], filter: PreviewFilter): PreviewItem[] {
  const text = filter.text.trim().toLowerCase();
  return items.filter(
    (i) =>
      filter.actions.has(i.action) &&
      (filter.folders !== false || i.type !== 'dir') &&
      (text === '' || i.path.toLowerCase().includes(text) || i.targetPath.toLowerCase().includes(text)),
  );
}

/** The key an item is unticked by: the snapshot path (a delete's target path; those differ in kind). */
export function itemKey(item: PreviewItem): string {
  return item.action === 'delete' ? `delete:${item.targetPath}` : item.path;
}

/** What the core gets as `excluded`: paths in the snapshot, or for deletions the target path kept. */
export function excludedPaths(items: readonly PreviewItem[], unticked: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const i of items) {
    if (!unticked.has(itemKey(i))) continue;
    const p = i.action === 'delete' ? i.targetPath : i.path;
    if (p.startsWith('/')) out.add(p);
  }
  return [...out].sort();
}

export type Totals = Record<PreviewAction, { files: number; bytes: number }>;

/**
 * What will happen once the unticked items are left out: the core's totals
 * (they count items past the truncation too) minus what was unticked.
 */
export function effectiveTotals(preview: RestorePreview, unticked: ReadonlySet<string>): Totals {
  const totals: Totals = {
    create: { ...preview.totals.create },
    overwrite: { ...preview.totals.overwrite },
    unchanged: { ...preview.totals.unchanged },
    delete: { ...preview.totals.delete },
  };
  if (unticked.size === 0) return totals;
  for (const i of preview.items) {
    if (!unticked.has(itemKey(i)) || i.type === 'dir') continue;
    const t = totals[i.action];
    t.files = Math.max(0, t.files - 1);
    t.bytes = Math.max(0, t.bytes - (i.size ?? 0));
  }
  return totals;
}

/** Untick or tick every item in view at once (the header checkbox). */
export function setMany(
  unticked: ReadonlySet<string>,
  items: readonly PreviewItem[],
  tick: boolean,
): Set<string> {
  const next = new Set(unticked);
  for (const i of items) {
    if (tick) next.delete(itemKey(i));
    else next.add(itemKey(i));
  }
  return next;
}

/** "/srv/a/…/deep/name.txt": the start and the end of a long path, which tell where and what. */
export function elideMiddle(path: string, max: number): string {
  if (path.length <= max) return path;
  const tail = Math.ceil((max - 1) * 0.65);
  const head = max - 1 - tail;
  return `${path.slice(0, head)}…${path.slice(path.length - tail)}`;
}

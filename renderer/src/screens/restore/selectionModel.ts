/**
 * What the user ticked in the snapshot tree: a set of paths where a ticked
 * folder stands for everything under it. Pure, so the tri-state ticks and
 * the normalisation the core receives are tested without a browser.
 */

export type TickState = 'checked' | 'unchecked' | 'partial';

/** Whether `ancestor` is a proper ancestor of `path` ('/a' of '/a/b', not of '/ab'). */
export function isAncestor(ancestor: string, path: string): boolean {
  if (ancestor === path) return false;
  if (ancestor === '/') return path.startsWith('/');
  return path.startsWith(`${ancestor}/`);
}

/** The fewest paths covering the same files: a path under a ticked folder is dropped. Sorted. */
export function normalizeSelection(paths: Iterable<string>): string[] {
  const sorted = [...new Set(paths)].sort();
  const kept: string[] = [];
  for (const p of sorted) {
    if (!kept.some((k) => k === p || isAncestor(k, p))) kept.push(p);
  }
  return kept;
}

/** The tick a tree row shows: covered by a ticked folder, holding ticked things below, or neither. */
export function tickState(selection: ReadonlySet<string>, path: string): TickState {
  for (const s of selection) {
    if (s === path || isAncestor(s, path)) return 'checked';
  }
  for (const s of selection) if (isAncestor(path, s)) return 'partial';
  return 'unchecked';
}

/**
 * Toggle one row. Ticking a folder replaces anything ticked beneath it.
 * Unticking something covered by a ticked ancestor needs the ancestor's
 * other children, which only the loaded listings know: `siblingsOf(dir)`
 * returns a directory's children paths (or null when not loaded, then the
 * ancestor is unticked whole, and the user sees it).
 */
export function toggle(
  selection: ReadonlySet<string>,
  path: string,
  siblingsOf: (dir: string) => readonly string[] | null,
): Set<string> {
  const state = tickState(selection, path);
  const next = new Set(selection);
  if (state !== 'checked') {
    for (const s of selection) if (isAncestor(path, s)) next.delete(s);
    next.add(path);
    return next;
  }
  if (next.has(path)) {
    next.delete(path);
    return next;
  }
  // Covered by a ticked ancestor: untick the ancestor, tick every other branch on the way down.
  const ancestor = [...selection].find((s) => isAncestor(s, path))!;
  next.delete(ancestor);
  let dir = ancestor;
  while (dir !== path) {
    const children = siblingsOf(dir);
    if (children === null) return next;
    const step = children.find((c) => c === path || isAncestor(c, path));
    for (const c of children) if (c !== step) next.add(c);
    if (!step) return next;
    dir = step;
  }
  return next;
}

export interface SelectionCount {
  /** Ticked entries (after normalisation). */
  entries: number;
  /** Files and bytes known from the loaded listings and search results; folders count as entries only. */
  files: number;
  folders: number;
  bytes: number;
}

/** The running count under the tree: `info` knows a ticked path's type and size when a listing showed it. */
export function countSelection(
  paths: readonly string[],
  info: (path: string) => { type: string; size?: number } | undefined,
): SelectionCount {
  let files = 0;
  let folders = 0;
  let bytes = 0;
  for (const p of paths) {
    const node = info(p);
    if (node?.type === 'dir') folders += 1;
    else {
      files += 1;
      bytes += node?.size ?? 0;
    }
  }
  return { entries: paths.length, files, folders, bytes };
}

/**
 * A path as a list shows it: from the backed-up folder on ("…/app-data/config"
 * for /srv/x/app-data/config when /srv/x/app-data was backed up), so the end
 * that tells files apart is what fits. Other paths are returned whole.
 */
export function shortPath(path: string, roots: readonly string[]): string {
  for (const root of roots) {
    if (path !== root && !isAncestor(root, path)) continue;
    const cut = root.lastIndexOf('/');
    return cut > 0 ? `…${path.slice(cut)}` : path;
  }
  return path;
}

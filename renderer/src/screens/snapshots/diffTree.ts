/**
 * The diff as a tree: folders with the changes below them counted by kind,
 * files as leaves. Folders that restic did not report and that only lead to
 * one sub-folder are folded into it ("srv/app/data"), so long unchanged
 * chains take one row. Pure: DiffTree renders `flattenDiffTree`.
 */
import type { DiffChange, DiffModifier } from '../../../../shared';

export type ModifierCounts = Record<DiffModifier, number>;

const zero = (): ModifierCounts => ({ '+': 0, '-': 0, M: 0, T: 0, U: 0, '?': 0 });

export interface DiffDirNode {
  kind: 'dir';
  name: string;
  /** Absolute path, no trailing slash ('/' for the root). */
  path: string;
  /** restic's own change line for this folder (metadata, added, removed), if any. */
  modifier: DiffModifier | null;
  dirs: Map<string, DiffDirNode>;
  files: DiffFileNode[];
  /** Changes below this folder (itself excluded), by kind. */
  counts: ModifierCounts;
  total: number;
}

export interface DiffFileNode {
  kind: 'file';
  name: string;
  path: string;
  modifier: DiffModifier;
}

function newDir(name: string, path: string): DiffDirNode {
  return { kind: 'dir', name, path, modifier: null, dirs: new Map(), files: [], counts: zero(), total: 0 };
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export function buildDiffTree(changes: readonly DiffChange[]): DiffDirNode {
  const root = newDir('/', '/');
  for (const change of changes) {
    const isDir = change.path.endsWith('/');
    const parts = segments(change.path);
    if (parts.length === 0) {
      root.modifier = change.modifier;
      continue;
    }
    let node = root;
    const dirParts = isDir ? parts : parts.slice(0, -1);
    const chain: DiffDirNode[] = [root];
    for (const part of dirParts) {
      let child = node.dirs.get(part);
      if (!child) {
        child = newDir(part, `${node.path === '/' ? '' : node.path}/${part}`);
        node.dirs.set(part, child);
      }
      node = child;
      chain.push(node);
    }
    if (isDir) {
      node.modifier = change.modifier;
      chain.pop(); // a folder's own change counts for its parents, not itself
    } else {
      const name = parts[parts.length - 1]!;
      node.files.push({
        kind: 'file',
        name,
        path: `${node.path === '/' ? '' : node.path}/${name}`,
        modifier: change.modifier,
      });
    }
    for (const d of chain) {
      d.counts[change.modifier] += 1;
      d.total += 1;
    }
  }
  return root;
}

export type DiffTreeRow =
  | {
      kind: 'dir';
      /** The deepest folder of a folded chain (what selecting and collapsing act on). */
      path: string;
      label: string;
      depth: number;
      modifier: DiffModifier | null;
      counts: ModifierCounts;
      total: number;
      collapsed: boolean;
    }
  | { kind: 'file'; path: string; label: string; depth: number; modifier: DiffModifier };

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Folds a folder that restic did not report and that holds exactly one folder and no file. */
function fold(dir: DiffDirNode): { node: DiffDirNode; label: string } {
  let node = dir;
  let label = dir.name;
  while (node.modifier === null && node.files.length === 0 && node.dirs.size === 1) {
    const only = [...node.dirs.values()][0]!;
    label = `${label}/${only.name}`;
    node = only;
  }
  return { node, label };
}

/** The visible rows: folders first (folded), then files, natural name order; collapsed folders hide their content. */
export function flattenDiffTree(root: DiffDirNode, collapsed: ReadonlySet<string>): DiffTreeRow[] {
  const rows: DiffTreeRow[] = [];
  const walk = (dir: DiffDirNode, depth: number) => {
    for (const child of [...dir.dirs.values()].sort((a, b) => byName(a.name, b.name))) {
      const { node, label } = fold(child);
      const isCollapsed = collapsed.has(node.path);
      rows.push({
        kind: 'dir',
        path: node.path,
        label,
        depth,
        modifier: node.modifier,
        counts: node.counts,
        total: node.total,
        collapsed: isCollapsed,
      });
      if (!isCollapsed) walk(node, depth + 1);
    }
    for (const f of [...dir.files].sort((a, b) => byName(a.name, b.name)))
      rows.push({ kind: 'file', path: f.path, label: f.name, depth, modifier: f.modifier });
  };
  // The root itself is not a row: its folded chain is (e.g. "tmp/demo/source").
  walk(root, 0);
  return rows;
}

/**
 * Folders to start collapsed: none when the whole tree fits in `maxRows`;
 * else as many folder levels open as fit, at least the top one.
 */
export function initialCollapsed(root: DiffDirNode, maxRows = 400): Set<string> {
  const all = flattenDiffTree(root, new Set());
  if (all.length <= maxRows) return new Set();
  const dirs = all.filter((r) => r.kind === 'dir');
  const deepest = dirs.reduce((d, r) => Math.max(d, r.depth), 0);
  const below = (level: number) => new Set(dirs.filter((r) => r.depth >= level).map((r) => r.path));
  let best = below(0);
  for (let level = 1; level <= deepest; level++) {
    const candidate = below(level);
    if (flattenDiffTree(root, candidate).length > maxRows) break;
    best = candidate;
  }
  return best;
}

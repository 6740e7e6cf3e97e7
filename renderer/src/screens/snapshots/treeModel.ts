/**
 * The lazy tree as a flat list of visible rows: what the virtualized tree
 * browser renders. Pure, so expansion and ordering are testable.
 */
import type { LsNode } from '../../../../shared';

export type LsState =
  { status: 'pending' } | { status: 'error'; error: unknown } | { status: 'success'; nodes: LsNode[] };

export type TreeRow =
  | { kind: 'node'; node: LsNode; level: number; expanded: boolean; posInSet: number; setSize: number }
  | { kind: 'loading'; path: string; level: number }
  | { kind: 'error'; path: string; level: number; error: unknown }
  | { kind: 'empty'; path: string; level: number };

const isDir = (n: LsNode) => n.type === 'dir';

/** Directories first, then by name (byte order would put 'Z' before 'a'; people expect locale order). */
export function sortNodes(nodes: readonly LsNode[]): LsNode[] {
  return [...nodes].sort((a, b) => {
    if (isDir(a) !== isDir(b)) return isDir(a) ? -1 : 1;
    return (
      a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    );
  });
}

export function flattenTree(
  root: string,
  listings: ReadonlyMap<string, LsState>,
  expanded: ReadonlySet<string>,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (path: string, level: number) => {
    const state = listings.get(path) ?? { status: 'pending' as const };
    if (state.status === 'pending') {
      rows.push({ kind: 'loading', path, level });
      return;
    }
    if (state.status === 'error') {
      rows.push({ kind: 'error', path, level, error: state.error });
      return;
    }
    if (state.nodes.length === 0) {
      rows.push({ kind: 'empty', path, level });
      return;
    }
    const nodes = sortNodes(state.nodes);
    nodes.forEach((node, i) => {
      const open = isDir(node) && expanded.has(node.path);
      rows.push({ kind: 'node', node, level, expanded: open, posInSet: i + 1, setSize: nodes.length });
      if (open) walk(node.path, level + 1);
    });
  };
  walk(root, 1);
  return rows;
}

export function parentPath(path: string): string {
  if (path === '/' || !path.includes('/')) return '/';
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}

/** `/srv/data/db` → ['/srv', '/srv/data', '/srv/data/db']: the directories to open so a backed-up path shows at once. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** `ls -l` style permissions from a mode, when restic did not send the string. */
export function permissionsString(node: Pick<LsNode, 'permissions' | 'mode' | 'type'>): string {
  if (node.permissions) return node.permissions;
  if (node.mode === undefined) return '';
  const typeChar = node.type === 'dir' ? 'd' : node.type === 'symlink' ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let s = typeChar;
  for (let i = 0; i < 9; i += 1) s += node.mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

// ---- superseded listings, reveal, find (issue 4)

/** Whether `a` is `b` or one of its ancestors. */
export function isSelfOrAncestor(a: string, b: string): boolean {
  return a === b || a === '/' || b.startsWith(`${a}/`);
}

/**
 * The expanded set after the user opens `opening`: folders whose listing is
 * still loading and that are not on the way to `opening` are closed (with
 * everything under them). Closing a folder drops the last observer of its
 * `ls`, so React Query aborts it and the core stops that restic: a new click
 * cancels the superseded listing.
 */
export function supersede(
  expanded: ReadonlySet<string>,
  loading: ReadonlySet<string>,
  opening: string,
): Set<string> {
  const stale = [...loading].filter((p) => p !== '/' && !isSelfOrAncestor(p, opening));
  const next = new Set<string>();
  for (const p of expanded) if (!stale.some((s) => isSelfOrAncestor(s, p))) next.add(p);
  next.add(opening);
  return next;
}

/** The folders to open so that `path` shows in the tree (its parent and the parent's ancestors). */
export function revealExpansion(path: string): string[] {
  const parent = parentPath(path);
  return parent === '/' ? [] : ancestorsOf(parent);
}

/**
 * restic find matches whole names (globs): a plain word is searched as a
 * part of the name (`*word*`); a pattern with * ? or [ is used as typed.
 */
export function findPattern(input: string): string {
  const text = input.trim();
  if (!text) return '';
  return /[*?[]/.test(text) ? text : `*${text}*`;
}

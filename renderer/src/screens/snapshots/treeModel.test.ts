import { describe, expect, it } from 'vitest';
import type { LsNode } from '../../../../shared';
import {
  ancestorsOf,
  flattenTree,
  parentPath,
  permissionsString,
  sortNodes,
  type LsState,
} from './treeModel';

const dir = (path: string): LsNode => ({ name: path.split('/').pop() ?? '', path, type: 'dir' });
const file = (path: string): LsNode => ({ name: path.split('/').pop() ?? '', path, type: 'file', size: 1 });

describe('tree model', () => {
  it('lists directories first, then names in natural order', () => {
    const sorted = sortNodes([file('/b'), dir('/z'), file('/a10'), file('/a2'), dir('/c')]).map(
      (n) => n.name,
    );
    expect(sorted).toEqual(['c', 'z', 'a2', 'a10', 'b']);
  });

  it('flattens only expanded directories, with loading and empty placeholders', () => {
    const listings = new Map<string, LsState>([
      ['/', { status: 'success', nodes: [dir('/srv'), dir('/etc'), file('/README')] }],
      ['/srv', { status: 'success', nodes: [] }],
    ]);
    const rows = flattenTree('/', listings, new Set(['/srv', '/etc']));
    expect(
      rows.map((r) => (r.kind === 'node' ? `${r.level}:${r.node.path}` : `${r.level}:${r.kind}:${r.path}`)),
    ).toEqual(['1:/etc', '2:loading:/etc', '1:/srv', '2:empty:/srv', '1:/README']);
    const etc = rows[0];
    expect(etc?.kind === 'node' && etc.expanded).toBe(true);
  });

  it('shows an error row for a directory that failed to list', () => {
    const listings = new Map<string, LsState>([['/', { status: 'error', error: new Error('x') }]]);
    expect(flattenTree('/', listings, new Set())[0]?.kind).toBe('error');
  });

  it('computes parents and ancestors', () => {
    expect(parentPath('/srv/data/x')).toBe('/srv/data');
    expect(parentPath('/srv')).toBe('/');
    expect(parentPath('/')).toBe('/');
    expect(ancestorsOf('/srv/data/db')).toEqual(['/srv', '/srv/data', '/srv/data/db']);
  });

  it('formats permissions from the mode when restic sent no string', () => {
    expect(permissionsString({ type: 'file', mode: 0o644 })).toBe('-rw-r--r--');
    expect(permissionsString({ type: 'dir', mode: 0o755 })).toBe('drwxr-xr-x');
    expect(permissionsString({ type: 'file', permissions: '-rwx------' })).toBe('-rwx------');
    expect(permissionsString({ type: 'file' })).toBe('');
  });
});

/**
 * The snapshot tree with a tick on every row: lazy (`snapshots.ls` per
 * opened folder), virtualized, keyboard-driven (↑ ↓ move, → ← open and
 * close, Space ticks). A ticked folder covers everything under it; a
 * folder with ticked things below shows a partial tick.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Checkbox, Group, Loader, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconFile, IconFolder, IconLink } from '@tabler/icons-react';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, type LsNode, type Snapshot } from '../../../../shared';
import { useClient } from '../../client/ClientContext';
import { describeError } from '../../components/describeError';
import { lsQueryOptions } from '../../queries/hooks';
import { ancestorsOf, flattenTree, parentPath, supersede, type LsState } from '../snapshots/treeModel';
import { tickState } from './selectionModel';

const ROW = 26;

interface Props {
  repoId: string;
  snapshot: Snapshot;
  selection: ReadonlySet<string>;
  onToggle(path: string, listings: ReadonlyMap<string, LsState>): void;
  /** Folders opened from outside (a search result to show). */
  expanded: Set<string>;
  setExpanded(next: Set<string>): void;
  /** Every node a listing showed, by path (the running count's sizes). */
  onNodes?(nodes: ReadonlyMap<string, LsNode>): void;
}

export function SelectionTree({
  repoId,
  snapshot,
  selection,
  onToggle,
  expanded,
  setExpanded,
  onNodes,
}: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const [active, setActive] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const paths = useMemo(() => ['/', ...[...expanded].sort()], [expanded]);
  const results = useQueries({
    queries: paths.map((p) => lsQueryOptions(client.call, repoId, snapshot.id, p)),
  });
  const listings = useMemo(() => {
    const map = new Map<string, LsState>();
    paths.forEach((p, i) => {
      const r = results[i];
      if (!r || r.isPending) map.set(p, { status: 'pending' });
      else if (r.isError) map.set(p, { status: 'error', error: r.error });
      else map.set(p, { status: 'success', nodes: r.data.nodes });
    });
    return map;
  }, [paths, results]);
  const loading = useMemo(
    () => new Set(paths.filter((_, i) => results[i]?.isFetching && results[i]?.isPending)),
    [paths, results],
  );
  const nodesByPath = useMemo(() => {
    const map = new Map<string, LsNode>();
    for (const state of listings.values())
      if (state.status === 'success') for (const n of state.nodes) map.set(n.path, n);
    return map;
  }, [listings]);
  useEffect(() => onNodes?.(nodesByPath), [nodesByPath, onNodes]);

  const rows = useMemo(() => flattenTree('/', listings, expanded), [listings, expanded]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const activeIndex = active ? rows.findIndex((r) => r.kind === 'node' && r.node.path === active) : -1;

  const openClose = (path: string, open: boolean) => {
    if (open) setExpanded(supersede(expanded, loading, path));
    else setExpanded(new Set([...expanded].filter((p) => p !== path && !p.startsWith(`${path}/`))));
  };
  const moveTo = (i: number) => {
    const row = rows[i];
    if (row?.kind !== 'node') return;
    setActive(row.node.path);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const nodeIndexes = rows.flatMap((r, i) => (r.kind === 'node' ? [i] : []));
    if (nodeIndexes.length === 0) return;
    const pos = nodeIndexes.indexOf(activeIndex);
    const row =
      rows[activeIndex]?.kind === 'node'
        ? (rows[activeIndex] as Extract<(typeof rows)[number], { kind: 'node' }>)
        : null;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(nodeIndexes[pos < 0 ? 0 : Math.min(nodeIndexes.length - 1, pos + 1)] ?? 0);
        break;
      case 'ArrowUp':
        moveTo(nodeIndexes[pos < 0 ? 0 : Math.max(0, pos - 1)] ?? 0);
        break;
      case 'Home':
        moveTo(nodeIndexes[0] ?? 0);
        break;
      case 'End':
        moveTo(nodeIndexes.at(-1) ?? 0);
        break;
      case 'ArrowRight':
        if (row?.node.type === 'dir') {
          if (!row.expanded) openClose(row.node.path, true);
          else moveTo(nodeIndexes[pos + 1] ?? activeIndex);
        }
        break;
      case 'ArrowLeft':
        if (row?.node.type === 'dir' && row.expanded) openClose(row.node.path, false);
        else if (row) {
          const parent = parentPath(row.node.path);
          const i = rows.findIndex((r) => r.kind === 'node' && r.node.path === parent);
          if (i >= 0) moveTo(i);
        }
        break;
      case ' ':
        if (row) onToggle(row.node.path, listings);
        break;
      case 'Enter':
        if (row?.node.type === 'dir') openClose(row.node.path, !row.expanded);
        else if (row) onToggle(row.node.path, listings);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      className="rfc-scroller"
      role="tree"
      aria-multiselectable
      aria-label={t('restore.selection.treeLabel')}
      aria-activedescendant={activeIndex >= 0 ? `restore-tree-row-${activeIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (active === null) {
          const first = rows.findIndex((r) => r.kind === 'node');
          if (first >= 0) setActive((rows[first] as { node: LsNode }).node.path);
        }
      }}
      style={{
        height: 360,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
        position: 'relative',
      }}
      data-testid="restore-tree"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index]!;
          const style = {
            position: 'absolute' as const,
            top: 0,
            left: 0,
            right: 0,
            height: ROW,
            transform: `translateY(${v.start}px)`,
            paddingLeft: 8 + (row.level - 1) * 18,
            paddingRight: 8,
            display: 'flex',
            alignItems: 'center',
            gap: 6,
          };
          if (row.kind !== 'node') {
            return (
              <div key={`${row.kind}:${row.path}`} style={style}>
                {row.kind === 'loading' ? (
                  <Group gap={6}>
                    <Loader size={12} />
                    <Text size="xs" c="dimmed">
                      {t('restore.selection.loading')}
                    </Text>
                  </Group>
                ) : row.kind === 'error' ? (
                  <Text size="xs" c="red">
                    {describeError(row.error, t).line}
                  </Text>
                ) : (
                  <Text size="xs" c="dimmed">
                    {t('restore.selection.empty')}
                  </Text>
                )}
              </div>
            );
          }
          const { node } = row;
          const tick = tickState(selection, node.path);
          const isActive = v.index === activeIndex;
          return (
            <div
              key={node.path}
              id={`restore-tree-row-${v.index}`}
              role="treeitem"
              aria-level={row.level}
              aria-selected={tick === 'checked'}
              aria-expanded={node.type === 'dir' ? row.expanded : undefined}
              data-testid="restore-tree-node"
              data-path={node.path}
              data-tick={tick}
              onClick={() => setActive(node.path)}
              onDoubleClick={() => node.type === 'dir' && openClose(node.path, !row.expanded)}
              style={{
                ...style,
                background: isActive ? 'var(--mantine-primary-color-light)' : undefined,
                cursor: 'default',
              }}
            >
              <span
                style={{
                  width: 14,
                  display: 'inline-flex',
                  cursor: node.type === 'dir' ? 'pointer' : undefined,
                }}
                onClick={(e) => {
                  e.stopPropagation();
                  if (node.type === 'dir') openClose(node.path, !row.expanded);
                }}
                data-testid="restore-tree-twisty"
              >
                {node.type === 'dir' &&
                  (row.expanded ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />)}
              </span>
              <Checkbox
                size="xs"
                tabIndex={-1}
                checked={tick === 'checked'}
                indeterminate={tick === 'partial'}
                onChange={() => onToggle(node.path, listings)}
                onClick={(e) => e.stopPropagation()}
                aria-label={t('restore.selection.tick', { name: displaySafe(node.name) })}
                data-testid="restore-tree-tick"
              />
              {node.type === 'dir' ? (
                <IconFolder size={14} color="var(--mantine-color-indigo-5)" />
              ) : node.type === 'symlink' ? (
                <IconLink size={14} />
              ) : (
                <IconFile size={14} color="var(--mantine-color-dimmed)" />
              )}
              <Text size="xs" truncate style={{ flex: 1 }} title={displaySafe(node.path)}>
                {displaySafe(node.name)}
              </Text>
              {node.type !== 'dir' && (
                <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatBytes(node.size)}
                </Text>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The folders to open at first: the way down to what the snapshot backed up, and to what is already ticked. */
export function initialExpansion(snapshot: Snapshot, ticked: readonly string[] = []): Set<string> {
  return new Set([
    ...(snapshot.paths.length <= 3 ? snapshot.paths.flatMap(ancestorsOf) : []),
    ...(ticked.length <= 20 ? ticked.flatMap((p) => ancestorsOf(parentPath(p))) : []),
  ]);
}

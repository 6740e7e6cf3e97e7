/**
 * A snapshot's file tree, loaded one directory at a time with
 * `snapshots.ls` as the user expands it. Opening another folder while one
 * is still loading closes the superseded one, which aborts its request
 * (and the restic behind it). Rows are virtualized, names are hostile
 * input: rendered as text (React escapes) after displaySafe. Find by name
 * (restic find) lists matches beside the tree; a match jumps to its row.
 * A file's context menu (right click, the menu key, or H) opens its
 * version history.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  ActionIcon,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Kbd,
  Loader,
  Menu,
  Paper,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import {
  IconChevronDown,
  IconChevronRight,
  IconClipboard,
  IconFile,
  IconFolder,
  IconFolderOpen,
  IconHistory,
  IconLink,
  IconQuestionMark,
  IconRestore,
  IconSearch,
} from '@tabler/icons-react';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, type LsNode, type Snapshot } from '../../../../shared';
import { useClient } from '../../client/ClientContext';
import { CommandLine } from '../../components/CommandLine';
import { describeError } from '../../components/describeError';
import { LocalTime } from '../../components/LocalTime';
import { lsQueryOptions } from '../../queries/hooks';
import { FindResults } from './FindResults';
import {
  ancestorsOf,
  findPattern,
  flattenTree,
  parentPath,
  permissionsString,
  revealExpansion,
  supersede,
  type LsState,
  type TreeRow,
} from './treeModel';

const ROW = 26;
const GRID = 'minmax(0, 1fr) 90px 150px 96px';

function NodeIcon({ node, expanded }: { node: LsNode; expanded: boolean }) {
  const color = 'var(--mantine-color-dimmed)';
  if (node.type === 'dir')
    return expanded ? (
      <IconFolderOpen size={14} color="var(--mantine-color-indigo-5)" />
    ) : (
      <IconFolder size={14} color="var(--mantine-color-indigo-5)" />
    );
  if (node.type === 'symlink') return <IconLink size={14} color={color} />;
  if (node.type === 'file') return <IconFile size={14} color={color} />;
  return <IconQuestionMark size={14} color={color} />;
}

function rowKey(row: TreeRow): string {
  return row.kind === 'node' ? `n:${row.node.path}` : `${row.kind}:${row.path}`;
}

/** A path to show: open the folders on the way and select it (nonce: the same path again). */
export interface TreeReveal {
  path: string;
  nonce: number;
}

interface Props {
  repoId: string;
  snapshot: Snapshot;
  reveal?: TreeReveal | null;
  /** The context action "Version history" on a file. */
  onHistory?(path: string): void;
  /** "Restore…" on a file or folder: opens the restore wizard with it ticked. */
  onRestore?(path: string): void;
}

export function TreeBrowser({ repoId, snapshot, reveal = null, onHistory, onRestore }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  // Open the way down to what was backed up (the parent keys this component by snapshot).
  const [expanded, setExpanded] = useState<Set<string>>(
    () =>
      new Set([
        ...(snapshot.paths.length <= 3 ? snapshot.paths.flatMap(ancestorsOf) : []),
        ...(reveal ? revealExpansion(reveal.path) : []),
      ]),
  );
  const [selected, setSelected] = useState<string | null>(reveal?.path ?? null);
  const [menu, setMenu] = useState<{ x: number; y: number; node: LsNode } | null>(null);
  const [findText, setFindText] = useState('');
  const [ignoreCase, setIgnoreCase] = useState(true);
  const [query, setQuery] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);
  const scrollTo = useRef<string | null>(reveal?.path ?? null);

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

  const rows = useMemo(() => flattenTree('/', listings, expanded), [listings, expanded]);
  const selectedIndex = selected ? rows.findIndex((r) => r.kind === 'node' && r.node.path === selected) : -1;
  const selectedRow = rows[selectedIndex];
  const selectedNode = selectedRow?.kind === 'node' ? selectedRow.node : null;

  // The command shown is the listing of the directory the user is looking at.
  const commandPath =
    selectedRow?.kind === 'node'
      ? selectedRow.node.type === 'dir' && selectedRow.expanded
        ? selectedRow.node.path
        : parentPath(selectedRow.node.path)
      : '/';
  const commandResult = results[paths.indexOf(commandPath)] ?? results[0];
  const command = commandResult?.data?.command;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });

  // A revealed path scrolls into view once its folder is listed.
  useEffect(() => {
    const target = scrollTo.current;
    if (!target) return;
    const i = rows.findIndex((r) => r.kind === 'node' && r.node.path === target);
    if (i >= 0) {
      scrollTo.current = null;
      virtualizer.scrollToIndex(i, { align: 'center' });
    }
  }, [rows, virtualizer]);

  // A new reveal (a find result, a history version) after mount.
  const revealed = useRef(reveal?.nonce ?? null);
  useEffect(() => {
    if (!reveal || revealed.current === reveal.nonce) return;
    revealed.current = reveal.nonce;
    showPath(reveal.path);
  }, [reveal]);

  function showPath(path: string) {
    setExpanded((prev) => new Set([...prev, ...revealExpansion(path)]));
    setSelected(path);
    scrollTo.current = path;
    treeRef.current?.focus({ preventScroll: true });
  }

  const toggle = (path: string, open?: boolean) =>
    setExpanded((prev) => {
      const willOpen = open ?? !prev.has(path);
      if (willOpen) return supersede(prev, loading, path);
      const next = new Set(prev);
      for (const p of prev) if (p === path || p.startsWith(`${path}/`)) next.delete(p);
      return next;
    });

  const selectIndex = (i: number) => {
    const row = rows[i];
    if (row?.kind === 'node') {
      setSelected(row.node.path);
      virtualizer.scrollToIndex(i, { align: 'auto' });
    }
  };

  const openMenuAt = (node: LsNode, index: number) => {
    const el = treeRef.current?.querySelector<HTMLElement>(`#tree-row-${index}`);
    const box = el?.getBoundingClientRect();
    setMenu({ x: (box?.left ?? 0) + 48, y: (box?.bottom ?? 0) - 4, node });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const nodeIndexes = rows.flatMap((r, i) => (r.kind === 'node' ? [i] : []));
    if (nodeIndexes.length === 0) return;
    const pos = nodeIndexes.indexOf(selectedIndex);
    const row = selectedRow?.kind === 'node' ? selectedRow : null;
    switch (e.key) {
      case 'ArrowDown':
        selectIndex(nodeIndexes[pos < 0 ? 0 : Math.min(nodeIndexes.length - 1, pos + 1)] ?? 0);
        break;
      case 'ArrowUp':
        selectIndex(nodeIndexes[pos < 0 ? 0 : Math.max(0, pos - 1)] ?? 0);
        break;
      case 'Home':
        selectIndex(nodeIndexes[0] ?? 0);
        break;
      case 'End':
        selectIndex(nodeIndexes[nodeIndexes.length - 1] ?? 0);
        break;
      case 'ArrowRight':
        if (row?.node.type === 'dir') {
          if (!row.expanded) toggle(row.node.path, true);
          else selectIndex(nodeIndexes[pos + 1] ?? selectedIndex);
        }
        break;
      case 'ArrowLeft':
        if (row?.node.type === 'dir' && row.expanded) toggle(row.node.path, false);
        else if (row) {
          const parent = parentPath(row.node.path);
          const i = rows.findIndex((r) => r.kind === 'node' && r.node.path === parent);
          if (i >= 0) selectIndex(i);
        }
        break;
      case 'Enter':
      case ' ':
        if (row?.node.type === 'dir') toggle(row.node.path);
        break;
      case 'h':
      case 'H':
        if (row && row.node.type !== 'dir' && onHistory) onHistory(row.node.path);
        else return;
        break;
      case 'ContextMenu':
        if (row) openMenuAt(row.node, selectedIndex);
        else return;
        break;
      default:
        if (e.key === 'F10' && e.shiftKey && row) {
          openMenuAt(row.node, selectedIndex);
          break;
        }
        return;
    }
    e.preventDefault();
  };

  const rootState = listings.get('/');
  const loadingCount = results.filter((r) => r.isFetching).length;
  const canHistory = selectedNode !== null && selectedNode.type !== 'dir' && onHistory !== undefined;

  return (
    <Stack gap={6} style={{ flex: 1, minHeight: 0 }} data-testid="tree-browser">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(findText.trim() ? findPattern(findText) : null);
          }}
          style={{ display: 'flex', gap: 6, alignItems: 'center' }}
          role="search"
          aria-label={t('snapshotTools.find.label')}
        >
          <TextInput
            aria-label={t('snapshotTools.find.label')}
            placeholder={t('snapshotTools.find.placeholder')}
            leftSection={<IconSearch size={14} />}
            value={findText}
            onChange={(e) => setFindText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                setFindText('');
                setQuery(null);
              }
            }}
            w={240}
            data-testid="find-input"
          />
          <Checkbox
            size="xs"
            label={t('snapshotTools.find.ignoreCase')}
            checked={ignoreCase}
            onChange={(e) => setIgnoreCase(e.currentTarget.checked)}
            data-testid="find-ignore-case"
          />
          <Button type="submit" variant="default" disabled={!findText.trim()} data-testid="find-submit">
            {t('snapshotTools.find.submit')}
          </Button>
        </form>
        <Group gap={6} wrap="nowrap">
          {loadingCount > 0 && (
            <Group gap={4} wrap="nowrap" data-testid="tree-loading">
              <Loader size={12} />
              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                {t('tree.loadingDirs', { count: loadingCount })}
              </Text>
            </Group>
          )}
          {onRestore && (
            <Button
              variant="default"
              leftSection={<IconRestore size={14} />}
              disabled={selectedNode === null}
              onClick={() => selectedNode && onRestore(selectedNode.path)}
              data-testid="tree-restore"
            >
              {t('restore.entry.path')}
            </Button>
          )}
          {onHistory && (
            <Tooltip label={t('snapshotTools.history.hint')} multiline maw={280}>
              <Button
                variant="default"
                leftSection={<IconHistory size={14} />}
                rightSection={<Kbd size="xs">H</Kbd>}
                disabled={!canHistory}
                onClick={() => selectedNode && onHistory(selectedNode.path)}
                data-testid="tree-history"
              >
                {t('snapshotTools.history.button')}
              </Button>
            </Tooltip>
          )}
        </Group>
      </Group>
      <CommandLine command={command} testId="ls-command" />
      <Group gap={6} align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        <div className="rfc-scroller" ref={scrollRef}>
          <div
            className="rfc-list-row rfc-list-header"
            style={{ gridTemplateColumns: GRID, height: ROW }}
            role="presentation"
          >
            <span>{t('tree.columns.name')}</span>
            <span style={{ textAlign: 'right' }}>{t('tree.columns.size')}</span>
            <span>{t('tree.columns.mtime')}</span>
            <span>{t('tree.columns.permissions')}</span>
          </div>
          {rootState?.status === 'pending' ? (
            <Text size="xs" c="dimmed" p="xs">
              {t('tree.loadingRoot')}
            </Text>
          ) : (
            <div
              ref={treeRef}
              role="tree"
              aria-label={t('tree.label', { id: snapshot.shortId })}
              tabIndex={0}
              className="rfc-tree"
              onKeyDown={onKeyDown}
              onFocus={() => {
                // Focus alone selects the first row only when nothing is selected (a reveal may have just set one).
                const first = rows.find((r) => r.kind === 'node');
                if (first?.kind === 'node') setSelected((prev) => prev ?? first.node.path);
              }}
              aria-activedescendant={selectedIndex >= 0 ? `tree-row-${selectedIndex}` : undefined}
              style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
              data-testid="tree"
            >
              {virtualizer.getVirtualItems().map((v) => {
                const row = rows[v.index];
                if (!row) return null;
                const style = {
                  position: 'absolute' as const,
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${v.start}px)`,
                  gridTemplateColumns: GRID,
                };
                const indent = (row.level - 1) * 16;
                if (row.kind !== 'node') {
                  const text =
                    row.kind === 'loading'
                      ? t('tree.loadingDir')
                      : row.kind === 'empty'
                        ? t('tree.emptyDir')
                        : describeError(row.error, t).line;
                  return (
                    <div
                      key={rowKey(row)}
                      className="rfc-list-row"
                      style={style}
                      role="treeitem"
                      aria-level={row.level}
                      aria-disabled
                      data-testid={`tree-${row.kind}`}
                    >
                      <Text
                        size="xs"
                        c={row.kind === 'error' ? 'red' : 'dimmed'}
                        fs="italic"
                        style={{ paddingLeft: indent + 22, gridColumn: '1 / -1' }}
                        truncate
                      >
                        {text}
                      </Text>
                    </div>
                  );
                }
                const { node } = row;
                const isDir = node.type === 'dir';
                const name = displaySafe(node.name);
                return (
                  <div
                    key={rowKey(row)}
                    id={`tree-row-${v.index}`}
                    className="rfc-list-row rfc-tree-row"
                    style={style}
                    role="treeitem"
                    aria-level={row.level}
                    aria-setsize={row.setSize}
                    aria-posinset={row.posInSet}
                    aria-expanded={isDir ? row.expanded : undefined}
                    aria-selected={node.path === selected}
                    aria-label={name}
                    data-testid="tree-node"
                    data-path={node.path}
                    data-type={node.type}
                    onClick={() => setSelected(node.path)}
                    onDoubleClick={() => isDir && toggle(node.path)}
                    onContextMenu={(e) => {
                      e.preventDefault();
                      setSelected(node.path);
                      setMenu({ x: e.clientX, y: e.clientY, node });
                    }}
                  >
                    <Group gap={4} wrap="nowrap" style={{ paddingLeft: indent, minWidth: 0 }}>
                      {isDir ? (
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          size={18}
                          tabIndex={-1}
                          aria-label={row.expanded ? t('tree.collapse') : t('tree.expand')}
                          onClick={(e) => {
                            e.stopPropagation();
                            setSelected(node.path);
                            toggle(node.path);
                          }}
                          data-testid="tree-toggle"
                        >
                          {row.expanded ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />}
                        </ActionIcon>
                      ) : (
                        <span style={{ width: 18, flexShrink: 0 }} />
                      )}
                      <NodeIcon node={node} expanded={row.expanded} />
                      <Text
                        size="xs"
                        truncate
                        title={name}
                        className={isDir ? undefined : 'rfc-mono'}
                        fw={isDir ? 500 : 400}
                      >
                        {name}
                      </Text>
                      {node.type === 'symlink' && node.linkTarget !== undefined && (
                        <Text size="xs" c="dimmed" truncate>
                          → {displaySafe(node.linkTarget)}
                        </Text>
                      )}
                    </Group>
                    <Text
                      size="xs"
                      ta="right"
                      title={node.size !== undefined ? `${formatCount(node.size)} B` : undefined}
                    >
                      {isDir ? '' : formatBytes(node.size)}
                    </Text>
                    <span>{node.mtime ? <LocalTime iso={node.mtime} size="xs" /> : ''}</span>
                    <Text size="xs" className="rfc-mono" c="dimmed">
                      {permissionsString(node)}
                    </Text>
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {query !== null && (
          <Paper
            withBorder
            w={380}
            style={{ flexShrink: 0, display: 'flex', flexDirection: 'column', minHeight: 0 }}
          >
            <Group justify="space-between" gap={4} px="xs" pt={4} wrap="nowrap">
              <Text size="xs" fw={600} truncate>
                {t('snapshotTools.find.title', { pattern: query })}
              </Text>
              <CloseButton
                size="sm"
                aria-label={t('snapshotTools.find.close')}
                onClick={() => setQuery(null)}
                data-testid="find-close"
              />
            </Group>
            <FindResults
              repoId={repoId}
              snapshotId={snapshot.id}
              pattern={query}
              ignoreCase={ignoreCase}
              selected={selected}
              onPick={showPath}
            />
          </Paper>
        )}
      </Group>
      <Menu
        opened={menu !== null}
        onChange={(o) => !o && setMenu(null)}
        position="bottom-start"
        withinPortal
        returnFocus
      >
        <Menu.Target>
          <div
            aria-hidden
            style={{ position: 'fixed', left: menu?.x ?? 0, top: menu?.y ?? 0, width: 1, height: 1 }}
          />
        </Menu.Target>
        <Menu.Dropdown data-testid="tree-menu">
          <Menu.Label>{menu ? displaySafe(menu.node.name) : ''}</Menu.Label>
          <Menu.Item
            leftSection={<IconHistory size={14} />}
            disabled={!menu || menu.node.type === 'dir' || !onHistory}
            onClick={() => menu && onHistory?.(menu.node.path)}
            data-testid="tree-menu-history"
          >
            {t('snapshotTools.history.button')}
          </Menu.Item>
          {onRestore && (
            <Menu.Item
              leftSection={<IconRestore size={14} />}
              onClick={() => menu && onRestore(menu.node.path)}
              data-testid="tree-menu-restore"
            >
              {t('restore.entry.path')}
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={<IconClipboard size={14} />}
            onClick={() => menu && void navigator.clipboard?.writeText(menu.node.path)}
            data-testid="tree-menu-copy"
          >
            {t('snapshotTools.copyPath')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Stack>
  );
}

/**
 * The diff as a folder tree (virtualized): each folder with its changes
 * below counted by kind; chains of folders restic did not report are folded
 * into one row. Click a folder to fold it, a file to see both versions.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Group, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconFile, IconFolder } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatCount, type DiffChange, type DiffModifier } from '../../../../shared';
import { MODIFIERS } from './diffModel';
import { buildDiffTree, flattenDiffTree, initialCollapsed } from './diffTree';
import { MODIFIER_STYLE, ModifierBadge } from './DiffView';

const ROW = 24;

function Counts({ counts }: { counts: Record<DiffModifier, number> }) {
  return (
    <Group gap={6} wrap="nowrap" style={{ justifyContent: 'flex-end' }}>
      {MODIFIERS.filter((m) => counts[m] > 0).map((m) => (
        <Text
          key={m}
          span
          size="xs"
          c={`${MODIFIER_STYLE[m].color}.7`}
          style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
        >
          {MODIFIER_STYLE[m].label}
          {formatCount(counts[m])}
        </Text>
      ))}
    </Group>
  );
}

export function DiffTree({
  changes,
  selected,
  onSelect,
}: {
  changes: readonly DiffChange[];
  selected: string | null;
  onSelect(path: string | null): void;
}) {
  const { t } = useTranslation();
  const root = useMemo(() => buildDiffTree(changes), [changes]);
  const [collapsed, setCollapsed] = useState<{ root: typeof root; set: Set<string> }>(() => ({
    root,
    set: initialCollapsed(root),
  }));
  // A new diff (or new filters) starts from its own default folding.
  const folded = collapsed.root === root ? collapsed.set : initialCollapsed(root);
  const rows = useMemo(() => flattenDiffTree(root, folded), [root, folded]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });

  const toggle = (path: string) => {
    const next = new Set(folded);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setCollapsed({ root, set: next });
  };
  const selectedIndex = selected ? rows.findIndex((r) => r.path === selected) : -1;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    let next = selectedIndex;
    const row = rows[selectedIndex];
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(rows.length - 1, selectedIndex + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, selectedIndex - 1);
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'Enter':
        if (row?.kind === 'dir' && (e.key === 'Enter' || (e.key === 'ArrowLeft') !== row.collapsed))
          toggle(row.path);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    const r = rows[next];
    if (r) {
      onSelect(r.path);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    }
  };

  return (
    <div ref={scrollRef} className="rfc-scroller" data-testid="diff-tree-scroller">
      {rows.length === 0 ? (
        <Text size="xs" c="dimmed" ta="center" py="md">
          {t('diff.noMatch')}
        </Text>
      ) : (
        <div
          role="tree"
          aria-label={t('diffTree.label')}
          tabIndex={0}
          className="rfc-tree"
          onKeyDown={onKeyDown}
          aria-activedescendant={selectedIndex >= 0 ? `diff-tree-row-${selectedIndex}` : undefined}
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
          data-testid="diff-tree"
        >
          {virtualizer.getVirtualItems().map((v) => {
            const row = rows[v.index];
            if (!row) return null;
            const indent = row.depth * 16;
            const isSelected = row.path === selected;
            return (
              <div
                key={`${row.kind}:${row.path}`}
                id={`diff-tree-row-${v.index}`}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-expanded={row.kind === 'dir' ? !row.collapsed : undefined}
                aria-selected={isSelected}
                className="rfc-list-row rfc-tree-row"
                data-testid={row.kind === 'dir' ? 'diff-tree-dir' : 'diff-tree-file'}
                data-path={row.path}
                data-modifier={row.modifier ?? undefined}
                onClick={() => {
                  onSelect(row.path);
                  if (row.kind === 'dir') toggle(row.path);
                }}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW,
                  transform: `translateY(${v.start}px)`,
                  gridTemplateColumns: 'minmax(0, 1fr) auto',
                  cursor: 'default',
                }}
              >
                <Group gap={4} wrap="nowrap" style={{ paddingLeft: indent, minWidth: 0 }}>
                  {row.kind === 'dir' ? (
                    <>
                      {row.collapsed ? <IconChevronRight size={12} /> : <IconChevronDown size={12} />}
                      <IconFolder size={14} color="var(--mantine-color-indigo-5)" style={{ flexShrink: 0 }} />
                      <Text size="xs" fw={500} truncate title={displaySafe(row.path)}>
                        {displaySafe(row.label)}
                      </Text>
                      {row.modifier && <ModifierBadge modifier={row.modifier} />}
                    </>
                  ) : (
                    <>
                      <span style={{ width: 12, flexShrink: 0 }} />
                      <ModifierBadge modifier={row.modifier} />
                      <IconFile size={14} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
                      <Text size="xs" className="rfc-mono" truncate title={displaySafe(row.path)}>
                        {displaySafe(row.label)}
                      </Text>
                    </>
                  )}
                </Group>
                {row.kind === 'dir' ? <Counts counts={row.counts} /> : <span />}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

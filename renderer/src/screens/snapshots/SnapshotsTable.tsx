/**
 * The snapshots table: @tanstack/react-table for sorting and filtering,
 * @tanstack/react-virtual so only the visible rows are in the DOM (10 000
 * snapshots stay smooth). Real table semantics (role=grid with row and
 * column counts), the keyboard moves the selection, Enter opens.
 */
import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { Badge, Checkbox, Group, Table, Text, Tooltip } from '@mantine/core';
import {
  IconArrowDown,
  IconArrowUp,
  IconArrowsSort,
  IconChevronDown,
  IconChevronRight,
} from '@tabler/icons-react';
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type ColumnFiltersState,
  type Row,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, type Snapshot } from '../../../../shared';
import { LocalTime } from '../../components/LocalTime';
import {
  compareSortValues,
  matchesGlobal,
  matchesHosts,
  matchesPath,
  matchesTags,
  matchesTimeRange,
  snapshotBytes,
  snapshotFiles,
  sortValue,
  type SnapshotColumnId,
  type SnapshotFilters,
  type SnapshotSort,
} from './snapshotFilters';
import { groupItems, NO_PLAN, type SnapshotGroupBy } from './snapshotGroups';

export const ROW_HEIGHT = 28;
const CHECK_WIDTH = 32;

export interface SnapshotsTableHandle {
  focus(): void;
}

interface Props {
  snapshots: Snapshot[];
  filters: SnapshotFilters;
  sort: SnapshotSort;
  onSortChange(sort: SnapshotSort): void;
  selectedId: string | null;
  onSelect(id: string): void;
  onOpen(id: string): void;
  /** Rows that pass the filters, in display order (for counts and "open"). */
  onVisibleCount?(count: number): void;
  label: string;
  /** Snapshots ticked for a bulk action (tags); a checkbox column when given. */
  checked?: ReadonlySet<string>;
  onCheckedChange?(next: Set<string>): void;
  /** Group rows by host or by plan (`plan:<id>` tag), with collapsible headers. */
  groupBy?: SnapshotGroupBy;
}

function toColumnFilters(f: SnapshotFilters): ColumnFiltersState {
  const out: ColumnFiltersState = [];
  if (f.hosts.length) out.push({ id: 'hostname', value: f.hosts });
  if (f.path.trim()) out.push({ id: 'paths', value: f.path });
  if (f.tags.length) out.push({ id: 'tags', value: f.tags });
  if (f.from || f.to) out.push({ id: 'time', value: { from: f.from, to: f.to } });
  return out;
}

function NoSummary() {
  const { t } = useTranslation();
  return (
    <Tooltip label={t('snapshots.noSummary')} multiline maw={300}>
      <Text span size="xs" c="dimmed" data-testid="no-summary">
        —
      </Text>
    </Tooltip>
  );
}

export const SnapshotsTable = forwardRef<SnapshotsTableHandle, Props>(function SnapshotsTable(
  {
    snapshots,
    filters,
    sort,
    onSortChange,
    selectedId,
    onSelect,
    onOpen,
    onVisibleCount,
    label,
    checked,
    onCheckedChange,
    groupBy = 'none',
  },
  ref,
) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => tableRef.current?.focus() }), []);

  const columns = useMemo<ColumnDef<Snapshot, unknown>[]>(() => {
    const byValue = (id: SnapshotColumnId) => (a: Row<Snapshot>, b: Row<Snapshot>) =>
      compareSortValues(sortValue(a.original, id), sortValue(b.original, id), id !== 'shortId');
    return [
      {
        id: 'time',
        accessorFn: (s) => sortValue(s, 'time'),
        header: t('snapshots.columns.time'),
        sortingFn: byValue('time'),
        sortDescFirst: true,
        filterFn: (row, _id, value: { from: string; to: string }) =>
          matchesTimeRange(row.original, value.from, value.to),
        cell: ({ row }) => <LocalTime iso={row.original.time} size="xs" />,
        meta: { width: 148 },
      },
      {
        id: 'shortId',
        accessorFn: (s) => s.shortId,
        header: t('snapshots.columns.id'),
        sortingFn: byValue('shortId'),
        cell: ({ row }) => (
          <Text span size="xs" ff="monospace" title={row.original.id}>
            {row.original.shortId}
          </Text>
        ),
        meta: { width: 84 },
      },
      {
        id: 'hostname',
        accessorFn: (s) => s.hostname,
        header: t('snapshots.columns.host'),
        sortingFn: byValue('hostname'),
        filterFn: (row, _id, value: string[]) => matchesHosts(row.original, value),
        cell: ({ row }) => (
          <span
            title={row.original.username ? `${row.original.username}@${row.original.hostname}` : undefined}
          >
            {displaySafe(row.original.hostname)}
          </span>
        ),
        meta: { width: 130 },
      },
      {
        id: 'paths',
        accessorFn: (s) => sortValue(s, 'paths'),
        header: t('snapshots.columns.paths'),
        sortingFn: byValue('paths'),
        filterFn: (row, _id, value: string) => matchesPath(row.original, value),
        cell: ({ row }) => {
          const text = row.original.paths.map(displaySafe).join(', ');
          return (
            <span className="rfc-mono" title={text}>
              {text}
            </span>
          );
        },
      },
      {
        id: 'tags',
        accessorFn: (s) => sortValue(s, 'tags'),
        header: t('snapshots.columns.tags'),
        sortingFn: byValue('tags'),
        filterFn: (row, _id, value: string[]) => matchesTags(row.original, value),
        cell: ({ row }) =>
          row.original.tags.length === 0 ? null : (
            <Group gap={3} wrap="nowrap" title={row.original.tags.join(', ')} style={{ overflow: 'hidden' }}>
              {row.original.tags.map((tag) => (
                <Badge key={tag} size="xs" variant="light" color="gray" tt="none" style={{ flexShrink: 0 }}>
                  {displaySafe(tag)}
                </Badge>
              ))}
            </Group>
          ),
        meta: { width: 190 },
      },
      {
        id: 'files',
        accessorFn: (s) => snapshotFiles(s),
        header: t('snapshots.columns.files'),
        sortingFn: byValue('files'),
        sortUndefined: 'last',
        sortDescFirst: true,
        cell: ({ row }) => {
          const n = snapshotFiles(row.original);
          return n === undefined ? <NoSummary /> : formatCount(n);
        },
        meta: { width: 84, align: 'right' },
      },
      {
        id: 'bytes',
        accessorFn: (s) => snapshotBytes(s),
        header: t('snapshots.columns.bytes'),
        sortingFn: byValue('bytes'),
        sortUndefined: 'last',
        sortDescFirst: true,
        cell: ({ row }) => {
          const n = snapshotBytes(row.original);
          return n === undefined ? (
            <NoSummary />
          ) : (
            <span title={`${formatCount(n)} B`}>{formatBytes(n)}</span>
          );
        },
        meta: { width: 90, align: 'right' },
      },
    ];
  }, [t]);

  const columnFilters = useMemo(() => toColumnFilters(filters), [filters]);
  const sorting = sort as SortingState;

  const table = useReactTable({
    data: snapshots,
    columns,
    state: { sorting, columnFilters, globalFilter: filters.global },
    onSortingChange: (updater) =>
      onSortChange((typeof updater === 'function' ? updater(sorting) : updater) as SnapshotSort),
    globalFilterFn: (row, _columnId, value: string) => matchesGlobal(row.original, value),
    // One column carries the global filter; matchesGlobal looks at the whole snapshot.
    getColumnCanGlobalFilter: (column) => column.id === 'shortId',
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (s) => s.id,
    enableMultiSort: true,
    isMultiSortEvent: (e) => (e as MouseEvent).shiftKey,
  });

  const rows = table.getRowModel().rows;
  useEffect(() => onVisibleCount?.(rows.length), [rows.length, onVisibleCount]);

  // Grouping: headers and rows in one virtualized list; collapsed groups keep their header.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const items = useMemo(
    () => groupItems(rows, groupBy, (r) => r.original, collapsed),
    [rows, groupBy, collapsed],
  );
  const toggleGroup = (key: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });

  // Keyboard and selection move over snapshot rows only (not group headers).
  const rowItemIndexes = useMemo(() => items.flatMap((item, i) => (item.kind === 'row' ? [i] : [])), [items]);
  const selectedIndex = selectedId
    ? items.findIndex((item) => item.kind === 'row' && item.row.id === selectedId)
    : -1;
  const selectedPos = selectedIndex >= 0 ? rowItemIndexes.indexOf(selectedIndex) : -1;

  const withChecks = checked !== undefined && onCheckedChange !== undefined;
  // One translation per render, not one per row (rows mount by the dozen while scrolling).
  const tickLabel = t('snapshotTools.select.one');
  const lastToggled = useRef<string | null>(null);
  const toggleChecked = (id: string, range: boolean) => {
    if (!checked || !onCheckedChange) return;
    const next = new Set(checked);
    const on = !checked.has(id);
    const ids = rows.map((r) => r.id);
    const from = range && lastToggled.current ? ids.indexOf(lastToggled.current) : -1;
    const to = ids.indexOf(id);
    if (from >= 0 && to >= 0) {
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
        const rid = ids[i]!;
        if (on) next.add(rid);
        else next.delete(rid);
      }
    } else if (on) next.add(id);
    else next.delete(id);
    lastToggled.current = id;
    onCheckedChange(next);
  };
  const checkedVisible = useMemo(
    () => (checked ? rows.reduce((n, r) => n + (checked.has(r.id) ? 1 : 0), 0) : 0),
    [rows, checked],
  );

  // Bring the selection into view when it changes from outside (e.g. coming back to the screen).
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedIndex]);

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const count = rowItemIndexes.length;
    if (count === 0 || e.target !== e.currentTarget) return;
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2,
    );
    let next = selectedPos;
    switch (e.key) {
      case 'ArrowDown':
        next = selectedPos < 0 ? 0 : Math.min(count - 1, selectedPos + 1);
        break;
      case 'ArrowUp':
        next = selectedPos < 0 ? 0 : Math.max(0, selectedPos - 1);
        break;
      case 'PageDown':
        next = Math.min(count - 1, Math.max(0, selectedPos) + page);
        break;
      case 'PageUp':
        next = Math.max(0, selectedPos - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter': {
        if (selectedId && selectedIndex >= 0) {
          e.preventDefault();
          onOpen(selectedId);
        }
        return;
      }
      case ' ': {
        // Space ticks the selected snapshot (for bulk tag edits).
        if (withChecks && selectedId && selectedIndex >= 0) {
          e.preventDefault();
          toggleChecked(selectedId, e.shiftKey);
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    const itemIndex = rowItemIndexes[next];
    const item = itemIndex !== undefined ? items[itemIndex] : undefined;
    if (item?.kind === 'row' && itemIndex !== undefined) {
      onSelect(item.row.id);
      virtualizer.scrollToIndex(itemIndex, { align: 'auto' });
    }
  };

  const virtualRows = virtualizer.getVirtualItems();
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualRows.length
    ? virtualizer.getTotalSize() - (virtualRows[virtualRows.length - 1]?.end ?? 0)
    : 0;
  const columnCount = columns.length + (withChecks ? 1 : 0);
  const activeRowId = selectedIndex >= 0 ? `snapshot-row-${selectedId}` : undefined;

  return (
    <div ref={scrollRef} className="rfc-scroller" data-testid="snapshots-scroller">
      <Table
        ref={tableRef}
        className="rfc-table"
        stickyHeader
        highlightOnHover
        role="grid"
        aria-label={label}
        aria-rowcount={items.length + 1}
        aria-colcount={columnCount}
        aria-multiselectable={false}
        aria-activedescendant={activeRowId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="snapshots-table"
        data-row-count={rows.length}
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id} aria-rowindex={1}>
              {withChecks && (
                <Table.Th style={{ width: CHECK_WIDTH }}>
                  <Checkbox
                    size="xs"
                    aria-label={t('snapshotTools.select.allVisible')}
                    checked={rows.length > 0 && checkedVisible === rows.length}
                    indeterminate={checkedVisible > 0 && checkedVisible < rows.length}
                    onChange={() => {
                      const next = new Set(checked);
                      if (checkedVisible === rows.length) for (const r of rows) next.delete(r.id);
                      else for (const r of rows) next.add(r.id);
                      onCheckedChange(next);
                    }}
                    data-testid="snapshot-check-all"
                  />
                </Table.Th>
              )}
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta as { width?: number; align?: 'right' } | undefined;
                const dir = header.column.getIsSorted();
                const sortIndex = sorting.length > 1 ? header.column.getSortIndex() : -1;
                return (
                  <Table.Th
                    key={header.id}
                    style={{ width: meta?.width, textAlign: meta?.align }}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                    data-testid={`col-${header.column.id}`}
                  >
                    <button
                      type="button"
                      className="rfc-sort-button"
                      onClick={header.column.getToggleSortingHandler()}
                      title={t('snapshots.sortHint')}
                      data-testid={`sort-${header.column.id}`}
                    >
                      <span>{String(header.column.columnDef.header)}</span>
                      {dir === 'asc' ? (
                        <IconArrowUp size={12} aria-hidden />
                      ) : dir === 'desc' ? (
                        <IconArrowDown size={12} aria-hidden />
                      ) : (
                        <IconArrowsSort size={12} aria-hidden style={{ opacity: 0.35 }} />
                      )}
                      {sortIndex >= 0 && dir && (
                        <Text span size="10px" c="dimmed">
                          {sortIndex + 1}
                        </Text>
                      )}
                    </button>
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true" role="presentation">
              <td colSpan={columnCount} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {virtualRows.map((v) => {
            const item = items[v.index];
            if (!item) return null;
            if (item.kind === 'group') {
              const label =
                groupBy === 'plan'
                  ? item.key === NO_PLAN
                    ? t('snapshotTools.group.noPlan')
                    : t('snapshotTools.group.plan', { id: item.key })
                  : displaySafe(item.key);
              return (
                <Table.Tr
                  key={`group:${item.key}`}
                  className="rfc-group-row"
                  style={{ height: ROW_HEIGHT }}
                  aria-rowindex={v.index + 2}
                  aria-expanded={!item.collapsed}
                  data-testid="snapshot-group"
                  data-group={item.key}
                  onClick={() => toggleGroup(item.key)}
                >
                  <Table.Td colSpan={columnCount}>
                    <Group gap={6} wrap="nowrap">
                      {item.collapsed ? <IconChevronRight size={12} /> : <IconChevronDown size={12} />}
                      <Text span size="xs" fw={600}>
                        {label}
                      </Text>
                      <Text span size="xs" c="dimmed">
                        {t('snapshotTools.group.count', { count: item.count })}
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            }
            const row = item.row;
            const selected = row.id === selectedId;
            const isChecked = withChecks && checked.has(row.id);
            return (
              <Table.Tr
                key={row.id}
                id={`snapshot-row-${row.id}`}
                className="rfc-row"
                style={{ height: ROW_HEIGHT }}
                aria-rowindex={v.index + 2}
                aria-selected={selected}
                data-testid="snapshot-row"
                data-snapshot-id={row.original.id}
                data-short-id={row.original.shortId}
                data-checked={isChecked ? 'true' : undefined}
                onClick={() => onSelect(row.id)}
                onDoubleClick={() => onOpen(row.id)}
              >
                {withChecks && (
                  <Table.Td
                    style={{ overflow: 'visible', cursor: 'pointer' }}
                    data-testid="snapshot-check-cell"
                    onClick={(e: MouseEvent) => {
                      e.stopPropagation();
                      toggleChecked(row.id, e.shiftKey);
                    }}
                    onDoubleClick={(e: MouseEvent) => e.stopPropagation()}
                  >
                    {/* A native box: dozens mount on every scroll step, a Mantine Checkbox costs too much here. */}
                    <input
                      type="checkbox"
                      className="rfc-row-check"
                      tabIndex={-1}
                      checked={isChecked}
                      readOnly
                      aria-label={`${tickLabel} ${row.original.shortId}`}
                      data-testid="snapshot-check"
                    />
                  </Table.Td>
                )}
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta as { align?: 'right' } | undefined;
                  const render = cell.column.columnDef.cell;
                  return (
                    <Table.Td key={cell.id} style={{ textAlign: meta?.align }} data-col={cell.column.id}>
                      {typeof render === 'function'
                        ? render(cell.getContext())
                        : String(cell.getValue() ?? '')}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true" role="presentation">
              <td colSpan={columnCount} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
      {items.length === 0 && (
        <Text size="xs" c="dimmed" ta="center" py="md" data-testid="snapshots-empty">
          {snapshots.length === 0 ? t('snapshots.emptyRepo') : t('snapshots.noMatch')}
        </Text>
      )}
    </div>
  );
});

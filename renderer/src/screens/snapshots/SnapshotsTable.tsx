/**
 * The snapshots table: @tanstack/react-table for sorting and filtering,
 * @tanstack/react-virtual so only the visible rows are in the DOM (10 000
 * snapshots stay smooth). Real table semantics (role=grid with row and
 * column counts), the keyboard moves the selection, Enter opens.
 */
import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, type KeyboardEvent } from 'react';
import { Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
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

export const ROW_HEIGHT = 28;

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
  { snapshots, filters, sort, onSortChange, selectedId, onSelect, onOpen, onVisibleCount, label },
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

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });

  const selectedIndex = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;

  // Bring the selection into view when it changes from outside (e.g. coming back to the screen).
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedIndex]);

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    if (rows.length === 0) return;
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 2,
    );
    let next = selectedIndex;
    switch (e.key) {
      case 'ArrowDown':
        next = selectedIndex < 0 ? 0 : Math.min(rows.length - 1, selectedIndex + 1);
        break;
      case 'ArrowUp':
        next = selectedIndex < 0 ? 0 : Math.max(0, selectedIndex - 1);
        break;
      case 'PageDown':
        next = Math.min(rows.length - 1, Math.max(0, selectedIndex) + page);
        break;
      case 'PageUp':
        next = Math.max(0, selectedIndex - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'Enter': {
        const row = rows[selectedIndex];
        if (row) {
          e.preventDefault();
          onOpen(row.id);
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    const row = rows[next];
    if (row) {
      onSelect(row.id);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    }
  };

  const virtualRows = virtualizer.getVirtualItems();
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualRows.length
    ? virtualizer.getTotalSize() - (virtualRows[virtualRows.length - 1]?.end ?? 0)
    : 0;
  const columnCount = columns.length;
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
        aria-rowcount={rows.length + 1}
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
            const row = rows[v.index];
            if (!row) return null;
            const selected = row.id === selectedId;
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
                onClick={() => onSelect(row.id)}
                onDoubleClick={() => onOpen(row.id)}
              >
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
      {rows.length === 0 && (
        <Text size="xs" c="dimmed" ta="center" py="md" data-testid="snapshots-empty">
          {snapshots.length === 0 ? t('snapshots.emptyRepo') : t('snapshots.noMatch')}
        </Text>
      )}
    </div>
  );
});

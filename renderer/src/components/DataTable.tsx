/**
 * The console's table for inventory, jobs, audit and check items:
 * @tanstack/react-table sorts and filters, @tanstack/react-virtual keeps
 * only the visible rows in the DOM. Same look and keyboard as the
 * snapshots table: headers sort (Shift-click for several columns), ↑ ↓
 * move the selection, Enter opens.
 */
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { Table, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';

export interface ColumnMeta {
  width?: number | string;
  align?: 'right' | 'center';
  /** Cells that hold controls (buttons, switches): no text truncation, clicks do not select. */
  actions?: boolean;
}

export type Column<T> = ColumnDef<T, unknown>;

interface Props<T> {
  data: readonly T[];
  columns: Column<T>[];
  getRowId(row: T): string;
  label: string;
  testId: string;
  rowTestId: string;
  initialSorting?: SortingState;
  /** Client-side free-text filter over whole rows. */
  filter?: string;
  filterFn?(row: T, query: string): boolean;
  selectedId?: string | null;
  onSelect?(id: string): void;
  onOpen?(id: string): void;
  /** Shown when `data` is empty. */
  empty: ReactNode;
  /** Shown when the filter hides every row. */
  noMatch?: ReactNode;
  rowHeight?: number;
  /** Extra attributes per row (data-* for tests and styling). */
  rowAttributes?(row: T): Record<string, string | undefined>;
  rowStyle?(row: T): CSSProperties | undefined;
  onVisibleCount?(count: number): void;
  style?: CSSProperties;
}

export function DataTable<T>({
  data,
  columns,
  getRowId,
  label,
  testId,
  rowTestId,
  initialSorting = [],
  filter = '',
  filterFn,
  selectedId = null,
  onSelect,
  onOpen,
  empty,
  noMatch,
  rowHeight = 28,
  rowAttributes,
  rowStyle,
  onVisibleCount,
  style,
}: Props<T>) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [sorting, setSorting] = useState<SortingState>(initialSorting);
  const rowsData = useMemo(() => data.slice(), [data]);

  const table = useReactTable<T>({
    data: rowsData,
    columns,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    globalFilterFn: (row, _columnId, value: string) => (filterFn ? filterFn(row.original, value) : true),
    getColumnCanGlobalFilter: (column) => column.getIndex() === 0,
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (row) => getRowId(row),
    enableMultiSort: true,
    isMultiSortEvent: (e) => (e as MouseEvent).shiftKey,
  });

  const rows = table.getRowModel().rows;
  useEffect(() => onVisibleCount?.(rows.length), [rows.length, onVisibleCount]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });

  const selectedIndex = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    if (rows.length === 0 || (!onSelect && !onOpen)) return;
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 2);
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
        if (row && onOpen) {
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
      onSelect?.(row.id);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    }
  };

  const virtualRows = virtualizer.getVirtualItems();
  const paddingTop = virtualRows[0]?.start ?? 0;
  const paddingBottom = virtualRows.length
    ? virtualizer.getTotalSize() - (virtualRows[virtualRows.length - 1]?.end ?? 0)
    : 0;
  const columnCount = columns.length;

  return (
    <div ref={scrollRef} className="rfc-scroller" style={style} data-testid={`${testId}-scroller`}>
      <Table
        className="rfc-table"
        stickyHeader
        highlightOnHover
        role="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        aria-colcount={columnCount}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid={testId}
        data-row-count={rows.length}
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta as ColumnMeta | undefined;
                const dir = header.column.getIsSorted();
                const canSort = header.column.getCanSort();
                const sortIndex = sorting.length > 1 ? header.column.getSortIndex() : -1;
                const text = String(header.column.columnDef.header ?? '');
                return (
                  <Table.Th
                    key={header.id}
                    style={{ width: meta?.width, textAlign: meta?.align }}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                    data-testid={`${testId}-col-${header.column.id}`}
                  >
                    {canSort ? (
                      <button
                        type="button"
                        className="rfc-sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                        title={t('table.sortHint')}
                        data-testid={`${testId}-sort-${header.column.id}`}
                      >
                        <span>{text}</span>
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
                    ) : (
                      text
                    )}
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
                className="rfc-row"
                style={{ height: rowHeight, ...rowStyle?.(row.original) }}
                aria-rowindex={v.index + 2}
                aria-selected={onSelect ? selected : undefined}
                data-testid={rowTestId}
                data-row-id={row.id}
                {...rowAttributes?.(row.original)}
                onClick={onSelect ? () => onSelect(row.id) : undefined}
                onDoubleClick={onOpen ? () => onOpen(row.id) : undefined}
              >
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta as ColumnMeta | undefined;
                  const render = cell.column.columnDef.cell;
                  return (
                    <Table.Td
                      key={cell.id}
                      style={{ textAlign: meta?.align, ...(meta?.actions ? { overflow: 'visible' } : {}) }}
                      data-col={cell.column.id}
                      onClick={meta?.actions ? (e) => e.stopPropagation() : undefined}
                      onDoubleClick={meta?.actions ? (e) => e.stopPropagation() : undefined}
                    >
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
        <div data-testid={`${testId}-empty`} style={{ padding: 'var(--mantine-spacing-md)' }}>
          {data.length === 0
            ? empty
            : (noMatch ?? (
                <Text size="xs" c="dimmed" ta="center">
                  {t('table.noMatch')}
                </Text>
              ))}
        </div>
      )}
    </div>
  );
}

/** Past daily checks, newest first; choosing one shows it on the board. */
import { useMemo } from 'react';
import { ActionIcon, Badge, Text, Tooltip } from '@mantine/core';
import { IconListDetails } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DailyCheck } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { elapsedMs, formatDuration } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { useUiStore } from '../../state/uiStore';

const CHECK_RUN_COLOR = { running: 'blue', done: 'gray', failed: 'red' } as const;

function Count({ n, color }: { n: number; color: string }) {
  return (
    <Text
      span
      size="xs"
      c={n > 0 ? color : 'dimmed'}
      fw={n > 0 ? 600 : 400}
      style={{ fontVariantNumeric: 'tabular-nums' }}
    >
      {n}
    </Text>
  );
}

export function CheckHistory({
  checks,
  selectedId,
  onSelect,
  onOpen,
}: {
  checks: readonly DailyCheck[];
  selectedId: string | null;
  onSelect(id: string): void;
  /** Enter or double-click: show the check on the board. */
  onOpen(id: string): void;
}) {
  const { t } = useTranslation();
  const showJob = useUiStore((s) => s.showJob);
  const columns = useMemo<Column<DailyCheck>[]>(
    () => [
      {
        id: 'started',
        header: t('fleet.history.columns.started'),
        accessorFn: (c) => Date.parse(c.startedAt),
        sortDescFirst: true,
        cell: ({ row }) => <LocalTime iso={row.original.startedAt} size="xs" />,
        meta: { width: 160 },
      },
      {
        id: 'status',
        header: t('fleet.history.columns.status'),
        accessorFn: (c) => c.status,
        cell: ({ row }) => (
          <Badge color={CHECK_RUN_COLOR[row.original.status]} data-testid="check-run-status">
            {row.original.summary.interrupted === true
              ? t('fleet.history.interrupted')
              : t(`fleet.history.status.${row.original.status}`)}
          </Badge>
        ),
        meta: { width: 110 },
      },
      {
        id: 'duration',
        header: t('fleet.history.columns.duration'),
        accessorFn: (c) => elapsedMs(c.startedAt, c.endedAt ?? null, Date.now()) ?? 0,
        cell: ({ row }) =>
          row.original.endedAt
            ? formatDuration(elapsedMs(row.original.startedAt, row.original.endedAt, 0))
            : '—',
        meta: { width: 100, align: 'right' },
      },
      {
        id: 'failing',
        header: t('fleet.status.failing'),
        accessorFn: (c) => c.summary.failing,
        sortDescFirst: true,
        cell: ({ row }) => <Count n={row.original.summary.failing} color="red" />,
        meta: { width: 92, align: 'right' },
      },
      {
        id: 'warning',
        header: t('fleet.status.warning'),
        accessorFn: (c) => c.summary.warning,
        sortDescFirst: true,
        cell: ({ row }) => <Count n={row.original.summary.warning} color="yellow.8" />,
        meta: { width: 92, align: 'right' },
      },
      {
        id: 'ok',
        header: t('fleet.status.ok'),
        accessorFn: (c) => c.summary.ok,
        cell: ({ row }) => <Count n={row.original.summary.ok} color="teal" />,
        meta: { width: 92, align: 'right' },
      },
      {
        id: 'job',
        header: t('fleet.history.columns.job'),
        enableSorting: false,
        cell: ({ row }) =>
          row.original.jobId ? (
            <Tooltip label={t('fleet.openJob')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('fleet.openJob')}
                onClick={() => row.original.jobId && showJob(row.original.jobId)}
              >
                <IconListDetails size={14} />
              </ActionIcon>
            </Tooltip>
          ) : null,
        meta: { width: 56, actions: true },
      },
      {
        id: 'spacer',
        header: '',
        enableSorting: false,
        cell: () => null,
      },
    ],
    [t, showJob],
  );

  return (
    <DataTable
      data={checks}
      columns={columns}
      getRowId={(c) => c.id}
      label={t('fleet.history.label')}
      testId="check-history"
      rowTestId="check-history-row"
      initialSorting={[{ id: 'started', desc: true }]}
      selectedId={selectedId}
      onSelect={onSelect}
      onOpen={onOpen}
      empty={
        <Text size="xs" c="dimmed" ta="center">
          {t('fleet.history.empty')}
        </Text>
      }
    />
  );
}

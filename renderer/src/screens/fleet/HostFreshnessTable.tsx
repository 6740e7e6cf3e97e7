/** Hosts by the age of their most overdue backup: the stalest first. */
import { useMemo, useState } from 'react';
import { Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatAge, type DailyCheckItem } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { formatHours } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { CheckStatusBadge } from '../../components/StatusBadge';
import { STATUS_RANK, backupAgeSortValue, hostFreshness, type HostFreshness } from './checkModel';
import { useItemKindLabel } from './labels';

export function HostFreshnessTable({
  items,
  onOpenHost,
}: {
  items: readonly DailyCheckItem[];
  onOpenHost(hostKey: string): void;
}) {
  const { t } = useTranslation();
  const kindLabel = useItemKindLabel();
  const rows = useMemo(() => hostFreshness(items), [items]);
  const [selected, setSelected] = useState<string | null>(null);

  const columns = useMemo<Column<HostFreshness>[]>(
    () => [
      {
        id: 'host',
        header: t('fleet.hosts.columns.host'),
        accessorFn: (r) => r.name ?? r.key,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.name ?? row.original.key}
          </Text>
        ),
        meta: { width: '16%' },
      },
      {
        id: 'status',
        header: t('fleet.hosts.columns.status'),
        accessorFn: (r) => STATUS_RANK[r.status],
        sortDescFirst: true,
        cell: ({ row }) => <CheckStatusBadge status={row.original.status} />,
        meta: { width: 96 },
      },
      {
        id: 'age',
        header: t('fleet.hosts.columns.age'),
        accessorFn: (r) => backupAgeSortValue(r),
        sortDescFirst: true,
        cell: ({ row }) => {
          const r = row.original;
          if (r.neverBackedUp)
            return (
              <Text span size="xs" c="red" fw={600}>
                {t('fleet.hosts.never')}
              </Text>
            );
          if (r.ageHours === null)
            return (
              <Text span size="xs" c="dimmed">
                {r.plans === 0 ? t('fleet.hosts.noPlans') : t('fleet.hosts.unknown')}
              </Text>
            );
          const over = r.targetHours !== null && r.ageHours > r.targetHours;
          return (
            <Text
              span
              size="xs"
              fw={over ? 600 : 400}
              c={over ? 'red' : undefined}
              style={{ fontVariantNumeric: 'tabular-nums' }}
            >
              {formatHours(r.ageHours)}
            </Text>
          );
        },
        meta: { width: 90, align: 'right' },
      },
      {
        id: 'target',
        header: t('fleet.hosts.columns.target'),
        accessorFn: (r) => r.targetHours ?? -1,
        cell: ({ row }) => (
          <Text span size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatHours(row.original.targetHours)}
          </Text>
        ),
        meta: { width: 72, align: 'right' },
      },
      {
        id: 'lastBackup',
        header: t('fleet.hosts.columns.lastBackup'),
        accessorFn: (r) => (r.lastBackupAt ? Date.parse(r.lastBackupAt) : 0),
        cell: ({ row }) =>
          row.original.lastBackupAt ? (
            <Group gap={6} wrap="nowrap">
              <LocalTime iso={row.original.lastBackupAt} size="xs" />
              <Text span size="10px" c="dimmed">
                {formatAge(row.original.lastBackupAt)}
              </Text>
            </Group>
          ) : (
            <Text span size="xs" c="dimmed">
              —
            </Text>
          ),
        meta: { width: 210 },
      },
      {
        id: 'plans',
        header: t('fleet.hosts.columns.plans'),
        accessorFn: (r) => r.plans,
        meta: { width: 60, align: 'right' },
      },
      {
        id: 'restic',
        header: t('fleet.hosts.columns.restic'),
        accessorFn: (r) => r.resticVersion ?? '',
        cell: ({ row }) => (
          <Text span size="xs" ff="monospace">
            {row.original.resticVersion ?? '—'}
          </Text>
        ),
        meta: { width: 84 },
      },
      {
        id: 'problems',
        header: t('fleet.hosts.columns.problems'),
        accessorFn: (r) => r.problems.length,
        sortDescFirst: true,
        cell: ({ row }) => {
          const r = row.original;
          if (r.problems.length === 0)
            return (
              <Text span size="xs" c="dimmed">
                {t('fleet.hosts.allOk', { count: r.counts.ok })}
              </Text>
            );
          const text = r.problems.map((p) => `${kindLabel(p.item)}: ${p.reason}`).join(' · ');
          return (
            <Tooltip label={text} multiline maw={480} openDelay={400}>
              <Text span size="xs" c={r.status === 'failing' ? 'red' : 'yellow.8'}>
                {text}
              </Text>
            </Tooltip>
          );
        },
      },
    ],
    [t, kindLabel],
  );

  return (
    <DataTable
      data={rows}
      columns={columns}
      getRowId={(r) => r.key}
      label={t('fleet.hosts.label')}
      testId="check-hosts"
      rowTestId="check-host-row"
      initialSorting={[{ id: 'age', desc: true }]}
      selectedId={selected}
      onSelect={setSelected}
      onOpen={onOpenHost}
      rowAttributes={(r) => ({ 'data-status': r.status, 'data-host': r.name ?? r.key })}
      empty={
        <Text size="xs" c="dimmed" ta="center">
          {t('fleet.hosts.empty')}
        </Text>
      }
    />
  );
}

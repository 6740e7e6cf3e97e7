/**
 * Hosts by the age of their least fresh plan's newest snapshot (stalest
 * first; hosts with a plan that has no snapshot before all), from
 * shared/fleet-board.ts's `deriveHostTable`.
 */
import { useMemo, useState } from 'react';
import { Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatAge, type DailyCheckItem } from '../../../../shared';
import { deriveHostTable, type HostTableRow } from '../../../../shared/fleet-board';
import { DataTable, type Column } from '../../components/DataTable';
import { formatHours } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { CheckStatusBadge } from '../../components/StatusBadge';
import { STATUS_RANK, hostExtras, subjectOf, type HostExtras } from './checkModel';
import { useReasonLabel } from './labels';

type Row = HostTableRow & HostExtras;

/** Larger is staler: a plan without snapshot above everything, hosts without plans below. */
export function backupAgeSortValue(r: HostTableRow): number {
  if (r.plansWithoutSnapshot > 0) return Number.MAX_SAFE_INTEGER;
  if (r.lastBackupAgeHours !== null) return r.lastBackupAgeHours;
  return -1;
}

export function HostFreshnessTable({
  items,
  asOf,
  onOpenHost,
}: {
  items: readonly DailyCheckItem[];
  /** When the check ran: ages are measured to then, like the reasons. */
  asOf: string;
  onOpenHost(hostId: string): void;
}) {
  const { t } = useTranslation();
  const reasonLabel = useReasonLabel();
  const rows = useMemo<Row[]>(() => {
    const extras = hostExtras(items);
    return deriveHostTable(items, asOf).map((r) => ({
      ...r,
      ...(extras.get(r.hostId) ?? { targetHours: null, resticVersion: null }),
    }));
  }, [items, asOf]);
  const [selected, setSelected] = useState<string | null>(null);

  const columns = useMemo<Column<Row>[]>(
    () => [
      {
        id: 'host',
        header: t('fleet.hosts.columns.host'),
        accessorFn: (r) => r.hostName,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.hostName}
          </Text>
        ),
        meta: { width: '13%' },
      },
      {
        id: 'status',
        header: t('fleet.hosts.columns.status'),
        accessorFn: (r) => STATUS_RANK[r.status],
        sortDescFirst: true,
        cell: ({ row }) => <CheckStatusBadge status={row.original.status} />,
        meta: { width: 92 },
      },
      {
        id: 'age',
        header: t('fleet.hosts.columns.age'),
        accessorFn: (r) => backupAgeSortValue(r),
        sortDescFirst: true,
        cell: ({ row }) => {
          const r = row.original;
          if (r.plansWithoutSnapshot > 0)
            return (
              <Text
                span
                size="xs"
                c="red"
                fw={600}
                title={t('fleet.hosts.noSnapshotHint', { count: r.plansWithoutSnapshot })}
              >
                {t('fleet.hosts.noSnapshot')}
              </Text>
            );
          if (r.lastBackupAgeHours === null)
            return (
              <Text span size="xs" c="dimmed">
                {t('fleet.hosts.noPlans')}
              </Text>
            );
          const over = r.targetHours !== null && r.lastBackupAgeHours > r.targetHours;
          return (
            <Text
              span
              size="xs"
              fw={over ? 600 : 400}
              c={over ? 'red' : undefined}
              style={{ fontVariantNumeric: 'tabular-nums' }}
            >
              {formatHours(r.lastBackupAgeHours)}
            </Text>
          );
        },
        meta: { width: 120, align: 'right' },
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
        meta: { width: 64, align: 'right' },
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
        meta: { width: 200 },
      },
      {
        id: 'plans',
        header: t('fleet.hosts.columns.plans'),
        accessorFn: (r) => r.plans,
        meta: { width: 56, align: 'right' },
      },
      {
        id: 'businesses',
        header: t('fleet.hosts.columns.businesses'),
        accessorFn: (r) => r.businesses.join(', '),
        cell: ({ row }) => (
          <span title={row.original.businesses.join(', ')}>{row.original.businesses.join(', ')}</span>
        ),
        meta: { width: '12%' },
      },
      {
        id: 'restic',
        header: t('fleet.hosts.columns.restic'),
        accessorFn: (r) => r.resticVersion ?? '',
        cell: ({ row }) => <span className="rfc-mono">{row.original.resticVersion ?? '—'}</span>,
        meta: { width: 64 },
      },
      {
        id: 'problems',
        header: t('fleet.hosts.columns.problems'),
        accessorFn: (r) => r.reasons.length,
        sortDescFirst: true,
        cell: ({ row }) => {
          const r = row.original;
          if (r.reasons.length === 0)
            return (
              <Text span size="xs" c="dimmed">
                {t('fleet.hosts.allOk', { count: r.counts.ok })}
              </Text>
            );
          const text = r.reasons
            .map((p) => {
              const s = subjectOf(p);
              const label = reasonLabel(p.item, s);
              return `${label}: ${p.reason}`;
            })
            .join(' · ');
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
    [t, reasonLabel],
  );

  return (
    <DataTable
      data={rows}
      columns={columns}
      getRowId={(r) => r.hostId}
      label={t('fleet.hosts.label')}
      testId="check-hosts"
      rowTestId="check-host-row"
      initialSorting={[{ id: 'age', desc: true }]}
      selectedId={selected}
      onSelect={setSelected}
      onOpen={onOpenHost}
      rowAttributes={(r) => ({ 'data-status': r.status, 'data-host': r.hostName })}
      empty={
        <Text size="xs" c="dimmed" ta="center">
          {t('fleet.hosts.empty')}
        </Text>
      }
    />
  );
}

/** Businesses: who owns which backups, and how fresh they must be. */
import { useMemo, useState } from 'react';
import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Business } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { InventoryHeader, RowEditRemove } from '../../components/InventoryParts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatHours } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useBusinesses, usePlans, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { BusinessFormModal } from './BusinessFormModal';

export function BusinessesScreen() {
  const { t } = useTranslation();
  const businesses = useBusinesses();
  const repos = useRepos();
  const plans = usePlans();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Business | 'new' | null>(null);
  const [removing, setRemoving] = useState<Business | null>(null);
  const remove = useCallMutation('businesses.remove', {
    invalidate: [queryKeys.businesses.all, queryKeys.audit.all],
    onSuccess: () => setRemoving(null),
  });
  const resetRemove = remove.reset;

  const usage = useMemo(() => {
    const m = new Map<string, { repos: number; plans: number }>();
    const get = (id: string) => m.get(id) ?? m.set(id, { repos: 0, plans: 0 }).get(id)!;
    // repos.list may name the business without its id: match by name then.
    const idByName = new Map((businesses.data ?? []).map((b) => [b.name, b.id]));
    for (const r of repos.data ?? []) {
      const id = r.businessId ?? (r.business !== undefined ? idByName.get(r.business) : undefined);
      if (id) get(id).repos += 1;
    }
    for (const p of plans.data ?? []) get(p.businessId).plans += 1;
    return m;
  }, [repos.data, plans.data, businesses.data]);

  const columns = useMemo<Column<Business>[]>(
    () => [
      {
        id: 'name',
        header: t('businesses.columns.name'),
        accessorFn: (b) => b.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.name}
          </Text>
        ),
        meta: { width: '22%' },
      },
      {
        id: 'owner',
        header: t('businesses.columns.owner'),
        accessorFn: (b) => b.ownerContact,
        cell: ({ row }) =>
          row.original.ownerContact || (
            <Text span size="xs" c="dimmed">
              —
            </Text>
          ),
      },
      {
        id: 'freshness',
        header: t('businesses.columns.freshness'),
        accessorFn: (b) => b.freshnessTargetHours,
        cell: ({ row }) => formatHours(row.original.freshnessTargetHours),
        meta: { width: 152, align: 'right' },
      },
      {
        id: 'repos',
        header: t('businesses.columns.repos'),
        accessorFn: (b) => usage.get(b.id)?.repos ?? 0,
        meta: { width: 124, align: 'right' },
      },
      {
        id: 'plans',
        header: t('businesses.columns.plans'),
        accessorFn: (b) => usage.get(b.id)?.plans ?? 0,
        meta: { width: 72, align: 'right' },
      },
      {
        id: 'updated',
        header: t('businesses.columns.updated'),
        accessorFn: (b) => Date.parse(b.updatedAt),
        cell: ({ row }) => <LocalTime iso={row.original.updatedAt} size="xs" />,
        meta: { width: 150 },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) => (
          <RowEditRemove
            editLabel={t('businesses.editNamed', { name: row.original.name })}
            removeLabel={t('businesses.removeNamed', { name: row.original.name })}
            onEdit={() => setEditing(row.original)}
            onRemove={() => {
              resetRemove();
              setRemoving(row.original);
            }}
            testIdPrefix="business"
          />
        ),
        meta: { width: 64, actions: true },
      },
    ],
    [t, usage, resetRemove],
  );

  const removingUsage = removing ? usage.get(removing.id) : undefined;

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-businesses">
      <InventoryHeader
        title={t('businesses.title')}
        countText={businesses.data ? t('businesses.count', { count: businesses.data.length }) : undefined}
        filter={filter}
        onFilter={setFilter}
        filterTestId="businesses-filter"
        filterWidth={220}
        addLabel={t('businesses.add')}
        onAdd={() => setEditing('new')}
        addTestId="business-add"
      />
      {businesses.isPending ? (
        <TableSkeleton label={t('businesses.loading')} />
      ) : businesses.isError ? (
        <ErrorAlert
          error={businesses.error}
          title={t('businesses.loadFailed')}
          onRetry={() => void businesses.refetch()}
        />
      ) : (
        <DataTable
          data={businesses.data}
          columns={columns}
          getRowId={(b) => b.id}
          label={t('businesses.title')}
          testId="businesses-table"
          rowTestId="business-row"
          initialSorting={[{ id: 'name', desc: false }]}
          filter={filter}
          filterFn={(b, q) => `${b.name}\n${b.ownerContact}`.toLowerCase().includes(q.trim().toLowerCase())}
          selectedId={selected}
          onSelect={setSelected}
          onOpen={(id) => setEditing(businesses.data.find((b) => b.id === id) ?? null)}
          rowAttributes={(b) => ({ 'data-name': b.name })}
          empty={
            <Stack gap={2} align="center">
              <Text size="sm" fw={500}>
                {t('businesses.emptyTitle')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('businesses.emptyBody')}
              </Text>
            </Stack>
          }
        />
      )}
      <BusinessFormModal business={editing} onClose={() => setEditing(null)} />
      <TypedConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('businesses.removeTitle')}
        name={removing?.name ?? ''}
        confirmLabel={t('businesses.removeConfirm')}
        onConfirm={(confirm) => removing && remove.mutate({ id: removing.id, confirm })}
        pending={remove.isPending}
        error={remove.error}
        testId="business-remove-confirm"
      >
        <Text size="sm">{t('businesses.removeBody')}</Text>
        {removingUsage && (removingUsage.repos > 0 || removingUsage.plans > 0) && (
          <Text size="sm" c="orange.8">
            {t('businesses.removeInUse', { repos: removingUsage.repos, plans: removingUsage.plans })}
          </Text>
        )}
      </TypedConfirmModal>
    </Stack>
  );
}

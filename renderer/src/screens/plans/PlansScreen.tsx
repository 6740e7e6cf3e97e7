/** Backup plans: what is backed up where, how often, and how fresh it must be. */
import { useMemo, useState } from 'react';
import { Badge, Group, Select, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Plan } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { InventoryHeader, RowEditRemove } from '../../components/InventoryParts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatHours } from '../../components/format';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useBusinesses, useHosts, usePlans, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { PlanFormModal } from './PlanFormModal';
import { RunnerPanel } from './RunnerPanel';

function retentionText(plan: Plan): string {
  const r = plan.retention;
  if (!r) return '';
  const parts: string[] = [];
  if (r.keepLast) parts.push(`last ${r.keepLast}`);
  if (r.keepHourly) parts.push(`${r.keepHourly}h`);
  if (r.keepDaily) parts.push(`${r.keepDaily}d`);
  if (r.keepWeekly) parts.push(`${r.keepWeekly}w`);
  if (r.keepMonthly) parts.push(`${r.keepMonthly}m`);
  if (r.keepYearly) parts.push(`${r.keepYearly}y`);
  if (r.keepWithin) parts.push(`within ${r.keepWithin}`);
  return parts.join(' ');
}

export function PlansScreen() {
  const { t } = useTranslation();
  const plans = usePlans();
  const businesses = useBusinesses();
  const hosts = useHosts();
  const repos = useRepos();
  const [filter, setFilter] = useState('');
  const [businessFilter, setBusinessFilter] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Plan | 'new' | null>(null);
  const [removing, setRemoving] = useState<Plan | null>(null);
  const invalidate = [queryKeys.plans.all, queryKeys.audit.all];
  const remove = useCallMutation('plans.remove', { invalidate, onSuccess: () => setRemoving(null) });
  const toggle = useCallMutation('plans.update', { invalidate });
  const resetRemove = remove.reset;
  const mutateToggle = toggle.mutate;

  const names = useMemo(
    () => ({
      business: new Map((businesses.data ?? []).map((b) => [b.id, b.name])),
      host: new Map((hosts.data ?? []).map((h) => [h.id, h.name])),
      repo: new Map((repos.data ?? []).map((r) => [r.id, r.name])),
    }),
    [businesses.data, hosts.data, repos.data],
  );

  const data = useMemo(
    () => (plans.data ?? []).filter((p) => businessFilter === null || p.businessId === businessFilter),
    [plans.data, businessFilter],
  );

  const selectedPlan = data.find((p) => p.id === selected) ?? null;

  const columns = useMemo<Column<Plan>[]>(
    () => [
      {
        id: 'enabled',
        header: t('plans.columns.enabled'),
        accessorFn: (p) => (p.enabled ? 1 : 0),
        cell: ({ row }) => (
          <Switch
            size="xs"
            checked={row.original.enabled}
            onChange={(e) =>
              mutateToggle({ id: row.original.id, patch: { enabled: e.currentTarget.checked } })
            }
            aria-label={t('plans.toggle', { name: row.original.name })}
            data-testid="plan-enabled"
          />
        ),
        meta: { width: 56, actions: true },
      },
      {
        id: 'name',
        header: t('plans.columns.name'),
        accessorFn: (p) => p.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate c={row.original.enabled ? undefined : 'dimmed'}>
            {row.original.name}
          </Text>
        ),
        meta: { width: '11%' },
      },
      {
        id: 'business',
        header: t('plans.columns.business'),
        accessorFn: (p) => names.business.get(p.businessId) ?? p.businessId,
        meta: { width: '10%' },
      },
      {
        id: 'host',
        header: t('plans.columns.host'),
        accessorFn: (p) => names.host.get(p.hostId) ?? p.hostId,
        meta: { width: '9%' },
      },
      {
        id: 'repository',
        header: t('plans.columns.repository'),
        accessorFn: (p) => names.repo.get(p.repositoryId) ?? p.repositoryId,
        meta: { width: '11%' },
      },
      {
        id: 'paths',
        header: t('plans.columns.paths'),
        accessorFn: (p) => p.paths.join(', '),
        cell: ({ row }) => {
          const text = row.original.paths.join(', ');
          const ex = row.original.excludes.length;
          return (
            <span
              className="rfc-mono"
              title={ex ? `${text}\n${t('plans.excludesCount', { count: ex })}` : text}
            >
              {text}
            </span>
          );
        },
      },
      {
        id: 'schedule',
        header: t('plans.columns.schedule'),
        accessorFn: (p) => p.schedule,
        cell: ({ row }) => <span className="rfc-mono">{row.original.schedule}</span>,
        meta: { width: 104 },
      },
      {
        id: 'freshness',
        header: t('plans.columns.freshness'),
        accessorFn: (p) => p.effectiveFreshnessHours,
        cell: ({ row }) => (
          <Tooltip
            label={
              row.original.freshnessTargetHours === null
                ? t('plans.freshnessInherited')
                : t('plans.freshnessOwn')
            }
          >
            <Text span size="xs" c={row.original.freshnessTargetHours === null ? 'dimmed' : undefined}>
              {formatHours(row.original.effectiveFreshnessHours)}
            </Text>
          </Tooltip>
        ),
        meta: { width: 80, align: 'right' },
      },
      {
        id: 'retention',
        header: t('plans.columns.retention'),
        accessorFn: (p) => retentionText(p),
        cell: ({ row }) => {
          const text = retentionText(row.original);
          return text ? (
            <span className="rfc-mono" title={text}>
              {text}
            </span>
          ) : (
            <Text span size="xs" c="dimmed">
              {t('plans.keepAll')}
            </Text>
          );
        },
        meta: { width: 110 },
      },
      {
        id: 'tags',
        header: t('plans.columns.tags'),
        accessorFn: (p) => p.tags.join(','),
        cell: ({ row }) => (
          <Group gap={3} wrap="nowrap" style={{ overflow: 'hidden' }} title={row.original.tags.join(', ')}>
            {row.original.tags.map((tag) => (
              <Badge key={tag} size="xs" color="gray" tt="none">
                {tag}
              </Badge>
            ))}
          </Group>
        ),
        meta: { width: 100 },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) => (
          <RowEditRemove
            editLabel={t('plans.editNamed', { name: row.original.name })}
            removeLabel={t('plans.removeNamed', { name: row.original.name })}
            onEdit={() => setEditing(row.original)}
            onRemove={() => {
              resetRemove();
              setRemoving(row.original);
            }}
            testIdPrefix="plan"
          />
        ),
        meta: { width: 64, actions: true },
      },
    ],
    [t, names, resetRemove, mutateToggle],
  );

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-plans">
      <InventoryHeader
        title={t('plans.title')}
        countText={plans.data ? t('plans.count', { count: plans.data.length }) : undefined}
        filter={filter}
        onFilter={setFilter}
        filterTestId="plans-filter"
        filterWidth={200}
        extraFilters={
          <Select
            aria-label={t('plans.columns.business')}
            placeholder={t('plans.allBusinesses')}
            data={(businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={businessFilter}
            onChange={setBusinessFilter}
            allowDeselect
            clearable
            searchable
            w={180}
            comboboxProps={{ withinPortal: true }}
            data-testid="plans-business-filter"
          />
        }
        addLabel={t('plans.add')}
        onAdd={() => setEditing('new')}
        addTestId="plan-add"
      />
      {toggle.isError && <ErrorAlert error={toggle.error} title={t('plans.toggleFailed')} />}
      {plans.isPending ? (
        <TableSkeleton label={t('plans.loading')} />
      ) : plans.isError ? (
        <ErrorAlert error={plans.error} title={t('plans.loadFailed')} onRetry={() => void plans.refetch()} />
      ) : (
        <DataTable
          data={data}
          columns={columns}
          getRowId={(p) => p.id}
          label={t('plans.title')}
          testId="plans-table"
          rowTestId="plan-row"
          initialSorting={[
            { id: 'business', desc: false },
            { id: 'name', desc: false },
          ]}
          filter={filter}
          filterFn={(p, q) =>
            [
              p.name,
              ...p.paths,
              ...p.tags,
              names.host.get(p.hostId) ?? '',
              names.repo.get(p.repositoryId) ?? '',
            ]
              .join('\n')
              .toLowerCase()
              .includes(q.trim().toLowerCase())
          }
          selectedId={selected}
          onSelect={setSelected}
          onOpen={(id) => setEditing(data.find((p) => p.id === id) ?? null)}
          rowAttributes={(p) => ({ 'data-name': p.name, 'data-enabled': String(p.enabled) })}
          empty={
            <Stack gap={2} align="center">
              <Text size="sm" fw={500}>
                {t('plans.emptyTitle')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('plans.emptyBody')}
              </Text>
            </Stack>
          }
        />
      )}
      {selectedPlan ? (
        <RunnerPanel key={selectedPlan.id} plan={selectedPlan} />
      ) : (
        plans.data &&
        plans.data.length > 0 && (
          <Text size="xs" c="dimmed">
            {t('runner.selectPlan')}
          </Text>
        )
      )}
      <PlanFormModal plan={editing} onClose={() => setEditing(null)} />
      <TypedConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('plans.removeTitle')}
        name={removing?.name ?? ''}
        confirmLabel={t('plans.removeConfirm')}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        pending={remove.isPending}
        error={remove.error}
        testId="plan-remove-confirm"
      >
        <Text size="sm">{t('plans.removeBody')}</Text>
      </TypedConfirmModal>
    </Stack>
  );
}

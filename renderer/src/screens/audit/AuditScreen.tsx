/** The audit log: who changed what, on which target, when, and how it ended. Filterable, exportable as CSV. */
import { useMemo, useState } from 'react';
import { Button, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconFileTypeCsv, IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { describeError } from '../../components/describeError';
import { downloadText } from '../../components/download';
import { ErrorAlert } from '../../components/ErrorAlert';
import { localDayToIso } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { AuditResultBadge } from '../../components/StatusBadge';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useAudit } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import type { AuditQueryFilter } from '../../queries/queryKeys';
import { EMPTY_AUDIT_FILTERS, useUiStore, type AuditFilters } from '../../state/uiStore';

const PAGE = 500;

/** Actions the console records, offered before any has happened. */
const KNOWN_ACTIONS = [
  'businesses.add',
  'businesses.update',
  'businesses.remove',
  'hosts.add',
  'hosts.update',
  'hosts.setKey',
  'hosts.scanKey',
  'hosts.pinKey',
  'hosts.repinKey',
  'hosts.remove',
  'repos.add',
  'repos.init',
  'repos.setPassword',
  'repos.remove',
  'plans.add',
  'plans.update',
  'plans.remove',
  'jobs.cancel',
];

export function toAuditQuery(f: AuditFilters, target: string, limit: number): AuditQueryFilter {
  const from = f.from ? localDayToIso(f.from) : undefined;
  const to = f.to ? localDayToIso(f.to, true) : undefined;
  return {
    limit,
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(target.trim() ? { target: target.trim() } : {}),
    ...(f.result ? { result: f.result } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

function detailText(detail: AuditEntry['detail']): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function AuditScreen() {
  const { t } = useTranslation();
  const filters = useUiStore((s) => s.auditFilters);
  const setFilters = useUiStore((s) => s.setAuditFilters);
  const [limit, setLimit] = useState(PAGE);
  const [selected, setSelected] = useState<string | null>(null);
  const [target] = useDebouncedValue(filters.target, 250);
  const query = useMemo(() => toAuditQuery(filters, target, limit), [filters, target, limit]);
  const audit = useAudit(query);
  // Filter choices come from recent unfiltered entries (a filtered list would offer only itself).
  const recent = useAudit({ limit: 1000 });
  const seen = useMemo(() => {
    const actors = new Set<string>();
    const actions = new Set<string>(KNOWN_ACTIONS);
    for (const e of [...(recent.data ?? []), ...(audit.data ?? [])]) {
      actors.add(e.actor);
      actions.add(e.action);
    }
    if (filters.actor) actors.add(filters.actor);
    if (filters.action) actions.add(filters.action);
    return { actors: [...actors].sort(), actions: [...actions].sort() };
  }, [recent.data, audit.data, filters.actor, filters.action]);
  const exportCsv = useCallMutation('audit.export', {
    onSuccess: (file) => downloadText(file.filename, file.csv, 'text/csv'),
  });

  const columns = useMemo<Column<AuditEntry>[]>(
    () => [
      {
        id: 'at',
        header: t('audit.columns.time'),
        accessorFn: (e) => e.id,
        sortDescFirst: true,
        cell: ({ row }) => <LocalTime iso={row.original.at} size="xs" />,
        meta: { width: 150 },
      },
      {
        id: 'actor',
        header: t('audit.columns.actor'),
        accessorFn: (e) => e.actor,
        meta: { width: '11%' },
      },
      {
        id: 'action',
        header: t('audit.columns.action'),
        accessorFn: (e) => e.action,
        cell: ({ row }) => <span className="rfc-mono">{row.original.action}</span>,
        meta: { width: 150 },
      },
      {
        id: 'target',
        header: t('audit.columns.target'),
        accessorFn: (e) => e.target,
        cell: ({ row }) => (
          <span className="rfc-mono" title={row.original.target}>
            {row.original.target}
          </span>
        ),
        meta: { width: '20%' },
      },
      {
        id: 'result',
        header: t('audit.columns.result'),
        accessorFn: (e) => e.result,
        cell: ({ row }) => <AuditResultBadge result={row.original.result} />,
        meta: { width: 96 },
      },
      {
        id: 'detail',
        header: t('audit.columns.detail'),
        accessorFn: (e) => detailText(e.detail),
        enableSorting: false,
        cell: ({ row }) => {
          const text = detailText(row.original.detail);
          return text ? (
            <span
              className="rfc-mono"
              title={JSON.stringify(row.original.detail, null, 2)}
              style={{ color: 'var(--mantine-color-dimmed)' }}
            >
              {text}
            </span>
          ) : null;
        },
      },
    ],
    [t],
  );

  const active = [
    filters.actor,
    filters.action,
    filters.target.trim() || null,
    filters.result,
    filters.from || filters.to || null,
  ].filter((v) => v !== null && v !== '').length;

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-audit">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={2} size="h6">
            {t('audit.title')}
          </Title>
          {audit.data && (
            <Text size="xs" c="dimmed" data-testid="audit-count">
              {t('audit.count', { count: audit.data.length })}
            </Text>
          )}
        </Group>
        <Button
          variant="default"
          leftSection={<IconFileTypeCsv size={14} />}
          loading={exportCsv.isPending}
          onClick={() => {
            const { limit: _limit, ...filter } = query;
            exportCsv.mutate(filter, {
              onError: (error) =>
                notifications.show({
                  color: 'red',
                  title: t('audit.exportFailed'),
                  message: describeError(error, t).line,
                }),
            });
          }}
          data-testid="audit-export"
        >
          {active ? t('audit.exportFiltered') : t('audit.export')}
        </Button>
      </Group>
      <Group
        gap={6}
        wrap="wrap"
        role="search"
        aria-label={t('audit.filters.label')}
        data-testid="audit-filters"
      >
        <Select
          aria-label={t('audit.filters.actor')}
          placeholder={t('audit.filters.actor')}
          data={seen.actors}
          value={filters.actor}
          onChange={(actor) => setFilters({ actor })}
          allowDeselect
          clearable
          searchable
          w={150}
          comboboxProps={{ withinPortal: true }}
          data-testid="audit-filter-actor"
        />
        <Select
          aria-label={t('audit.filters.action')}
          placeholder={t('audit.filters.action')}
          data={seen.actions}
          value={filters.action}
          onChange={(action) => setFilters({ action })}
          allowDeselect
          clearable
          searchable
          w={180}
          comboboxProps={{ withinPortal: true }}
          data-testid="audit-filter-action"
        />
        <TextInput
          aria-label={t('audit.filters.target')}
          placeholder={t('audit.filters.target')}
          leftSection={<IconSearch size={14} />}
          value={filters.target}
          onChange={(e) => setFilters({ target: e.currentTarget.value })}
          w={200}
          data-testid="audit-filter-target"
        />
        <Select
          aria-label={t('audit.filters.result')}
          placeholder={t('audit.filters.result')}
          data={(['succeeded', 'failed', 'denied'] as const).map((r) => ({
            value: r,
            label: t(`audit.results.${r}`),
          }))}
          value={filters.result}
          onChange={(result) => setFilters({ result: result as AuditFilters['result'] })}
          allowDeselect
          clearable
          w={130}
          comboboxProps={{ withinPortal: true }}
          data-testid="audit-filter-result"
        />
        <TextInput
          type="date"
          aria-label={t('audit.filters.from')}
          title={t('audit.filters.from')}
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => setFilters({ from: e.currentTarget.value })}
          w={128}
          data-testid="audit-filter-from"
        />
        <TextInput
          type="date"
          aria-label={t('audit.filters.to')}
          title={t('audit.filters.to')}
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => setFilters({ to: e.currentTarget.value })}
          w={128}
          data-testid="audit-filter-to"
        />
        {active > 0 && (
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconFilterOff size={14} />}
            onClick={() => setFilters(EMPTY_AUDIT_FILTERS)}
            data-testid="audit-filter-reset"
          >
            {t('table.resetFilters', { count: active })}
          </Button>
        )}
      </Group>
      {audit.isPending ? (
        <TableSkeleton label={t('audit.loading')} />
      ) : audit.isError ? (
        <ErrorAlert error={audit.error} title={t('audit.loadFailed')} onRetry={() => void audit.refetch()} />
      ) : (
        <DataTable
          data={audit.data}
          columns={columns}
          getRowId={(e) => String(e.id)}
          label={t('audit.title')}
          testId="audit-table"
          rowTestId="audit-row"
          initialSorting={[{ id: 'at', desc: true }]}
          selectedId={selected}
          onSelect={setSelected}
          rowAttributes={(e) => ({ 'data-action': e.action, 'data-result': e.result })}
          empty={
            <Text size="xs" c="dimmed" ta="center">
              {active ? t('audit.noMatch') : t('audit.empty')}
            </Text>
          }
        />
      )}
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('audit.appendOnly')}
        </Text>
        {audit.data && audit.data.length >= limit && (
          <Button
            variant="subtle"
            size="compact-xs"
            onClick={() => setLimit((l) => l + PAGE)}
            data-testid="audit-more"
          >
            {t('audit.showMore')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

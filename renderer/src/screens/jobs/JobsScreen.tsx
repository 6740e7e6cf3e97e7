/**
 * Every operation as a job: live status and progress (from `jobs.changed`
 * events, no polling), filters, cancel, and a drawer with the log and the
 * equivalent command.
 */
import { useMemo, useState } from 'react';
import {
  ActionIcon,
  Button,
  Group,
  MultiSelect,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconFilterOff, IconListDetails, IconPlayerStop, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  ConsoleError,
  JOB_STATUSES,
  type JobListFilter,
  type JobRecord,
  type JobStatus,
} from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { describeError } from '../../components/describeError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { JobStatusBadge } from '../../components/StatusBadge';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useNow } from '../../components/useNow';
import { useJobs } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { useUiStore } from '../../state/uiStore';
import { JobDrawer } from './JobDrawer';
import { isActive } from './jobModel';
import { JobProgressCell } from './JobProgressCell';
import { useTargetLabel } from './useTargetLabel';

const PAGE = 200;

export function JobsScreen() {
  const { t } = useTranslation();
  const filters = useUiStore((s) => s.jobFilters);
  const setFilters = useUiStore((s) => s.setJobFilters);
  const openJobId = useUiStore((s) => s.openJobId);
  const openJob = useUiStore((s) => s.openJob);
  const [limit, setLimit] = useState(PAGE);
  const [selected, setSelected] = useState<string | null>(null);
  const targetLabel = useTargetLabel();

  const query: JobListFilter = useMemo(
    () => ({
      limit,
      ...(filters.statuses.length ? { status: filters.statuses } : {}),
      ...(filters.kind ? { kind: filters.kind } : {}),
    }),
    [limit, filters.statuses, filters.kind],
  );
  const jobs = useJobs(query);
  const cancel = useCallMutation('jobs.cancel');
  const mutateCancel = cancel.mutate;
  const anyActive = jobs.data?.some(isActive) ?? false;
  const now = useNow(anyActive);

  // Kinds offered by the filter come from the unfiltered recent jobs (a filtered list shows only one kind).
  const recent = useJobs({ limit: PAGE });
  const kinds = useMemo(() => {
    const all = new Set<string>();
    for (const j of recent.data ?? []) all.add(j.kind);
    for (const j of jobs.data ?? []) all.add(j.kind);
    if (filters.kind) all.add(filters.kind);
    return [...all].sort();
  }, [recent.data, jobs.data, filters.kind]);

  const columns = useMemo<Column<JobRecord>[]>(
    () => [
      {
        id: 'status',
        header: t('jobs.columns.status'),
        accessorFn: (j) => JOB_STATUSES.indexOf(j.status),
        cell: ({ row }) => (
          <JobStatusBadge status={row.original.status} cancelling={row.original.cancelRequested} />
        ),
        meta: { width: 136 },
      },
      {
        id: 'kind',
        header: t('jobs.columns.kind'),
        accessorFn: (j) => j.kind,
        cell: ({ row }) => (
          <span title={`${row.original.title}\n${row.original.kind}`}>
            <span className="rfc-mono">{row.original.kind}</span>
            <Text span size="xs" c="dimmed">
              {' '}
              · {row.original.title}
            </Text>
          </span>
        ),
      },
      {
        id: 'target',
        header: t('jobs.columns.target'),
        accessorFn: (j) => targetLabel(j.target),
        cell: ({ row }) => <span title={row.original.target}>{targetLabel(row.original.target)}</span>,
        meta: { width: '11%' },
      },
      {
        id: 'progress',
        header: t('jobs.columns.progress'),
        accessorFn: (j) => j.progress.percent ?? -1,
        cell: ({ row }) => <JobProgressCell job={row.original} />,
        meta: { width: 220 },
      },
      {
        id: 'started',
        header: t('jobs.columns.started'),
        accessorFn: (j) => Date.parse(j.startedAt ?? j.createdAt),
        sortDescFirst: true,
        cell: ({ row }) =>
          row.original.startedAt ? (
            <LocalTime iso={row.original.startedAt} size="xs" />
          ) : (
            <Text span size="xs" c="dimmed">
              {t('jobs.notStarted')}
            </Text>
          ),
        meta: { width: 158 },
      },
      {
        id: 'duration',
        header: t('jobs.columns.duration'),
        accessorFn: (j) => elapsedMs(j.startedAt, j.endedAt, Date.now()) ?? -1,
        sortDescFirst: true,
        cell: ({ row }) => (
          <span style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatDuration(elapsedMs(row.original.startedAt, row.original.endedAt, now))}
          </span>
        ),
        meta: { width: 90, align: 'right' },
      },
      {
        id: 'exitCode',
        header: t('jobs.columns.exitCode'),
        accessorFn: (j) => j.exitCode ?? -1,
        cell: ({ row }) => <span className="rfc-mono">{row.original.exitCode ?? '—'}</span>,
        meta: { width: 52, align: 'right' },
      },
      {
        id: 'error',
        header: t('jobs.columns.error'),
        accessorFn: (j) => j.error?.code ?? '',
        cell: ({ row }) => {
          const e = row.original.error;
          if (!e) return null;
          const line = describeError(ConsoleError.fromBody(e), t).line;
          return (
            <Text
              span
              size="xs"
              c={row.original.status === 'cancelled' ? 'dimmed' : 'red'}
              title={line}
              data-testid="job-error-cell"
            >
              {line}
            </Text>
          );
        },
        meta: { width: '16%' },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) => (
          <Group gap={2} wrap="nowrap" justify="flex-end">
            {isActive(row.original) && (
              <Tooltip label={row.original.cancelRequested ? t('jobs.cancelling') : t('jobs.cancel')}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  disabled={row.original.cancelRequested}
                  aria-label={t('jobs.cancelNamed', { title: row.original.title })}
                  onClick={() => mutateCancel({ id: row.original.id })}
                  data-testid="job-cancel"
                >
                  <IconPlayerStop size={14} />
                </ActionIcon>
              </Tooltip>
            )}
            <Tooltip label={t('jobs.open')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('jobs.openNamed', { title: row.original.title })}
                onClick={() => openJob(row.original.id)}
                data-testid="job-open"
              >
                <IconListDetails size={14} />
              </ActionIcon>
            </Tooltip>
          </Group>
        ),
        meta: { width: 64, actions: true },
      },
    ],
    [t, targetLabel, now, mutateCancel, openJob],
  );

  const activeFilters = [
    filters.statuses.length > 0,
    filters.kind !== null,
    filters.target.trim() !== '',
  ].filter(Boolean).length;
  const shownCount = jobs.data?.length ?? 0;

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-jobs">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={2} size="h6">
            {t('jobs.title')}
          </Title>
          {jobs.data && (
            <Text size="xs" c="dimmed" data-testid="jobs-count">
              {t('jobs.count', { count: shownCount })}
              {anyActive ? ` · ${t('jobs.activeCount', { count: jobs.data.filter(isActive).length })}` : ''}
            </Text>
          )}
        </Group>
      </Group>
      <Group gap={6} wrap="wrap" role="search" aria-label={t('jobs.filters.label')} data-testid="job-filters">
        <MultiSelect
          aria-label={t('jobs.filters.status')}
          placeholder={filters.statuses.length ? undefined : t('jobs.filters.status')}
          data={JOB_STATUSES.map((s) => ({ value: s, label: t(`jobs.status.${s}`) }))}
          value={filters.statuses}
          onChange={(v) => setFilters({ statuses: v as JobStatus[] })}
          clearable
          w={250}
          comboboxProps={{ withinPortal: true }}
          data-testid="job-filter-status"
        />
        <Select
          aria-label={t('jobs.filters.kind')}
          placeholder={t('jobs.filters.kind')}
          data={kinds}
          value={filters.kind}
          onChange={(kind) => setFilters({ kind })}
          allowDeselect
          clearable
          searchable
          w={170}
          comboboxProps={{ withinPortal: true }}
          data-testid="job-filter-kind"
        />
        <TextInput
          aria-label={t('jobs.filters.target')}
          placeholder={t('jobs.filters.target')}
          leftSection={<IconSearch size={14} />}
          value={filters.target}
          onChange={(e) => setFilters({ target: e.currentTarget.value })}
          w={220}
          data-testid="job-filter-target"
        />
        {activeFilters > 0 && (
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconFilterOff size={14} />}
            onClick={() => setFilters({ statuses: [], kind: null, target: '' })}
            data-testid="job-filter-reset"
          >
            {t('table.resetFilters', { count: activeFilters })}
          </Button>
        )}
      </Group>
      {cancel.isError && <ErrorAlert error={cancel.error} title={t('jobs.cancelFailed')} />}
      {jobs.isPending ? (
        <TableSkeleton label={t('jobs.loading')} />
      ) : jobs.isError ? (
        <ErrorAlert error={jobs.error} title={t('jobs.loadFailed')} onRetry={() => void jobs.refetch()} />
      ) : (
        <DataTable
          data={jobs.data}
          columns={columns}
          getRowId={(j) => j.id}
          label={t('jobs.title')}
          testId="jobs-table"
          rowTestId="job-row"
          filter={filters.target}
          filterFn={(j, q) =>
            `${j.target}\n${targetLabel(j.target)}\n${j.title}`.toLowerCase().includes(q.trim().toLowerCase())
          }
          selectedId={selected}
          onSelect={setSelected}
          onOpen={(id) => openJob(id)}
          rowAttributes={(j) => ({ 'data-job-id': j.id, 'data-status': j.status, 'data-kind': j.kind })}
          empty={
            <Stack gap={2} align="center">
              <Text size="sm" fw={500}>
                {activeFilters ? t('jobs.noMatch') : t('jobs.emptyTitle')}
              </Text>
              {!activeFilters && (
                <Text size="xs" c="dimmed">
                  {t('jobs.emptyBody')}
                </Text>
              )}
            </Stack>
          }
        />
      )}
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          {t('jobs.keyboardHint')}
        </Text>
        {jobs.data && jobs.data.length >= limit && limit < 1000 && (
          <Button
            variant="subtle"
            size="compact-xs"
            onClick={() => setLimit((l) => Math.min(1000, l + PAGE))}
            data-testid="jobs-more"
          >
            {t('jobs.showMore')}
          </Button>
        )}
      </Group>
      <JobDrawer jobId={openJobId} onClose={() => openJob(null)} />
    </Stack>
  );
}

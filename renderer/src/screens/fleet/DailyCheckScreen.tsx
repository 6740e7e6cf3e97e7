/**
 * The morning screen: run the daily check, watch it progress host by
 * host, then read the board (business × host, reasons in words), the hosts
 * by last-backup age, every item with filters, the history and its trend,
 * and export a check as CSV or JSON.
 */
import { useMemo } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconFileTypeCsv,
  IconJson,
  IconListDetails,
  IconPlayerPlay,
  IconPlayerStop,
  IconStethoscope,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsoleError, type DailyCheck, type DailyCheckItem } from '../../../../shared';
import { describeError } from '../../components/describeError';
import { downloadText } from '../../components/download';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { CHECK_STATUS_COLOR, CheckStatusIcon, JobStatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import { useCheck, useChecks, useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { EMPTY_CHECK_ITEM_FILTERS, useUiStore, type CheckTab } from '../../state/uiStore';
import { deriveBoard } from '../../../../shared/fleet-board';
import { isActive, jobProgress } from '../jobs/jobModel';
import { byUrgency, cellFilter, checkJobHosts, subjectOf } from './checkModel';
import { useReasonLabel } from './labels';
import { CheckBoard } from './CheckBoard';
import { CheckHistory } from './CheckHistory';
import { CheckItemsTable } from './CheckItemsTable';
import { CheckTrendChart } from './CheckTrendChart';
import { HostFreshnessTable } from './HostFreshnessTable';

/** The running check's job: progress in hosts, cancel; a failed run says why. */
function RunProgress({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const job = useJob(jobId);
  const showJob = useUiStore((s) => s.showJob);
  const setDailyCheckJob = useUiStore((s) => s.setDailyCheckJob);
  const cancel = useCallMutation('jobs.cancel');
  const record = job.data?.job;
  const now = useNow(record ? isActive(record) : false);
  if (job.isError) return <ErrorAlert error={job.error} title={t('fleet.progressFailed')} />;
  if (!record) return null;

  if (!isActive(record)) {
    if (record.status === 'succeeded') return null;
    return (
      <Alert
        color={record.status === 'cancelled' ? 'gray' : record.status === 'partial' ? 'yellow' : 'red'}
        variant="light"
        py={6}
        withCloseButton
        closeButtonLabel={t('actions.dismiss')}
        onClose={() => setDailyCheckJob(null)}
        title={t(`fleet.runEnded.${record.status}`)}
        data-testid="check-run-ended"
      >
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" style={{ flex: 1 }}>
            {record.error
              ? describeError(ConsoleError.fromBody(record.error), t).line
              : t('fleet.runEndedNoError')}
          </Text>
          <Button
            variant="default"
            size="compact-xs"
            leftSection={<IconListDetails size={12} />}
            onClick={() => showJob(record.id)}
          >
            {t('fleet.openJob')}
          </Button>
        </Group>
      </Alert>
    );
  }

  const p = jobProgress(record);
  const hosts = checkJobHosts(record);
  const elapsed = formatDuration(elapsedMs(record.startedAt ?? record.createdAt, null, now));
  const counted =
    record.status === 'queued'
      ? t('fleet.queued')
      : hosts.total !== null
        ? t('fleet.progress', { done: hosts.done, total: hosts.total })
        : hosts.done > 0
          ? t('fleet.progressNoTotal', { done: hosts.done })
          : t('fleet.progressStarting');
  return (
    <Paper withBorder px="sm" py={6} data-testid="check-progress" data-job-id={record.id}>
      <Group gap="sm" wrap="nowrap">
        <JobStatusBadge status={record.status} cancelling={record.cancelRequested} />
        <Text size="xs" fw={600} style={{ whiteSpace: 'nowrap' }} data-testid="check-progress-count">
          {counted}
        </Text>
        <Progress
          value={p.percent ?? 0}
          striped
          animated={p.percent === null}
          size="md"
          style={{ flex: 1 }}
          aria-label={t('fleet.progressLabel')}
          aria-valuetext={counted}
        />
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
          {p.percent !== null ? `${Math.floor(p.percent)}% · ` : ''}
          {elapsed}
        </Text>
        <Button
          variant="default"
          color="red"
          leftSection={<IconPlayerStop size={14} />}
          onClick={() => cancel.mutate({ id: record.id })}
          loading={cancel.isPending}
          disabled={record.cancelRequested}
          data-testid="check-cancel"
        >
          {record.cancelRequested ? t('jobs.cancelling') : t('actions.cancel')}
        </Button>
      </Group>
      {p.message && !/^\d+\s*\/\s*\d+\s+hosts checked$/.test(p.message) && (
        <Text size="xs" c="dimmed" mt={2} truncate title={p.message}>
          {p.message}
        </Text>
      )}
    </Paper>
  );
}

function Stat({
  label,
  value,
  color,
  testId,
}: {
  label: string;
  value: number;
  color: string;
  testId: string;
}) {
  return (
    <div data-testid={testId} data-value={value}>
      <Text
        size="22px"
        fw={700}
        lh={1.1}
        c={value > 0 ? color : 'dimmed'}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {value}
      </Text>
      <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
    </div>
  );
}

function CheckSummary({
  check,
  items,
  latest,
  onOpenBusiness,
}: {
  check: DailyCheck;
  items: readonly DailyCheckItem[];
  latest: boolean;
  onOpenBusiness(businessId: string | null): void;
}) {
  const { t } = useTranslation();
  const selectCheck = useUiStore((s) => s.selectCheck);
  const board = useMemo(() => deriveBoard(items), [items]);
  const rows = board.businesses;
  // Counted from the items: a running check has items before its summary is written.
  const counts = items.length > 0 || check.status === 'running' ? board.counts : check.summary;
  const hosts = new Set(items.filter((i) => i.hostId).map((i) => i.hostId)).size;
  const businesses = new Set(items.filter((i) => i.businessId).map((i) => i.businessId)).size;
  const duration = check.endedAt ? formatDuration(elapsedMs(check.startedAt, check.endedAt, 0)) : null;
  return (
    <Paper
      withBorder
      px="sm"
      py={8}
      style={{ flex: 1, minWidth: 0 }}
      data-testid="check-summary"
      data-check-id={check.id}
    >
      <Group gap="lg" wrap="nowrap" align="flex-start">
        <Stat label={t('fleet.status.failing')} value={counts.failing} color="red" testId="summary-failing" />
        <Stat
          label={t('fleet.status.warning')}
          value={counts.warning}
          color="yellow.8"
          testId="summary-warning"
        />
        <Stat label={t('fleet.status.ok')} value={counts.ok} color="teal" testId="summary-ok" />
        <Stack gap={2} style={{ minWidth: 0, flex: '0 1 300px' }}>
          <Group gap={6} wrap="nowrap">
            <Text size="xs" c="dimmed">
              {latest ? t('fleet.latestCheck') : t('fleet.olderCheck')}
            </Text>
            <LocalTime iso={check.startedAt} size="xs" />
            {check.status === 'running' && <Badge color="blue">{t('fleet.history.status.running')}</Badge>}
            {check.status === 'failed' && (
              <Badge color="red">
                {check.summary.interrupted === true
                  ? t('fleet.history.interrupted')
                  : t('fleet.history.status.failed')}
              </Badge>
            )}
            {!latest && (
              <Button
                variant="subtle"
                size="compact-xs"
                onClick={() => selectCheck(null)}
                data-testid="check-show-latest"
              >
                {t('fleet.showLatest')}
              </Button>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {[
              duration ? t('fleet.took', { duration }) : null,
              t('fleet.scope.hosts', { count: hosts }),
              t('fleet.scope.businesses', { count: businesses }),
              t('fleet.scope.items', { count: items.length }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
          {rows.length > 0 && (
            <Group gap={4} mt={2} data-testid="summary-businesses">
              {rows.map((row) => (
                <Tooltip
                  key={row.businessId ?? ''}
                  label={t('fleet.board.rowCounts', {
                    failing: row.counts.failing,
                    warning: row.counts.warning,
                    ok: row.counts.ok,
                  })}
                >
                  <Badge
                    component="button"
                    type="button"
                    color={CHECK_STATUS_COLOR[row.status]}
                    variant="light"
                    tt="none"
                    leftSection={<CheckStatusIcon status={row.status} size={11} />}
                    style={{ cursor: 'pointer' }}
                    onClick={() => onOpenBusiness(row.businessId)}
                    data-testid="summary-business"
                    data-status={row.status}
                  >
                    {row.businessId === null
                      ? t('fleet.board.noBusiness')
                      : (row.businessName ?? row.businessId)}
                    {' · '}
                    {t(`fleet.status.${row.status}`)}
                  </Badge>
                </Tooltip>
              ))}
            </Group>
          )}
        </Stack>
        <NeedsAttention items={items} />
      </Group>
    </Paper>
  );
}

/** The worst few items, in words, right under the numbers: what to look at first. */
function NeedsAttention({ items }: { items: readonly DailyCheckItem[] }) {
  const { t } = useTranslation();
  const reasonLabel = useReasonLabel();
  const worst = useMemo(() => items.filter((i) => i.status !== 'ok').sort(byUrgency), [items]);
  const shown = worst.slice(0, 3);
  return (
    <Stack
      gap={2}
      style={{ flex: '1 1 280px', minWidth: 0, borderLeft: '1px solid var(--mantine-color-default-border)' }}
      pl="sm"
      data-testid="needs-attention"
    >
      <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {t('fleet.attention.title')}
      </Text>
      {shown.length === 0 ? (
        <Text size="xs" c="teal">
          {t('fleet.attention.none')}
        </Text>
      ) : (
        shown.map((i) => {
          const s = subjectOf({
            planId: i.planId,
            planName: typeof i.data.planName === 'string' ? i.data.planName : null,
            repositoryId: i.repositoryId,
            repositoryName: typeof i.data.repositoryName === 'string' ? i.data.repositoryName : null,
          });
          const label = reasonLabel(i.item, s);
          const where = i.hostName ?? i.businessName ?? '';
          return (
            <div key={i.id} className="rfc-reason" title={`${where}\n${label}: ${i.reason}`}>
              <CheckStatusIcon status={i.status} size={12} />
              <span className="rfc-reason-text">
                {where && <span style={{ color: 'var(--mantine-color-dimmed)' }}>{where} · </span>}
                <b style={{ fontWeight: 600 }}>{label}</b>: {i.reason}
              </span>
            </div>
          );
        })
      )}
      {worst.length > shown.length && (
        <Text size="10px" c="dimmed">
          {t('fleet.attention.more', { count: worst.length - shown.length })}
        </Text>
      )}
    </Stack>
  );
}

export function DailyCheckScreen() {
  const { t } = useTranslation();
  const selectedCheckId = useUiStore((s) => s.selectedCheckId);
  const selectCheck = useUiStore((s) => s.selectCheck);
  const dailyCheckJobId = useUiStore((s) => s.dailyCheckJobId);
  const setDailyCheckJob = useUiStore((s) => s.setDailyCheckJob);
  const tab = useUiStore((s) => s.checkTab);
  const setTab = useUiStore((s) => s.setCheckTab);
  const setItemFilters = useUiStore((s) => s.setCheckItemFilters);
  const check = useCheck(selectedCheckId);
  const checks = useChecks();

  const runningCheck = checks.data?.find((c) => c.status === 'running' && c.jobId);
  const activeJobId = dailyCheckJobId ?? runningCheck?.jobId ?? null;
  const activeJob = useJob(activeJobId).data?.job;
  const running = activeJob ? isActive(activeJob) : runningCheck !== undefined;

  const start = useCallMutation('fleet.dailyCheck', {
    invalidate: [queryKeys.checks.all, queryKeys.jobs.lists()],
    onSuccess: ({ jobId }) => {
      setDailyCheckJob(jobId);
      selectCheck(null);
    },
  });
  const exportCheck = useCallMutation('fleet.checkExport', {
    onSuccess: (file, input) =>
      downloadText(file.filename, file.content, input.format === 'csv' ? 'text/csv' : 'application/json'),
  });

  const current = check.data ?? null;
  const items = useMemo(() => current?.items ?? [], [current]);
  const latestId = checks.data?.[0]?.id ?? null;
  const isLatest = selectedCheckId === null || selectedCheckId === latestId;

  const openItems = (patch: Partial<typeof EMPTY_CHECK_ITEM_FILTERS>) => {
    setItemFilters({ ...EMPTY_CHECK_ITEM_FILTERS, ...patch });
    setTab('items');
  };

  const doExport = (format: 'csv' | 'json') => {
    if (!current) return;
    exportCheck.mutate(
      { id: current.check.id, format },
      {
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: t('fleet.export.failed'),
            message: describeError(error, t).line,
          }),
      },
    );
  };

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-dailyCheck">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <IconStethoscope size={18} stroke={1.6} aria-hidden />
          <Title order={2} size="h6">
            {t('fleet.title')}
          </Title>
        </Group>
        <Group gap={6} wrap="nowrap">
          {current && (
            <Text size="xs" c="dimmed" visibleFrom="lg">
              {t('fleet.export.label')}
            </Text>
          )}
          {current && (
            <Button
              variant="default"
              leftSection={<IconFileTypeCsv size={14} />}
              disabled={!current}
              loading={exportCheck.isPending && exportCheck.variables?.format === 'csv'}
              onClick={() => doExport('csv')}
              data-testid="check-export-csv"
            >
              CSV
            </Button>
          )}
          {current && (
            <Button
              variant="default"
              leftSection={<IconJson size={14} />}
              disabled={!current}
              loading={exportCheck.isPending && exportCheck.variables?.format === 'json'}
              onClick={() => doExport('json')}
              data-testid="check-export-json"
            >
              JSON
            </Button>
          )}
          <Tooltip label={t('fleet.runHint')} multiline maw={340}>
            <Button
              leftSection={<IconPlayerPlay size={14} />}
              onClick={() => start.mutate({})}
              loading={start.isPending}
              disabled={running}
              data-testid="check-run"
            >
              {running ? t('fleet.running') : t('fleet.run')}
            </Button>
          </Tooltip>
        </Group>
      </Group>

      {start.isError && <ErrorAlert error={start.error} title={t('fleet.startFailed')} />}
      {activeJobId && <RunProgress jobId={activeJobId} />}

      {check.isPending ? (
        <Stack gap={6} aria-busy="true">
          <Text size="xs" c="dimmed">
            {t('fleet.loading')}
          </Text>
          <Skeleton height={64} />
          <Skeleton height={220} />
        </Stack>
      ) : check.isError ? (
        <ErrorAlert error={check.error} title={t('fleet.loadFailed')} onRetry={() => void check.refetch()} />
      ) : !current ? (
        <Paper withBorder p="md" data-testid="check-empty">
          <Text size="sm" fw={500}>
            {t('fleet.emptyTitle')}
          </Text>
          <Text size="xs" c="dimmed" maw={640}>
            {t('fleet.emptyBody')}
          </Text>
        </Paper>
      ) : (
        <>
          <Group gap="xs" align="stretch" wrap="nowrap">
            <CheckSummary
              check={current.check}
              items={items}
              latest={isLatest}
              onOpenBusiness={(b) => openItems({ businesses: [b ?? ''] })}
            />
            <Paper withBorder px="sm" py={6} w={400} style={{ flexShrink: 0 }}>
              <CheckTrendChart days={30} />
            </Paper>
          </Group>
          <Tabs
            value={tab}
            onChange={(v) => v && setTab(v as CheckTab)}
            style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
          >
            <Tabs.List>
              <Tabs.Tab value="board" data-testid="check-tab-board">
                {t('fleet.tabs.board')}
              </Tabs.Tab>
              <Tabs.Tab value="hosts" data-testid="check-tab-hosts">
                {t('fleet.tabs.hosts')}
              </Tabs.Tab>
              <Tabs.Tab value="items" data-testid="check-tab-items">
                {t('fleet.tabs.items', { count: items.length })}
              </Tabs.Tab>
              <Tabs.Tab value="history" data-testid="check-tab-history">
                {t('fleet.tabs.history')}
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel
              value="board"
              pt={6}
              style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
            >
              <CheckBoard items={items} onOpenCell={(b, h) => openItems(cellFilter(b, h))} />
            </Tabs.Panel>
            <Tabs.Panel
              value="hosts"
              pt={6}
              style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
            >
              <HostFreshnessTable
                items={items}
                asOf={current.check.endedAt ?? current.check.startedAt}
                onOpenHost={(h) => openItems({ hosts: [h] })}
              />
            </Tabs.Panel>
            <Tabs.Panel
              value="items"
              pt={6}
              style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
            >
              <CheckItemsTable items={items} />
            </Tabs.Panel>
            <Tabs.Panel
              value="history"
              pt={6}
              style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
            >
              {checks.isError ? (
                <ErrorAlert
                  error={checks.error}
                  title={t('fleet.history.failed')}
                  onRetry={() => void checks.refetch()}
                />
              ) : (
                <CheckHistory
                  checks={checks.data ?? []}
                  selectedId={current.check.id}
                  onSelect={(id) => selectCheck(id === latestId ? null : id)}
                  onOpen={(id) => {
                    selectCheck(id === latestId ? null : id);
                    setTab('board');
                  }}
                />
              )}
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}

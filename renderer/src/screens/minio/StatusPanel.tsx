/**
 * One connection's health: status with its reasons in words, the three
 * probes, drives (online / offline / healing) and how many more may fail,
 * raw capacity, and the buckets with usage against quota. Usage comes from
 * MinIO's background scanner and lags by minutes: said next to the table.
 */
import { useMemo, useState } from 'react';
import { Badge, Button, Group, Paper, Progress, SimpleGrid, Stack, Tabs, Text, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  formatBytes,
  formatCount,
  QUOTA_FAILING_PERCENT,
  QUOTA_WARNING_PERCENT,
  type MinioBucket,
  type MinioConnection,
  type MinioDrive,
  type MinioStatus,
} from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';

const STATUS_RANK = { ok: 0, warning: 1, failing: 2 } as const;
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { CHECK_STATUS_COLOR, CheckStatusBadge, CheckStatusIcon } from '../../components/StatusBadge';

function ProbeCard({
  label,
  ok,
  detail,
  testId,
}: {
  label: string;
  ok: boolean | null;
  detail: string;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p={6} radius="sm" data-testid={testId} data-ok={ok === null ? 'unknown' : String(ok)}>
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={500}>
          {label}
        </Text>
        <Badge size="sm" tt="none" variant="light" color={ok === null ? 'gray' : ok ? 'teal' : 'red'}>
          {ok === null ? t('minio.probe.unknown') : ok ? t('minio.probe.ok') : t('minio.probe.failed')}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed" truncate title={detail}>
        {detail}
      </Text>
    </Paper>
  );
}

function quotaColor(percent: number): string {
  if (percent >= QUOTA_FAILING_PERCENT) return CHECK_STATUS_COLOR.failing;
  if (percent >= QUOTA_WARNING_PERCENT) return CHECK_STATUS_COLOR.warning;
  return CHECK_STATUS_COLOR.ok;
}

export function StatusPanel({
  connection,
  status,
  refreshing,
  refreshError,
  onRefresh,
}: {
  connection: MinioConnection;
  status: MinioStatus | null;
  refreshing: boolean;
  refreshError: unknown;
  onRefresh(): void;
}) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<string | null>('buckets');

  const driveColumns = useMemo<Column<MinioDrive>[]>(
    () => [
      {
        id: 'endpoint',
        header: t('minio.drives.endpoint'),
        accessorFn: (d) => d.endpoint,
        cell: ({ row }) => (
          <Text size="xs" ff="monospace" truncate>
            {row.original.endpoint}
          </Text>
        ),
      },
      {
        id: 'set',
        header: t('minio.drives.set'),
        accessorFn: (d) => `${d.pool ?? '-'}/${d.set ?? '-'}`,
        meta: { width: 90 },
      },
      {
        id: 'state',
        header: t('minio.drives.state'),
        accessorFn: (d) => (d.online ? (d.healing ? 1 : 0) : 2),
        cell: ({ row }) => {
          const d = row.original;
          const s = d.online ? (d.healing ? 'warning' : 'ok') : 'failing';
          return (
            <Badge
              size="sm"
              tt="none"
              variant="light"
              color={CHECK_STATUS_COLOR[s]}
              data-testid="minio-drive-state"
            >
              {d.healing
                ? t('minio.drives.healing')
                : d.online
                  ? t('minio.drives.online')
                  : d.state === 'offline'
                    ? t('minio.drives.offlinePlain')
                    : t('minio.drives.offline', { state: d.state })}
            </Badge>
          );
        },
        meta: { width: 150 },
      },
      {
        id: 'used',
        header: t('minio.drives.used'),
        accessorFn: (d) => d.usedBytes,
        cell: ({ row }) =>
          row.original.totalBytes > 0
            ? `${formatBytes(row.original.usedBytes)} / ${formatBytes(row.original.totalBytes)}`
            : '—',
        meta: { width: 170, align: 'right' },
      },
    ],
    [t],
  );

  const bucketColumns = useMemo<Column<MinioBucket>[]>(
    () => [
      {
        id: 'name',
        header: t('minio.buckets.name'),
        accessorFn: (b) => b.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.name}
          </Text>
        ),
      },
      {
        id: 'size',
        header: t('minio.buckets.size'),
        accessorFn: (b) => b.sizeBytes ?? -1,
        cell: ({ row }) =>
          row.original.sizeBytes === null
            ? t('minio.buckets.notScanned')
            : formatBytes(row.original.sizeBytes),
        meta: { width: 120, align: 'right' },
      },
      {
        id: 'objects',
        header: t('minio.buckets.objects'),
        accessorFn: (b) => b.objects ?? -1,
        cell: ({ row }) => (row.original.objects === null ? '—' : formatCount(row.original.objects)),
        meta: { width: 100, align: 'right' },
      },
      {
        id: 'quota',
        header: t('minio.buckets.quota'),
        accessorFn: (b) => b.quotaBytes ?? -1,
        cell: ({ row }) =>
          row.original.quotaBytes === null
            ? t('minio.buckets.noQuota')
            : formatBytes(row.original.quotaBytes),
        meta: { width: 110, align: 'right' },
      },
      {
        id: 'percent',
        header: t('minio.buckets.percent'),
        accessorFn: (b) => b.quotaPercent ?? -1,
        cell: ({ row }) => {
          const p = row.original.quotaPercent;
          if (p === null)
            return (
              <Text size="xs" c="dimmed">
                —
              </Text>
            );
          return (
            <Tooltip label={row.original.reason} multiline maw={360}>
              <Group gap={6} wrap="nowrap">
                <Progress
                  value={Math.min(100, p)}
                  color={quotaColor(p)}
                  size="sm"
                  style={{ flex: 1 }}
                  aria-label={t('minio.buckets.percentOf', { name: row.original.name, percent: p })}
                />
                <Text size="xs" w={44} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {p}%
                </Text>
              </Group>
            </Tooltip>
          );
        },
        meta: { width: 170 },
      },
      {
        id: 'status',
        header: t('minio.buckets.status'),
        accessorFn: (b) => ({ ok: 0, warning: 1, failing: 2 })[b.status],
        cell: ({ row }) => <CheckStatusBadge status={row.original.status} tooltip={row.original.reason} />,
        meta: { width: 120 },
      },
    ],
    [t],
  );

  const header = (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
        <Text size="sm" fw={600} truncate>
          {connection.name}
        </Text>
        {status && <CheckStatusBadge status={status.status} variant="filled" />}
        {status && (
          <Text size="xs" c="dimmed" component="span" style={{ whiteSpace: 'nowrap' }}>
            {t('minio.checkedAt')} <LocalTime iso={status.checkedAt} size="xs" /> ·{' '}
            {t('minio.took', { ms: status.ms })}
          </Text>
        )}
      </Group>
      <Button
        size="xs"
        variant="light"
        leftSection={<IconRefresh size={14} />}
        loading={refreshing}
        onClick={onRefresh}
        data-testid="minio-refresh"
      >
        {t('minio.refresh')}
      </Button>
    </Group>
  );

  if (!status) {
    return (
      <Stack gap="xs" data-testid="minio-panel">
        {header}
        {refreshing && <Progress value={100} animated striped size="xs" aria-label={t('minio.refreshing')} />}
        {refreshError !== null && refreshError !== undefined && (
          <ErrorAlert error={refreshError} title={t('minio.refreshFailed')} />
        )}
        {!refreshing && (
          <Text size="sm" c="dimmed">
            {t('minio.neverChecked')}
          </Text>
        )}
      </Stack>
    );
  }

  const tolerance =
    status.moreForWrite === null ? t('minio.tolerance.unknown') : (status.toleranceWords ?? '');
  const cap = status.capacity;
  const capPercent = cap && cap.totalBytes > 0 ? (cap.usedBytes / cap.totalBytes) * 100 : null;

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="minio-panel" data-status={status.status}>
      {header}
      <Progress
        value={100}
        animated={refreshing}
        striped={refreshing}
        size={2}
        color={refreshing ? 'blue' : 'transparent'}
        aria-hidden={!refreshing}
        aria-label={t('minio.refreshing')}
      />
      {refreshError !== null && refreshError !== undefined && (
        <ErrorAlert error={refreshError} title={t('minio.refreshFailed')} />
      )}
      <Stack gap={2} data-testid="minio-reasons">
        {[
          ...status.health.reasons.map((r) => ({ r, s: status.health.status })),
          ...status.buckets.filter((b) => b.status !== 'ok').map((b) => ({ r: b.reason, s: b.status })),
        ]
          .sort((a, b) => STATUS_RANK[b.s] - STATUS_RANK[a.s])
          .map(({ r, s }) => (
            <Group key={r} gap={6} wrap="nowrap" align="flex-start" data-status={s}>
              <CheckStatusIcon status={s} />
              <Text size="xs" style={{ wordBreak: 'break-word' }}>
                {r}
              </Text>
            </Group>
          ))}
      </Stack>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing={6}>
        <ProbeCard
          label={t('minio.probe.live')}
          ok={status.live.ok}
          detail={
            status.live.status === null
              ? (status.live.error ?? t('minio.probe.noAnswer'))
              : `HTTP ${status.live.status}`
          }
          testId="minio-probe-live"
        />
        <ProbeCard
          label={t('minio.probe.write')}
          ok={status.live.status === null ? null : status.writeQuorum.ok}
          detail={
            status.writeQuorum.quorum !== undefined
              ? t('minio.probe.quorum', { n: status.writeQuorum.quorum })
              : status.writeQuorum.status === null
                ? t('minio.probe.noAnswer')
                : `HTTP ${status.writeQuorum.status}`
          }
          testId="minio-probe-write"
        />
        <ProbeCard
          label={t('minio.probe.read')}
          ok={status.live.status === null ? null : status.readQuorum.ok}
          detail={
            status.readQuorum.quorum !== undefined
              ? t('minio.probe.quorum', { n: status.readQuorum.quorum })
              : status.readQuorum.status === null
                ? t('minio.probe.noAnswer')
                : `HTTP ${status.readQuorum.status}`
          }
          testId="minio-probe-read"
        />
        <ProbeCard
          label={t('minio.probe.healing')}
          ok={status.live.status === null ? null : status.healingDrives === 0}
          detail={t('minio.probe.healingCount', { count: status.healingDrives })}
          testId="minio-probe-healing"
        />
      </SimpleGrid>
      <Paper withBorder p={6} radius="sm" data-testid="minio-tolerance">
        <Group gap="lg" wrap="wrap">
          <Text size="xs">
            {t('minio.drivesOnline', {
              online: status.drivesOnline ?? '?',
              offline: status.drivesOffline ?? '?',
            })}
          </Text>
          <Text size="xs">{t('minio.parity', { parity: status.parity ?? '?' })}</Text>
          {status.moreForWrite !== null && (
            <Text
              size="xs"
              fw={500}
              c={status.moreForWrite <= 0 ? (status.moreForWrite < 0 ? 'red.7' : 'orange.8') : undefined}
            >
              {t('minio.moreMayFail', {
                write: Math.max(0, status.moreForWrite),
                read: Math.max(0, status.moreForRead ?? 0),
              })}
            </Text>
          )}
          {/* The words are in the reasons above; here only when the numbers are missing. */}
          {status.moreForWrite === null && (
            <Text size="xs" c="dimmed">
              {tolerance}
            </Text>
          )}
        </Group>
        {cap && capPercent !== null && (
          <Group gap={6} wrap="nowrap" mt={4}>
            <Text size="xs" w={110}>
              {t('minio.capacity')}
            </Text>
            <Progress
              value={capPercent}
              size="md"
              color={capPercent >= 90 ? 'red' : capPercent >= 80 ? 'yellow' : 'indigo'}
              style={{ flex: 1 }}
              aria-label={t('minio.capacity')}
              data-testid="minio-capacity"
            />
            <Text size="xs" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
              {t('minio.capacityOf', {
                used: formatBytes(cap.usedBytes),
                total: formatBytes(cap.totalBytes),
                percent: Math.round(capPercent),
              })}
            </Text>
          </Group>
        )}
      </Paper>
      <Tabs
        value={tab}
        onChange={setTab}
        keepMounted={false}
        style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}
      >
        <Tabs.List>
          <Tabs.Tab value="buckets" data-testid="minio-tab-buckets">
            {t('minio.tabs.buckets', { count: status.buckets.length })}
          </Tabs.Tab>
          <Tabs.Tab value="drives" data-testid="minio-tab-drives">
            {t('minio.tabs.drives', { count: status.drives.length })}
          </Tabs.Tab>
          <Tabs.Tab value="commands" data-testid="minio-tab-commands">
            {t('minio.tabs.commands')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel
          value="buckets"
          pt={6}
          style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column', gap: 4 }}
        >
          <Text size="xs" c="dimmed" data-testid="minio-usage-note">
            {status.usage?.lastUpdate
              ? t('minio.usageLagsAt', { at: new Date(status.usage.lastUpdate).toLocaleString() })
              : t('minio.usageLags')}
          </Text>
          <DataTable
            data={status.buckets}
            columns={bucketColumns}
            getRowId={(b) => b.name}
            label={t('minio.tabs.buckets', { count: status.buckets.length })}
            testId="minio-buckets"
            rowTestId="minio-bucket-row"
            initialSorting={[{ id: 'percent', desc: true }]}
            rowAttributes={(b) => ({ 'data-name': b.name, 'data-status': b.status })}
            style={{ minHeight: 120 }}
            empty={
              <Text size="xs" c="dimmed">
                {t('minio.buckets.empty')}
              </Text>
            }
          />
        </Tabs.Panel>
        <Tabs.Panel
          value="drives"
          pt={6}
          style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
        >
          <DataTable
            data={status.drives}
            columns={driveColumns}
            getRowId={(d) => `${d.server}|${d.endpoint}`}
            label={t('minio.tabs.drives', { count: status.drives.length })}
            testId="minio-drives"
            rowTestId="minio-drive-row"
            initialSorting={[{ id: 'state', desc: true }]}
            rowAttributes={(d) => ({ 'data-online': String(d.online) })}
            style={{ minHeight: 120 }}
            empty={
              <Text size="xs" c="dimmed">
                {t('minio.drives.empty')}
              </Text>
            }
          />
        </Tabs.Panel>
        <Tabs.Panel value="commands" pt={6}>
          <Stack gap={4} data-testid="minio-commands">
            <Text size="xs" c="dimmed">
              {t('minio.commandsHint')}
            </Text>
            <CommandLine command={connection.mcAlias} testId="minio-command-alias" />
            {status.commands.map((c) => (
              <CommandLine key={c} command={c} testId="minio-command" />
            ))}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

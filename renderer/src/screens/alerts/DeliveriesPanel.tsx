/** Recent alert deliveries, newest first: sortable, filtered by business, result and text. */
import { useMemo, useState, type ReactNode } from 'react';
import { Badge, Group, SegmentedControl, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AlertDelivery, AlertDeliveryResult } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { KIND_COLOR } from './channelModel';
import { useAlertHistory } from './queries';

/** Colour AND word (and an icon); the error in the tooltip. */
export function DeliveryResultBadge({
  result,
  error,
  httpStatus,
}: {
  result: AlertDeliveryResult;
  error?: string | undefined;
  httpStatus?: number | undefined;
}) {
  const { t } = useTranslation();
  const ok = result === 'delivered';
  const badge = (
    <Badge
      size="sm"
      variant="light"
      color={ok ? 'teal' : 'red'}
      leftSection={ok ? <IconCircleCheck size={12} /> : <IconCircleX size={12} />}
      data-testid="alert-delivery-result"
      data-result={result}
    >
      {t(`alerts.results.${result}`)}
      {httpStatus !== undefined ? ` · ${httpStatus}` : ''}
    </Badge>
  );
  return error ? (
    <Tooltip label={error} multiline maw={420} withinPortal>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

export function DeliveriesPanel({
  businessFilter,
  business,
}: {
  businessFilter: ReactNode;
  business: string | null;
}) {
  const { t } = useTranslation();
  const [result, setResult] = useState<'all' | AlertDeliveryResult>('all');
  const [filter, setFilter] = useState('');
  const history = useAlertHistory(result === 'all' ? {} : { result });
  const shown = useMemo(
    () => (history.data ?? []).filter((d) => business === null || d.businessId === business),
    [history.data, business],
  );

  const columns = useMemo<Column<AlertDelivery>[]>(
    () => [
      {
        id: 'at',
        header: t('alerts.deliveries.at'),
        accessorFn: (d) => Date.parse(d.at),
        cell: ({ row }) => <LocalTime iso={row.original.at} size="xs" />,
        meta: { width: 150 },
      },
      {
        id: 'business',
        header: t('alerts.columns.business'),
        accessorFn: (d) => d.businessName ?? '',
        meta: { width: '11%' },
      },
      {
        id: 'channel',
        header: t('alerts.deliveries.channel'),
        accessorFn: (d) => d.channelName,
        cell: ({ row }) => (
          <Text size="xs" truncate>
            {row.original.channelName}{' '}
            <Text span size="xs" c={`${KIND_COLOR[row.original.channelKind]}.7`}>
              · {t(`alerts.kinds.${row.original.channelKind}`)}
            </Text>
          </Text>
        ),
        meta: { width: '17%' },
      },
      {
        id: 'event',
        header: t('alerts.deliveries.event'),
        accessorFn: (d) => t(`alerts.events.${d.event}`),
        cell: ({ row }) => (
          <Text size="xs" truncate>
            {t(`alerts.events.${row.original.event}`)}{' '}
            <Text span size="xs" c="dimmed">
              ({t(`alerts.triggers.${row.original.trigger}`)})
            </Text>
          </Text>
        ),
        meta: { width: 170 },
      },
      {
        id: 'summary',
        header: t('alerts.deliveries.summary'),
        accessorFn: (d) => d.summary,
        cell: ({ row }) => (
          <Tooltip label={row.original.summary} multiline maw={480} openDelay={400}>
            <Text size="xs" truncate>
              {row.original.summary}
            </Text>
          </Tooltip>
        ),
      },
      {
        id: 'result',
        header: t('alerts.deliveries.result'),
        accessorFn: (d) => d.result,
        cell: ({ row }) => (
          <DeliveryResultBadge
            result={row.original.result}
            error={row.original.error?.message}
            httpStatus={row.original.httpStatus}
          />
        ),
        meta: { width: 160 },
      },
      {
        id: 'detail',
        header: t('alerts.deliveries.detail'),
        accessorFn: (d) => d.error?.message ?? d.reply ?? '',
        cell: ({ row }) => {
          const d = row.original;
          const text = d.error?.message ?? d.reply ?? '';
          return (
            <Text size="xs" c={d.error ? 'red.8' : 'dimmed'} truncate title={text}>
              {text || '—'}
            </Text>
          );
        },
        meta: { width: '16%' },
      },
      {
        id: 'duration',
        header: t('alerts.deliveries.duration'),
        accessorFn: (d) => d.durationMs,
        cell: ({ row }) => t('alerts.test.took', { ms: row.original.durationMs }),
        meta: { width: 72, align: 'right' },
      },
    ],
    [t],
  );

  return (
    <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={2} size="h6">
            {t('alerts.deliveries.title')}
          </Title>
          {history.data && (
            <Text size="xs" c="dimmed">
              {t('alerts.deliveries.count', { count: shown.length })}
            </Text>
          )}
        </Group>
        <Group gap={6} wrap="nowrap">
          <SegmentedControl
            size="xs"
            value={result}
            onChange={(v) => setResult(v as typeof result)}
            data={[
              { value: 'all', label: t('alerts.results.all') },
              { value: 'delivered', label: t('alerts.results.delivered') },
              { value: 'failed', label: t('alerts.results.failed') },
            ]}
            data-testid="alert-deliveries-result-filter"
          />
          {businessFilter}
          <TextInput
            aria-label={t('table.filter')}
            placeholder={t('table.filterPlaceholder')}
            leftSection={<IconSearch size={14} />}
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            w={200}
            data-testid="alert-deliveries-filter"
          />
        </Group>
      </Group>
      {history.isPending ? (
        <TableSkeleton label={t('alerts.loading')} />
      ) : history.isError ? (
        <ErrorAlert
          error={history.error}
          title={t('alerts.loadFailed')}
          onRetry={() => void history.refetch()}
        />
      ) : (
        <DataTable
          data={shown}
          columns={columns}
          getRowId={(d) => String(d.id)}
          label={t('alerts.deliveries.title')}
          testId="alert-deliveries-table"
          rowTestId="alert-delivery-row"
          initialSorting={[{ id: 'at', desc: true }]}
          filter={filter}
          filterFn={(d, q) =>
            [d.channelName, d.businessName ?? '', d.summary, d.error?.message ?? '', d.reply ?? '', d.event]
              .join('\n')
              .toLowerCase()
              .includes(q.trim().toLowerCase())
          }
          rowAttributes={(d) => ({ 'data-result': d.result, 'data-channel': d.channelName })}
          empty={
            <Text size="sm" c="dimmed">
              {t('alerts.deliveries.empty')}
            </Text>
          }
        />
      )}
    </Stack>
  );
}

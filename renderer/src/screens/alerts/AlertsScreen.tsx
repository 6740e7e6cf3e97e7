/**
 * Alerts: each business's channels (webhook, DingTalk, Slack-compatible,
 * e-mail) with where they go (host only: URLs carry tokens), their last
 * delivery and "Send test"; and the delivery history. The console fires
 * alerts after each daily check for items that became failing.
 */
import { useMemo, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Tabs,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconSend } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel, AlertDelivery } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InventoryHeader, RowEditRemove } from '../../components/InventoryParts';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useBusinesses } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { KIND_COLOR } from './channelModel';
import { ChannelFormModal } from './ChannelFormModal';
import { DeliveriesPanel, DeliveryResultBadge } from './DeliveriesPanel';
import { alertKeys, useAlertChannels, useAlertsFiredRefresh } from './queries';

export function KindBadge({ kind }: { kind: AlertChannel['kind'] }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="light" color={KIND_COLOR[kind]} data-testid="alert-kind">
      {t(`alerts.kinds.${kind}`)}
    </Badge>
  );
}

/** What a test send did, in words: delivered with HTTP 200 in 45 ms, or why not. */
function TestResult({ delivery, onClose }: { delivery: AlertDelivery; onClose(): void }) {
  const { t } = useTranslation();
  const ok = delivery.result === 'delivered';
  const status =
    delivery.httpStatus !== undefined ? t('alerts.test.http', { status: delivery.httpStatus }) : null;
  return (
    <Alert
      color={ok ? 'teal' : 'red'}
      variant="light"
      icon={ok ? <IconCircleCheck size={16} /> : <IconCircleX size={16} />}
      title={
        ok
          ? t('alerts.test.delivered', { name: delivery.channelName })
          : t('alerts.test.failed', { name: delivery.channelName })
      }
      withCloseButton
      onClose={onClose}
      data-testid="alert-test-result"
      data-result={delivery.result}
    >
      <Stack gap={2}>
        <Text size="sm">
          {[status, t('alerts.test.took', { ms: delivery.durationMs })].filter(Boolean).join(' · ')}
        </Text>
        {delivery.error && (
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {delivery.error.message}
          </Text>
        )}
        {delivery.reply && (
          <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-word' }}>
            {t('alerts.test.reply', { reply: delivery.reply })}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

export function AlertsScreen() {
  const { t } = useTranslation();
  useAlertsFiredRefresh();
  const channels = useAlertChannels();
  const businesses = useBusinesses();
  const [tab, setTab] = useState<string | null>('channels');
  const [filter, setFilter] = useState('');
  const [business, setBusiness] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<AlertChannel | 'new' | null>(null);
  const [removing, setRemoving] = useState<AlertChannel | null>(null);
  const [testResult, setTestResult] = useState<AlertDelivery | null>(null);
  const invalidate = [alertKeys.all, queryKeys.audit.all];
  const test = useCallMutation('alerts.test', { invalidate, onSuccess: (d) => setTestResult(d) });
  const remove = useCallMutation('alerts.channelRemove', { invalidate, onSuccess: () => setRemoving(null) });
  const sendTest = test.mutate;
  const testingId = test.isPending ? test.variables.id : null;
  const resetRemove = remove.reset;

  const shown = useMemo(
    () => (channels.data ?? []).filter((c) => business === null || c.businessId === business),
    [channels.data, business],
  );

  const columns = useMemo<Column<AlertChannel>[]>(
    () => [
      {
        id: 'name',
        header: t('alerts.columns.name'),
        accessorFn: (c) => c.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate c={row.original.enabled ? undefined : 'dimmed'}>
            {row.original.name}
          </Text>
        ),
        meta: { width: '18%' },
      },
      {
        id: 'business',
        header: t('alerts.columns.business'),
        accessorFn: (c) => c.businessName,
        meta: { width: '14%' },
      },
      {
        id: 'kind',
        header: t('alerts.columns.kind'),
        accessorFn: (c) => c.kind,
        cell: ({ row }) => <KindBadge kind={row.original.kind} />,
        meta: { width: 112 },
      },
      {
        id: 'destination',
        header: t('alerts.columns.destination'),
        accessorFn: (c) => c.destination,
        cell: ({ row }) => (
          <Tooltip label={t('alerts.destinationHint')} openDelay={400}>
            <Text size="xs" ff="monospace" truncate data-testid="alert-destination">
              {row.original.destination}
            </Text>
          </Tooltip>
        ),
      },
      {
        id: 'enabled',
        header: t('alerts.columns.enabled'),
        accessorFn: (c) => (c.enabled ? 1 : 0),
        cell: ({ row }) =>
          row.original.enabled ? (
            <Text size="xs">{t('alerts.on')}</Text>
          ) : (
            <Text size="xs" c="dimmed">
              {t('alerts.off')}
            </Text>
          ),
        meta: { width: 80 },
      },
      {
        id: 'last',
        header: t('alerts.columns.last'),
        accessorFn: (c) => (c.lastDelivery ? Date.parse(c.lastDelivery.at) : 0),
        cell: ({ row }) => {
          const last = row.original.lastDelivery;
          if (!last)
            return (
              <Text size="xs" c="dimmed">
                {t('alerts.never')}
              </Text>
            );
          return (
            <Group gap={6} wrap="nowrap">
              <DeliveryResultBadge
                result={last.result}
                error={last.error?.message}
                httpStatus={last.httpStatus}
              />
              <LocalTime iso={last.at} size="xs" />
            </Group>
          );
        },
        meta: { width: 330 },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) => (
          <Group gap={2} wrap="nowrap" justify="flex-end">
            <Tooltip label={t('alerts.sendTest')}>
              <ActionIcon
                variant="subtle"
                aria-label={t('alerts.sendTestNamed', { name: row.original.name })}
                loading={testingId === row.original.id}
                onClick={() => {
                  setTestResult(null);
                  sendTest({ id: row.original.id });
                }}
                data-testid="alert-send-test"
              >
                <IconSend size={14} />
              </ActionIcon>
            </Tooltip>
            <RowEditRemove
              editLabel={t('alerts.editNamed', { name: row.original.name })}
              removeLabel={t('alerts.removeNamed', { name: row.original.name })}
              onEdit={() => setEditing(row.original)}
              onRemove={() => {
                resetRemove();
                setRemoving(row.original);
              }}
              testIdPrefix="alert-channel"
            />
          </Group>
        ),
        meta: { width: 96, actions: true },
      },
    ],
    [t, testingId, sendTest, resetRemove],
  );

  const businessFilter = (
    <Select
      aria-label={t('alerts.filterBusiness')}
      placeholder={t('alerts.allBusinesses')}
      data={(businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
      value={business}
      onChange={setBusiness}
      clearable
      searchable
      w={180}
      data-testid="alerts-business-filter"
    />
  );

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-alerts">
      <Tabs
        value={tab}
        onChange={setTab}
        style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}
      >
        <Tabs.List>
          <Tabs.Tab value="channels" data-testid="alerts-tab-channels">
            {t('alerts.tabs.channels')}
          </Tabs.Tab>
          <Tabs.Tab value="deliveries" data-testid="alerts-tab-deliveries">
            {t('alerts.tabs.deliveries')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel
          value="channels"
          pt="xs"
          style={{
            display: tab === 'channels' ? 'flex' : 'none',
            flexDirection: 'column',
            gap: 8,
            flex: 1,
            minHeight: 0,
          }}
        >
          <InventoryHeader
            title={t('alerts.title')}
            countText={channels.data ? t('alerts.count', { count: shown.length }) : undefined}
            filter={filter}
            onFilter={setFilter}
            filterTestId="alerts-filter"
            extraFilters={businessFilter}
            addLabel={t('alerts.add')}
            onAdd={() => setEditing('new')}
            addTestId="alert-channel-add"
          />
          <Text size="xs" c="dimmed">
            {t('alerts.rule')}
          </Text>
          {test.isError && <ErrorAlert error={test.error} title={t('alerts.test.callFailed')} />}
          {testResult && <TestResult delivery={testResult} onClose={() => setTestResult(null)} />}
          {channels.isPending ? (
            <TableSkeleton label={t('alerts.loading')} />
          ) : channels.isError ? (
            <ErrorAlert
              error={channels.error}
              title={t('alerts.loadFailed')}
              onRetry={() => void channels.refetch()}
            />
          ) : (
            <DataTable
              data={shown}
              columns={columns}
              getRowId={(c) => c.id}
              label={t('alerts.title')}
              testId="alert-channels-table"
              rowTestId="alert-channel-row"
              initialSorting={[
                { id: 'business', desc: false },
                { id: 'name', desc: false },
              ]}
              filter={filter}
              filterFn={(c, q) =>
                `${c.name}\n${c.businessName}\n${c.destination}\n${t(`alerts.kinds.${c.kind}`)}`
                  .toLowerCase()
                  .includes(q.trim().toLowerCase())
              }
              selectedId={selected}
              onSelect={setSelected}
              onOpen={(id) => setEditing(shown.find((c) => c.id === id) ?? null)}
              rowAttributes={(c) => ({ 'data-name': c.name, 'data-kind': c.kind })}
              empty={
                <Stack gap={2} align="center">
                  <Text size="sm" fw={500}>
                    {t('alerts.emptyTitle')}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('alerts.emptyBody')}
                  </Text>
                </Stack>
              }
            />
          )}
        </Tabs.Panel>
        <Tabs.Panel
          value="deliveries"
          pt="xs"
          style={{
            display: tab === 'deliveries' ? 'flex' : 'none',
            flexDirection: 'column',
            flex: 1,
            minHeight: 0,
          }}
        >
          {tab === 'deliveries' && <DeliveriesPanel businessFilter={businessFilter} business={business} />}
        </Tabs.Panel>
      </Tabs>
      <ChannelFormModal
        channel={editing}
        businesses={businesses.data ?? []}
        defaultBusinessId={business}
        onClose={() => setEditing(null)}
      />
      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('alerts.removeTitle', { name: removing?.name ?? '' })}
        data-testid="alert-channel-remove-confirm"
      >
        <Stack gap="sm">
          <Text size="sm">{t('alerts.removeBody')}</Text>
          {remove.isError && <ErrorAlert error={remove.error} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => removing && remove.mutate({ id: removing.id })}
              data-testid="alert-channel-remove-submit"
            >
              {t('actions.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

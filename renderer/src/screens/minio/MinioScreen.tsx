/**
 * MinIO: the connections (endpoint, admin key, TLS/CA; the secret
 * write-only), and for the selected one its health panel. The panel shows
 * the last known status and refreshes on demand (the daily check refreshes
 * it too).
 */
import { useEffect, useMemo, useState } from 'react';
import { Badge, Divider, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MinioConnection } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { InventoryHeader, RowEditRemove } from '../../components/InventoryParts';
import { LocalTime } from '../../components/LocalTime';
import { CheckStatusBadge } from '../../components/StatusBadge';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { ConnectionFormModal } from './ConnectionFormModal';
import { minioKeys, useMinioConnections, useMinioRefresh, useMinioStatus } from './queries';
import { StatusPanel } from './StatusPanel';

/** A row's last status, from the per-connection status query (shared with the panel). */
function RowStatus({ id }: { id: string }) {
  const { t } = useTranslation();
  const status = useMinioStatus(id);
  if (!status.data)
    return (
      <Text size="xs" c="dimmed">
        {t('minio.notChecked')}
      </Text>
    );
  return <CheckStatusBadge status={status.data.status} tooltip={status.data.reasons.join('\n')} />;
}

function RowChecked({ id }: { id: string }) {
  const status = useMinioStatus(id);
  return status.data ? <LocalTime iso={status.data.checkedAt} size="xs" /> : null;
}

export function MinioScreen() {
  const { t } = useTranslation();
  const connections = useMinioConnections();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<MinioConnection | 'new' | null>(null);
  const [removing, setRemoving] = useState<MinioConnection | null>(null);
  const remove = useCallMutation('minio.remove', {
    invalidate: [minioKeys.all, queryKeys.audit.all],
    onSuccess: () => {
      setRemoving(null);
      setSelected(null);
    },
  });
  const resetRemove = remove.reset;
  const refresh = useMinioRefresh();

  // The first connection is shown when none (or a removed one) is selected.
  const list = connections.data;
  const current = list?.find((c) => c.id === selected) ?? list?.[0] ?? null;
  const status = useMinioStatus(current?.id ?? null);

  // A connection never checked is checked once when opened.
  const refreshMutate = refresh.mutate;
  const refreshReset = refresh.reset;
  const neverChecked = current !== null && status.isSuccess && status.data === null;
  useEffect(() => {
    if (neverChecked && current) refreshMutate({ id: current.id });
  }, [neverChecked, current, refreshMutate]);
  useEffect(() => refreshReset(), [current?.id, refreshReset]);

  const columns = useMemo<Column<MinioConnection>[]>(
    () => [
      {
        id: 'name',
        header: t('minio.columns.name'),
        accessorFn: (c) => c.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.name}
          </Text>
        ),
        meta: { width: '18%' },
      },
      {
        id: 'endpoint',
        header: t('minio.columns.endpoint'),
        accessorFn: (c) => c.endpoint,
        cell: ({ row }) => (
          <Text size="xs" ff="monospace" truncate>
            {row.original.endpoint}
          </Text>
        ),
      },
      {
        id: 'accessKey',
        header: t('minio.columns.accessKey'),
        accessorFn: (c) => c.accessKey,
        cell: ({ row }) => (
          <Text size="xs" ff="monospace" truncate>
            {row.original.accessKey}
          </Text>
        ),
        meta: { width: 170 },
      },
      {
        id: 'tls',
        header: t('minio.columns.tls'),
        accessorFn: (c) => (c.tls ? (c.caSet ? 2 : 1) : 0),
        cell: ({ row }) =>
          row.original.tls ? (
            <Badge size="sm" variant="light" color="teal" tt="none">
              {row.original.caSet ? t('minio.tlsCa') : t('minio.tls')}
            </Badge>
          ) : (
            <Tooltip label={t('minio.plainHttpHint')}>
              <Badge size="sm" variant="light" color="gray" tt="none">
                {t('minio.plainHttp')}
              </Badge>
            </Tooltip>
          ),
        meta: { width: 110 },
      },
      {
        id: 'status',
        header: t('minio.columns.status'),
        enableSorting: false,
        cell: ({ row }) => <RowStatus id={row.original.id} />,
        meta: { width: 110 },
      },
      {
        id: 'checked',
        header: t('minio.columns.checked'),
        enableSorting: false,
        cell: ({ row }) => <RowChecked id={row.original.id} />,
        meta: { width: 150 },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) => (
          <RowEditRemove
            editLabel={t('minio.editNamed', { name: row.original.name })}
            removeLabel={t('minio.removeNamed', { name: row.original.name })}
            onEdit={() => setEditing(row.original)}
            onRemove={() => {
              resetRemove();
              setRemoving(row.original);
            }}
            testIdPrefix="minio"
          />
        ),
        meta: { width: 64, actions: true },
      },
    ],
    [t, resetRemove],
  );

  const rows = Math.min(Math.max(list?.length ?? 1, 1), 5);
  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-minio">
      <InventoryHeader
        title={t('minio.title')}
        countText={list ? t('minio.count', { count: list.length }) : undefined}
        filter={filter}
        onFilter={setFilter}
        filterTestId="minio-filter"
        addLabel={t('minio.add')}
        onAdd={() => setEditing('new')}
        addTestId="minio-add"
      />
      {connections.isPending ? (
        <TableSkeleton label={t('minio.loading')} />
      ) : connections.isError ? (
        <ErrorAlert
          error={connections.error}
          title={t('minio.loadFailed')}
          onRetry={() => void connections.refetch()}
        />
      ) : (
        <DataTable
          data={connections.data}
          columns={columns}
          getRowId={(c) => c.id}
          label={t('minio.title')}
          testId="minio-table"
          rowTestId="minio-row"
          initialSorting={[{ id: 'name', desc: false }]}
          filter={filter}
          filterFn={(c, q) =>
            `${c.name}\n${c.endpoint}\n${c.accessKey}`.toLowerCase().includes(q.trim().toLowerCase())
          }
          selectedId={current?.id ?? null}
          onSelect={setSelected}
          onOpen={(id) => setEditing(connections.data.find((c) => c.id === id) ?? null)}
          rowAttributes={(c) => ({ 'data-name': c.name })}
          style={{ flex: '0 0 auto', height: 30 + rows * 28 + 2 }}
          empty={
            <Stack gap={2} align="center">
              <Text size="sm" fw={500}>
                {t('minio.emptyTitle')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('minio.emptyBody')}
              </Text>
            </Stack>
          }
        />
      )}
      {current && (
        <>
          <Divider />
          <StatusPanel
            key={current.id}
            connection={current}
            status={status.data ?? null}
            refreshing={refresh.isPending}
            refreshError={refresh.error}
            onRefresh={() => refresh.mutate({ id: current.id })}
          />
        </>
      )}
      <ConnectionFormModal connection={editing} onClose={() => setEditing(null)} />
      <TypedConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('minio.removeTitle')}
        name={removing?.name ?? ''}
        confirmLabel={t('minio.removeConfirm')}
        onConfirm={(confirm) => removing && remove.mutate({ id: removing.id, confirm })}
        pending={remove.isPending}
        error={remove.error}
        testId="minio-remove-confirm"
      >
        <Text size="sm">{t('minio.removeBody')}</Text>
      </TypedConfirmModal>
    </Stack>
  );
}

/** Managed hosts: how each is reached, whether its host key is pinned, what runs there. */
import { useMemo, useState } from 'react';
import { Badge, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HostDetail } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { InventoryHeader } from '../../components/InventoryParts';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useHosts, usePlans, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { HostDrawer } from './HostDrawer';
import { HostFormModal } from './HostFormModal';

interface HostRow {
  host: HostDetail;
  /** The same host: hosts.list carries the pinned key and the key flag. */
  detail: HostDetail;
  plans: number;
  repos: number;
}

export function HostsScreen() {
  const { t } = useTranslation();
  const hosts = useHosts();
  const plans = usePlans();
  const repos = useRepos();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [drawer, setDrawer] = useState<{ id: string; publicKey: string | null } | null>(null);
  const [editing, setEditing] = useState<HostDetail | 'new' | null>(null);
  const [removing, setRemoving] = useState<HostDetail | null>(null);
  const remove = useCallMutation('hosts.remove', {
    invalidate: [queryKeys.hosts.all, queryKeys.audit.all],
    onSuccess: () => {
      setRemoving(null);
      setDrawer(null);
    },
  });

  const rows = useMemo<HostRow[]>(() => {
    return (hosts.data ?? []).map((host) => ({
      host,
      detail: host,
      plans: (plans.data ?? []).filter((p) => p.hostId === host.id).length,
      repos: (repos.data ?? []).filter((r) => r.hostId === host.id).length,
    }));
  }, [hosts.data, plans.data, repos.data]);

  const columns = useMemo<Column<HostRow>[]>(
    () => [
      {
        id: 'name',
        header: t('hosts.columns.name'),
        accessorFn: (r) => r.host.name,
        cell: ({ row }) => (
          <Text size="xs" fw={500} truncate>
            {row.original.host.name}
          </Text>
        ),
        meta: { width: '16%' },
      },
      {
        id: 'kind',
        header: t('hosts.columns.kind'),
        accessorFn: (r) => r.host.kind,
        cell: ({ row }) => (
          <Badge color={row.original.host.kind === 'local' ? 'gray' : 'indigo'}>
            {t(`hosts.kinds.${row.original.host.kind}`)}
          </Badge>
        ),
        meta: { width: 110 },
      },
      {
        id: 'address',
        header: t('hosts.columns.address'),
        accessorFn: (r) => r.host.address ?? '',
        cell: ({ row }) => {
          const h = row.original.host;
          if (h.kind === 'local')
            return (
              <Text span size="xs" c="dimmed">
                {t('hosts.localAddress')}
              </Text>
            );
          const text = `${h.user ?? '?'}@${h.address ?? '?'}${h.port && h.port !== 22 ? `:${h.port}` : ''}`;
          return (
            <span className="rfc-mono" title={text}>
              {text}
            </span>
          );
        },
        meta: { width: '22%' },
      },
      {
        id: 'auth',
        header: t('hosts.columns.auth'),
        accessorFn: (r) =>
          r.detail ? (r.detail.authKind === 'agent' ? 1 : r.detail.privateKeySet ? 2 : 0) : -1,
        cell: ({ row }) => {
          const { host, detail } = row.original;
          if (host.kind === 'local' || !detail)
            return (
              <Text span size="xs" c="dimmed">
                —
              </Text>
            );
          if (detail.authKind === 'agent') return <Badge color="gray">{t('hosts.auth.agent')}</Badge>;
          return detail.privateKeySet ? (
            <Badge color="teal">{t('hosts.auth.keySet')}</Badge>
          ) : (
            <Tooltip label={t('hosts.auth.noKeyHint')}>
              <Badge color="orange">{t('hosts.auth.noKey')}</Badge>
            </Tooltip>
          );
        },
        meta: { width: 110 },
      },
      {
        id: 'hostKey',
        header: t('hosts.columns.hostKey'),
        accessorFn: (r) => r.detail?.hostKey?.fingerprint ?? '',
        cell: ({ row }) => {
          const { host, detail } = row.original;
          if (host.kind === 'local' || !detail)
            return (
              <Text span size="xs" c="dimmed">
                —
              </Text>
            );
          return detail.hostKey ? (
            <span className="rfc-mono" title={detail.hostKey.fingerprint} data-testid="host-row-fingerprint">
              {detail.hostKey.fingerprint}
            </span>
          ) : (
            <Tooltip label={t('hosts.hostKey.notPinnedBody')} multiline maw={320}>
              <Badge color="orange" data-testid="host-row-unpinned">
                {t('hosts.hostKey.notPinnedBadge')}
              </Badge>
            </Tooltip>
          );
        },
      },
      {
        id: 'plans',
        header: t('hosts.columns.plans'),
        accessorFn: (r) => r.plans,
        meta: { width: 72, align: 'right' },
      },
      {
        id: 'repos',
        header: t('hosts.columns.repos'),
        accessorFn: (r) => r.repos,
        meta: { width: 124, align: 'right' },
      },
    ],
    [t],
  );

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-hosts">
      <InventoryHeader
        title={t('hosts.title')}
        countText={hosts.data ? t('hosts.count', { count: hosts.data.length }) : undefined}
        filter={filter}
        onFilter={setFilter}
        filterTestId="hosts-filter"
        filterWidth={220}
        addLabel={t('hosts.add')}
        onAdd={() => setEditing('new')}
        addTestId="host-add"
      />
      {hosts.isPending ? (
        <TableSkeleton label={t('hosts.loading')} />
      ) : hosts.isError ? (
        <ErrorAlert error={hosts.error} title={t('hosts.loadFailed')} onRetry={() => void hosts.refetch()} />
      ) : (
        <DataTable
          data={rows}
          columns={columns}
          getRowId={(r) => r.host.id}
          label={t('hosts.title')}
          testId="hosts-table"
          rowTestId="host-row"
          initialSorting={[{ id: 'name', desc: false }]}
          filter={filter}
          filterFn={(r, q) =>
            `${r.host.name}\n${r.host.address ?? ''}\n${r.host.user ?? ''}`
              .toLowerCase()
              .includes(q.trim().toLowerCase())
          }
          selectedId={selected}
          onSelect={(id) => setSelected(id)}
          onOpen={(id) => setDrawer({ id, publicKey: null })}
          rowAttributes={(r) => ({ 'data-name': r.host.name })}
          empty={
            <Text size="xs" c="dimmed" ta="center">
              {t('hosts.empty')}
            </Text>
          }
        />
      )}
      <Text size="xs" c="dimmed">
        {t('hosts.keyboardHint')}
      </Text>
      <HostFormModal
        host={editing}
        onClose={() => setEditing(null)}
        onAdded={(id, publicKey) => {
          setEditing(null);
          setSelected(id);
          setDrawer({ id, publicKey: publicKey ?? null });
        }}
      />
      <HostDrawer
        hostId={drawer?.id ?? null}
        publicKey={drawer?.publicKey ?? null}
        onClose={() => setDrawer(null)}
        onEdit={(h) => setEditing(h)}
        onRemove={(h) => {
          remove.reset();
          setRemoving(h);
        }}
      />
      <TypedConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title={t('hosts.removeTitle')}
        name={removing?.name ?? ''}
        confirmLabel={t('hosts.removeConfirm')}
        onConfirm={(confirm) => removing && remove.mutate({ id: removing.id, confirm })}
        pending={remove.isPending}
        error={remove.error}
        testId="host-remove-confirm"
      >
        <Text size="sm">{t('hosts.removeBody')}</Text>
      </TypedConfirmModal>
    </Stack>
  );
}

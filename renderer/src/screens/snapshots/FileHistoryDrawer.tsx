/**
 * A file's versions across the repository's snapshots (restic find of one
 * exact path): each snapshot's size and mtime, changed or unchanged since
 * the copy before. Double-click (or Enter) opens that snapshot at the file.
 */
import { useMemo, useState } from 'react';
import { Badge, Drawer, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, type FileVersion } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useFileHistory } from '../../queries/hooks';

const STATUS_COLOR: Record<FileVersion['status'], string> = {
  first: 'blue',
  changed: 'orange',
  unchanged: 'gray',
};

interface Row extends FileVersion {
  /** Size difference to the previous copy (bytes), when both are known. */
  delta: number | null;
}

export function withDeltas(versions: readonly FileVersion[]): Row[] {
  return versions.map((v, i) => {
    const prev = versions[i - 1];
    const delta = prev && prev.size !== undefined && v.size !== undefined ? v.size - prev.size : null;
    return { ...v, delta };
  });
}

function signedBytes(n: number): string {
  if (n === 0) return '±0 B';
  return `${n > 0 ? '+' : '−'}${formatBytes(Math.abs(n))}`;
}

export function FileHistoryDrawer({
  repoId,
  path,
  onClose,
  onOpenVersion,
  currentSnapshotId,
}: {
  repoId: string;
  path: string | null;
  onClose(): void;
  onOpenVersion(snapshotId: string, path: string): void;
  currentSnapshotId?: string;
}) {
  const { t } = useTranslation();
  const history = useFileHistory(repoId, path);
  const [selected, setSelected] = useState<string | null>(currentSnapshotId ?? null);
  const rows = useMemo(() => withDeltas(history.data?.versions ?? []), [history.data]);
  const changes = rows.filter((r) => r.status === 'changed').length;

  const columns = useMemo<Column<Row>[]>(
    () => [
      {
        id: 'time',
        header: t('snapshotTools.history.columns.snapshotTime'),
        accessorFn: (r) => Date.parse(r.time),
        cell: ({ row }) => <LocalTime iso={row.original.time} size="xs" />,
        sortDescFirst: true,
        meta: { width: 150 },
      },
      {
        id: 'id',
        header: t('snapshots.columns.id'),
        accessorFn: (r) => r.shortId,
        cell: ({ row }) => (
          <Text span size="xs" ff="monospace" title={row.original.snapshotId}>
            {row.original.shortId}
            {row.original.snapshotId === currentSnapshotId ? ' •' : ''}
          </Text>
        ),
        meta: { width: 92 },
      },
      {
        id: 'host',
        header: t('snapshots.columns.host'),
        accessorFn: (r) => r.hostname,
        cell: ({ row }) => displaySafe(row.original.hostname),
      },
      {
        id: 'size',
        header: t('tree.columns.size'),
        accessorFn: (r) => r.size ?? -1,
        cell: ({ row }) => (
          <span title={row.original.size !== undefined ? `${formatCount(row.original.size)} B` : undefined}>
            {formatBytes(row.original.size)}
          </span>
        ),
        meta: { width: 84, align: 'right' },
      },
      {
        id: 'delta',
        header: t('snapshotTools.history.columns.delta'),
        accessorFn: (r) => r.delta ?? 0,
        cell: ({ row }) =>
          row.original.delta === null ? (
            ''
          ) : (
            <Text span size="xs" c={row.original.delta === 0 ? 'dimmed' : undefined}>
              {signedBytes(row.original.delta)}
            </Text>
          ),
        meta: { width: 84, align: 'right' },
      },
      {
        id: 'mtime',
        header: t('tree.columns.mtime'),
        accessorFn: (r) => (r.mtime ? Date.parse(r.mtime) : 0),
        cell: ({ row }) => (row.original.mtime ? <LocalTime iso={row.original.mtime} size="xs" /> : '—'),
        meta: { width: 150 },
      },
      {
        id: 'status',
        header: t('snapshotTools.history.columns.status'),
        accessorFn: (r) => r.status,
        cell: ({ row }) => (
          <Tooltip label={t(`snapshotTools.history.statusHint.${row.original.status}`)} multiline maw={280}>
            <Badge
              color={STATUS_COLOR[row.original.status]}
              tt="none"
              data-testid="history-status"
              data-status={row.original.status}
            >
              {t(`snapshotTools.history.status.${row.original.status}`)}
            </Badge>
          </Tooltip>
        ),
        meta: { width: 112, actions: true },
      },
    ],
    [t, currentSnapshotId],
  );

  return (
    <Drawer
      opened={path !== null}
      onClose={onClose}
      position="right"
      size={820}
      title={t('snapshotTools.history.title')}
      data-testid="history-drawer"
      styles={{ body: { display: 'flex', flexDirection: 'column', height: 'calc(100% - 60px)' } }}
    >
      {path !== null && (
        <Stack gap={6} style={{ flex: 1, minHeight: 0 }}>
          <Text size="sm" className="rfc-mono" style={{ wordBreak: 'break-all' }} data-testid="history-path">
            {displaySafe(path)}
          </Text>
          {history.isPending ? (
            <TableSkeleton label={t('snapshotTools.history.loading')} rows={5} />
          ) : history.isError ? (
            <ErrorAlert
              error={history.error}
              title={t('snapshotTools.history.failed')}
              onRetry={() => void history.refetch()}
            />
          ) : (
            <>
              <Group gap="xs" wrap="nowrap">
                <Text size="xs" data-testid="history-summary">
                  {t('snapshotTools.history.summary', {
                    versions: history.data.versions.length,
                    searched: history.data.snapshotsSearched,
                    changes,
                  })}
                </Text>
              </Group>
              <CommandLine command={history.data.command} testId="history-command" />
              <DataTable
                data={rows}
                columns={columns}
                getRowId={(r) => r.snapshotId}
                label={t('snapshotTools.history.title')}
                testId="history-table"
                rowTestId="history-row"
                initialSorting={[{ id: 'time', desc: true }]}
                selectedId={selected}
                onSelect={setSelected}
                onOpen={(id) => onOpenVersion(id, path)}
                empty={
                  <Text size="xs" c="dimmed" ta="center">
                    {t('snapshotTools.history.none')}
                  </Text>
                }
                rowAttributes={(r) => ({ 'data-status': r.status, 'data-snapshot-id': r.snapshotId })}
              />
              <Text size="xs" c="dimmed">
                {t('snapshotTools.history.openHint')}
              </Text>
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

/** Past restores (restore.list), newest first; a row opens its result. */
import { useState } from 'react';
import { Badge, Drawer, Group, Paper, ScrollArea, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useHosts } from '../../queries/hooks';
import { useRestoreDraft } from './draftStore';
import { recordTargetWords, RestoreStatusBadge } from './parts';
import { isRestoreActive, useRestoreList, useRestoreRecord } from './queries';
import { ResultView } from './ResultView';
import { RunPanel } from './RunPanel';

export function HistoryPanel({ onFollow }: { onFollow(): void }) {
  const { t } = useTranslation();
  const list = useRestoreList(false, 200);
  const hosts = useHosts().data ?? [];
  const [open, setOpen] = useState<string | null>(null);
  const follow = useRestoreDraft((s) => s.follow);

  if (list.isError) return <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  if (list.isPending) return <TableSkeleton rows={6} label={t('restore.loading')} />;
  if (list.data.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="restore-history-empty">
        {t('restore.history.empty')}
      </Text>
    );
  return (
    <Paper withBorder>
      <ScrollArea.Autosize mah="calc(100vh - 200px)" type="auto">
        <Table
          fz="xs"
          verticalSpacing={4}
          striped
          highlightOnHover
          stickyHeader
          data-testid="restore-history"
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('restore.history.col.when')}</Table.Th>
              <Table.Th style={{ minWidth: 200 }}>{t('restore.history.col.status')}</Table.Th>
              <Table.Th>{t('restore.history.col.source')}</Table.Th>
              <Table.Th>{t('restore.history.col.what')}</Table.Th>
              <Table.Th>{t('restore.history.col.target')}</Table.Th>
              <Table.Th>{t('restore.history.col.restored')}</Table.Th>
              <Table.Th>{t('restore.history.col.safety')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((r) => (
              <Table.Tr
                key={r.id}
                onClick={() => setOpen(r.id)}
                onKeyDown={(e) => e.key === 'Enter' && setOpen(r.id)}
                tabIndex={0}
                style={{ cursor: 'pointer' }}
                data-testid="restore-history-row"
                data-restore-id={r.id}
                data-status={r.status}
              >
                <Table.Td>
                  <LocalTime iso={r.createdAt} size="xs" />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Group gap={4} wrap="nowrap">
                    <RestoreStatusBadge status={r.status} />
                    {r.undoOf && (
                      <Badge
                        size="xs"
                        variant="outline"
                        color="orange"
                        style={{ flexShrink: 0, overflow: 'visible' }}
                      >
                        {t('restore.history.undo')}
                      </Badge>
                    )}
                    {r.undoneBy && (
                      <Badge
                        size="xs"
                        variant="outline"
                        color="gray"
                        style={{ flexShrink: 0, overflow: 'visible' }}
                      >
                        {t('restore.history.undone')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {displaySafe(r.repoName)} ·{' '}
                  <Text span ff="monospace" size="xs">
                    {r.snapshotId.slice(0, 8)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {r.paths.length === 0
                    ? t('restore.history.whole')
                    : t('restore.history.entries', { count: r.paths.length })}
                  {r.excludedCount > 0 && ` ${t('restore.history.excluded', { count: r.excludedCount })}`}
                </Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{recordTargetWords(r, hosts, t)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {r.summary
                    ? `${formatCount(r.summary.filesRestored)} · ${formatBytes(r.summary.bytesRestored)}`
                    : '—'}
                  {r.errors.length > 0 && (
                    <Text span c="red" size="xs">
                      {' '}
                      · {t('restore.history.errors', { count: r.errors.length })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ff="monospace">{r.safetySnapshotId?.slice(0, 8) ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <Drawer
        opened={open !== null}
        onClose={() => setOpen(null)}
        position="right"
        size="xl"
        title={t('restore.history.detail')}
        data-testid="restore-history-drawer"
      >
        {open !== null && (
          <HistoryDetail
            id={open}
            onUndoStarted={(id) => {
              setOpen(null);
              follow(id);
              onFollow();
            }}
          />
        )}
      </Drawer>
    </Paper>
  );
}

function HistoryDetail({ id, onUndoStarted }: { id: string; onUndoStarted(id: string): void }) {
  const { t } = useTranslation();
  const record = useRestoreRecord(id);
  if (record.isError) return <ErrorAlert error={record.error} />;
  if (!record.data) return <TableSkeleton rows={4} label={t('restore.loading')} />;
  return isRestoreActive(record.data) ? (
    <RunPanel record={record.data} />
  ) : (
    <ResultView record={record.data} onUndoStarted={onUndoStarted} />
  );
}

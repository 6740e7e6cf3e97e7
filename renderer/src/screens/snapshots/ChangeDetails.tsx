/**
 * Both versions of a changed entry, side by side: size, mtime, mode and
 * type, from `snapshots.ls` of its folder in each snapshot (the same cached
 * listings the tree uses). Fields that differ are marked.
 */
import type { ReactNode } from 'react';
import { Badge, CloseButton, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  formatBytes,
  formatCount,
  formatLocalTime,
  type DiffModifier,
  type LsNode,
  type Snapshot,
} from '../../../../shared';
import { useClient } from '../../client/ClientContext';
import { describeError } from '../../components/describeError';
import { lsQueryOptions } from '../../queries/hooks';
import { ModifierBadge } from './DiffView';
import { parentPath, permissionsString } from './treeModel';

type Side =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'absent' }
  | { state: 'node'; node: LsNode };

export function ChangeDetails({
  repoId,
  from,
  to,
  path,
  modifier,
  onClose,
}: {
  repoId: string;
  from: Snapshot;
  to: Snapshot;
  /** As restic diff printed it (folders end in '/'). */
  path: string;
  modifier: DiffModifier | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const dir = parentPath(clean);
  const [a, b] = useQueries({
    queries: [from, to].map((s) => lsQueryOptions(client.call, repoId, s.id, dir)),
  });
  const side = (r: typeof a): Side => {
    if (!r || r.isPending) return { state: 'loading' };
    if (r.isError) return { state: 'error', error: r.error };
    const node = r.data.nodes.find((n) => n.path === clean);
    return node ? { state: 'node', node } : { state: 'absent' };
  };
  const before = side(a);
  const after = side(b);
  const nb = before.state === 'node' ? before.node : null;
  const na = after.state === 'node' ? after.node : null;

  const fields: Array<{ key: string; label: string; value(n: LsNode): string; title?(n: LsNode): string }> = [
    { key: 'type', label: t('diffTree.fields.type'), value: (n) => n.type },
    {
      key: 'size',
      label: t('tree.columns.size'),
      value: (n) => (n.type === 'dir' ? '—' : formatBytes(n.size)),
      title: (n) => (n.size !== undefined ? `${formatCount(n.size)} B` : ''),
    },
    {
      key: 'mtime',
      label: t('tree.columns.mtime'),
      value: (n) => (n.mtime ? formatLocalTime(n.mtime) : '—'),
      title: (n) => n.mtime ?? '',
    },
    { key: 'mode', label: t('diffTree.fields.mode'), value: (n) => permissionsString(n) || '—' },
    {
      key: 'owner',
      label: t('diffTree.fields.owner'),
      value: (n) => (n.uid !== undefined ? `${n.uid}:${n.gid ?? '?'}` : '—'),
    },
  ];

  const cell = (s: Side, f: (typeof fields)[number], differs: boolean): ReactNode => {
    if (s.state === 'loading') return <Skeleton height={12} width={80} />;
    if (s.state === 'error')
      return (
        <Text span size="xs" c="red" title={describeError(s.error, t).line}>
          {t('diffTree.unreadable')}
        </Text>
      );
    if (s.state === 'absent')
      return (
        <Text span size="xs" c="dimmed">
          {t('diffTree.absent')}
        </Text>
      );
    return (
      <Text
        span
        size="xs"
        fw={differs ? 700 : 400}
        c={differs ? 'orange.8' : undefined}
        title={f.title?.(s.node)}
      >
        {f.value(s.node)}
      </Text>
    );
  };

  return (
    <Paper withBorder p="xs" w={400} style={{ flexShrink: 0, overflow: 'auto' }} data-testid="change-details">
      <Stack gap={6}>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
            {modifier && <ModifierBadge modifier={modifier} />}
            <Text size="xs" fw={600} className="rfc-mono" truncate title={displaySafe(clean)}>
              {displaySafe(clean.split('/').pop() || clean)}
            </Text>
          </Group>
          <CloseButton size="sm" aria-label={t('diffTree.close')} onClick={onClose} />
        </Group>
        <Text size="10px" c="dimmed" className="rfc-mono" style={{ wordBreak: 'break-all' }}>
          {displaySafe(dir)}
        </Text>
        <Table className="rfc-table" withTableBorder={false} data-testid="change-details-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={{ width: 84 }} />
              <Table.Th>
                <Badge size="xs" variant="outline" color="gray" tt="none">
                  {from.shortId}
                </Badge>
              </Table.Th>
              <Table.Th>
                <Badge size="xs" variant="outline" color="gray" tt="none">
                  {to.shortId}
                </Badge>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((f) => {
              const differs = nb !== null && na !== null && f.value(nb) !== f.value(na);
              return (
                <Table.Tr key={f.key} data-field={f.key} data-differs={differs ? 'true' : undefined}>
                  <Table.Td>
                    <Text span size="xs" c="dimmed">
                      {f.label}
                    </Text>
                  </Table.Td>
                  <Table.Td data-testid={`before-${f.key}`} style={{ whiteSpace: 'normal' }}>
                    {cell(before, f, differs)}
                  </Table.Td>
                  <Table.Td data-testid={`after-${f.key}`} style={{ whiteSpace: 'normal' }}>
                    {cell(after, f, differs)}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Text size="10px" c="dimmed">
          {t('diffTree.source')}
        </Text>
      </Stack>
    </Paper>
  );
}

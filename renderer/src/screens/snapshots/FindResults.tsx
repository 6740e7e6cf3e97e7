/**
 * `restic find` within one snapshot: the matches (name, folder, size,
 * mtime); picking one shows it in the tree.
 */
import { useMemo, useRef } from 'react';
import { Alert, Stack, Text } from '@mantine/core';
import { IconFile, IconFolder } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, type FindMatch } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useSnapshotFind } from '../../queries/hooks';
import { parentPath } from './treeModel';

const ROW = 38;

interface Props {
  repoId: string;
  snapshotId: string;
  pattern: string;
  ignoreCase: boolean;
  selected: string | null;
  onPick(path: string): void;
}

export function FindResults({ repoId, snapshotId, pattern, ignoreCase, selected, onPick }: Props) {
  const { t } = useTranslation();
  const find = useSnapshotFind(repoId, snapshotId, pattern, ignoreCase);
  const scrollRef = useRef<HTMLDivElement>(null);
  const matches = useMemo<FindMatch[]>(
    () =>
      (find.data?.results ?? []).flatMap((r) =>
        r.snapshotId.startsWith(snapshotId) || snapshotId.startsWith(r.snapshotId) ? r.matches : [],
      ),
    [find.data, snapshotId],
  );
  const virtualizer = useVirtualizer({
    count: matches.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });

  if (find.isPending)
    return (
      <Stack p="xs" gap={4}>
        <TableSkeleton label={t('snapshotTools.find.searching')} rows={4} />
      </Stack>
    );
  if (find.isError)
    return (
      <Stack p="xs">
        <ErrorAlert
          error={find.error}
          title={t('snapshotTools.find.failed')}
          onRetry={() => void find.refetch()}
        />
      </Stack>
    );

  return (
    <Stack
      gap={4}
      p="xs"
      style={{ flex: 1, minHeight: 0 }}
      data-testid="find-results"
      data-count={matches.length}
    >
      <Text size="xs" c="dimmed" data-testid="find-count">
        {t('snapshotTools.find.count', { count: matches.length })}
      </Text>
      <CommandLine command={find.data.command} testId="find-command" />
      {find.data.truncated && (
        <Alert color="yellow" variant="light" py={4}>
          <Text size="xs">{t('snapshotTools.find.truncated', { count: matches.length })}</Text>
        </Alert>
      )}
      {matches.length === 0 ? (
        <Text size="xs" c="dimmed" py="sm" data-testid="find-empty">
          {t('snapshotTools.find.none')}
        </Text>
      ) : (
        <div
          ref={scrollRef}
          className="rfc-scroller"
          role="listbox"
          aria-label={t('snapshotTools.find.label')}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const m = matches[v.index];
              if (!m) return null;
              const isSelected = m.path === selected;
              return (
                <div
                  key={m.path}
                  role="option"
                  aria-selected={isSelected}
                  tabIndex={0}
                  className="rfc-find-row"
                  data-testid="find-match"
                  data-path={m.path}
                  onClick={() => onPick(m.path)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      onPick(m.path);
                    }
                  }}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW,
                    transform: `translateY(${v.start}px)`,
                  }}
                >
                  <div style={{ display: 'flex', gap: 4, alignItems: 'center', minWidth: 0 }}>
                    {m.type === 'dir' ? (
                      <IconFolder size={13} color="var(--mantine-color-indigo-5)" style={{ flexShrink: 0 }} />
                    ) : (
                      <IconFile size={13} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
                    )}
                    <Text size="xs" fw={500} truncate title={displaySafe(m.name)} style={{ flex: 1 }}>
                      {displaySafe(m.name)}
                    </Text>
                    {m.type !== 'dir' && (
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {formatBytes(m.size)}
                      </Text>
                    )}
                  </div>
                  <Text size="10px" c="dimmed" className="rfc-mono" truncate title={displaySafe(m.path)}>
                    {displaySafe(parentPath(m.path))}
                  </Text>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </Stack>
  );
}

import { useCallback, useMemo, useRef, useState } from 'react';
import { Button, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconFolderOpen, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Repo } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSnapshots } from '../../queries/hooks';
import { useUiStore } from '../../state/uiStore';
import { collectFacets } from './snapshotFilters';
import { SnapshotFiltersBar } from './SnapshotFiltersBar';
import { SnapshotsTable, type SnapshotsTableHandle } from './SnapshotsTable';

/** One repository's snapshots: filters, the restic command, the table. */
export function SnapshotsPanel({ repo }: { repo: Repo }) {
  const { t } = useTranslation();
  const snapshots = useSnapshots(repo.id);
  const filters = useUiStore((s) => s.snapshotFilters);
  const setFilters = useUiStore((s) => s.setSnapshotFilters);
  const resetFilters = useUiStore((s) => s.resetSnapshotFilters);
  const sort = useUiStore((s) => s.snapshotSort);
  const setSort = useUiStore((s) => s.setSnapshotSort);
  const selectedId = useUiStore((s) => s.selectedSnapshotId);
  const selectSnapshot = useUiStore((s) => s.selectSnapshot);
  const openSnapshot = useUiStore((s) => s.openSnapshot);
  const [visible, setVisible] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<SnapshotsTableHandle>(null);

  useHotkeys([['/', () => filterRef.current?.focus(), { preventDefault: true }]]);

  const list = snapshots.data?.snapshots;
  const facets = useMemo(() => collectFacets(list ?? []), [list]);
  const onOpen = useCallback((id: string) => openSnapshot(repo.id, id), [openSnapshot, repo.id]);
  const selectedVisible = selectedId !== null && list?.some((s) => s.id === selectedId);

  return (
    <Stack gap={6} style={{ flex: 1, minHeight: 0 }} data-testid="snapshots-panel" data-repo-id={repo.id}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Title order={2} size="h6" style={{ whiteSpace: 'nowrap' }}>
            {t('snapshots.titleFor', { name: repo.name })}
          </Title>
          {list && (
            <Text size="xs" c="dimmed" data-testid="snapshots-count" style={{ whiteSpace: 'nowrap' }}>
              {visible === list.length
                ? t('snapshots.count', { count: list.length })
                : t('snapshots.countFiltered', { shown: visible, count: list.length })}
            </Text>
          )}
        </Group>
        <Group gap={6} wrap="nowrap">
          <Button
            variant="default"
            leftSection={<IconRefresh size={14} />}
            onClick={() => void snapshots.refetch()}
            loading={snapshots.isFetching && !snapshots.isPending}
            data-testid="snapshots-refresh"
          >
            {t('actions.refresh')}
          </Button>
          <Button
            leftSection={<IconFolderOpen size={14} />}
            disabled={!selectedVisible}
            onClick={() => selectedId && onOpen(selectedId)}
            data-testid="snapshot-open"
            title={t('snapshots.openHint')}
          >
            {t('snapshots.open')}
          </Button>
        </Group>
      </Group>
      {snapshots.isPending ? (
        <Stack gap={4} aria-busy="true" data-testid="snapshots-loading">
          <Text size="xs" c="dimmed">
            {t('snapshots.loading', { name: repo.name })}
          </Text>
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} height={20} />
          ))}
        </Stack>
      ) : snapshots.isError ? (
        <ErrorAlert
          error={snapshots.error}
          title={t('snapshots.loadFailed', { name: repo.name })}
          onRetry={() => void snapshots.refetch()}
        />
      ) : (
        <>
          <SnapshotFiltersBar
            ref={filterRef}
            filters={filters}
            facets={facets}
            onChange={setFilters}
            onReset={() => {
              resetFilters();
              tableRef.current?.focus();
            }}
          />
          <CommandLine command={snapshots.data.command} testId="snapshots-command" />
          <SnapshotsTable
            ref={tableRef}
            snapshots={snapshots.data.snapshots}
            filters={filters}
            sort={sort}
            onSortChange={setSort}
            selectedId={selectedId}
            onSelect={selectSnapshot}
            onOpen={onOpen}
            onVisibleCount={setVisible}
            label={t('snapshots.tableLabel', { name: repo.name })}
          />
          <Text size="xs" c="dimmed">
            {t('snapshots.keyboardHint')}
          </Text>
        </>
      )}
    </Stack>
  );
}

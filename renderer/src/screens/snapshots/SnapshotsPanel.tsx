import { useCallback, useMemo, useRef, useState } from 'react';
import { Button, Group, SegmentedControl, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconFolderOpen, IconRefresh, IconTag, IconTrash, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Repo } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSnapshots } from '../../queries/hooks';
import { useUiStore, type SnapshotGroupBy } from '../../state/uiStore';
import { commandPrefix } from '../repository/repoModel';
import { ForgetSnapshotModal, MAX_TAG_SNAPSHOTS, TagsModal } from './SnapshotActions';
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
  const groupBy = useUiStore((s) => s.snapshotGroupBy);
  const setGroupBy = useUiStore((s) => s.setSnapshotGroupBy);
  const [visible, setVisible] = useState(0);
  // Ticked snapshots, remembered per repository.
  const [ticked, setTicked] = useState<{ repoId: string; ids: Set<string> }>({
    repoId: repo.id,
    ids: new Set(),
  });
  const [editingTags, setEditingTags] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const filterRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<SnapshotsTableHandle>(null);

  useHotkeys([['/', () => filterRef.current?.focus(), { preventDefault: true }]]);

  const list = snapshots.data?.snapshots;
  const facets = useMemo(() => collectFacets(list ?? []), [list]);
  const onOpen = useCallback((id: string) => openSnapshot(repo.id, id), [openSnapshot, repo.id]);
  const selected = (selectedId !== null && list?.find((s) => s.id === selectedId)) || null;
  const selectedVisible = selected !== null;
  const checked = useMemo(() => {
    if (ticked.repoId !== repo.id || !list) return new Set<string>();
    // Snapshots that are gone (forgotten, or rewritten by a tag change elsewhere) drop out.
    return new Set(list.filter((s) => ticked.ids.has(s.id)).map((s) => s.id));
  }, [ticked, repo.id, list]);
  const setChecked = useCallback((ids: Set<string>) => setTicked({ repoId: repo.id, ids }), [repo.id]);
  // Bulk actions work on the ticked snapshots, else on the highlighted one.
  const targets = useMemo(
    () => (checked.size ? (list ?? []).filter((s) => checked.has(s.id)) : selected ? [selected] : []),
    [checked, list, selected],
  );
  const prefix = commandPrefix(snapshots.data?.command);

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
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed">
                {t('snapshotTools.group.label')}
              </Text>
              <SegmentedControl
                value={groupBy}
                onChange={(v) => setGroupBy(v as SnapshotGroupBy)}
                data={(['none', 'host', 'plan'] as const).map((g) => ({
                  value: g,
                  label: t(`snapshotTools.group.by.${g}`),
                }))}
                data-testid="snapshot-group-by"
              />
            </Group>
            <Group gap={6} wrap="nowrap">
              <Text size="xs" c="dimmed" data-testid="snapshots-ticked">
                {checked.size
                  ? t('snapshotTools.select.ticked', { count: checked.size })
                  : selected
                    ? t('snapshotTools.select.highlighted', { id: selected.shortId })
                    : t('snapshotTools.select.none')}
              </Text>
              {checked.size > 0 && (
                <Button
                  variant="subtle"
                  color="gray"
                  leftSection={<IconX size={14} />}
                  onClick={() => setChecked(new Set())}
                  data-testid="snapshots-untick"
                >
                  {t('snapshotTools.select.clear')}
                </Button>
              )}
              <Tooltip
                label={t('snapshotTools.tags.tooMany', { count: targets.length, max: MAX_TAG_SNAPSHOTS })}
                disabled={targets.length <= MAX_TAG_SNAPSHOTS}
              >
                <Button
                  variant="default"
                  leftSection={<IconTag size={14} />}
                  disabled={targets.length === 0 || targets.length > MAX_TAG_SNAPSHOTS}
                  onClick={() => setEditingTags(true)}
                  data-testid="snapshots-edit-tags"
                >
                  {t('snapshotTools.tags.button')}
                </Button>
              </Tooltip>
              <Tooltip label={t('snapshotTools.forget.oneOnly')} disabled={targets.length <= 1}>
                <Button
                  variant="default"
                  color="red"
                  leftSection={<IconTrash size={14} />}
                  disabled={targets.length !== 1}
                  onClick={() => setForgetting(true)}
                  data-testid="snapshots-forget"
                >
                  {t('snapshotTools.forget.button')}
                </Button>
              </Tooltip>
            </Group>
          </Group>
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
            checked={checked}
            onCheckedChange={setChecked}
            groupBy={groupBy}
          />
          <TagsModal
            repoId={repo.id}
            snapshots={targets}
            opened={editingTags}
            onClose={() => setEditingTags(false)}
            prefix={prefix}
            onChanged={(changes) => {
              // Tagging rewrites snapshots: the ticks and the highlight follow the new ids.
              const map = new Map(changes.map((c) => [c.oldSnapshotId, c.newSnapshotId]));
              setChecked(new Set([...checked].map((id) => map.get(id) ?? id)));
              if (selectedId && map.has(selectedId)) selectSnapshot(map.get(selectedId) ?? null);
            }}
          />
          <ForgetSnapshotModal
            repoId={repo.id}
            snapshot={forgetting ? (targets[0] ?? null) : null}
            onClose={() => setForgetting(false)}
            prefix={prefix}
            onForgotten={(id) => {
              if (selectedId === id) selectSnapshot(null);
              const next = new Set(checked);
              next.delete(id);
              setChecked(next);
            }}
          />
          <Text size="xs" c="dimmed">
            {t('snapshots.keyboardHint')} · {t('snapshotTools.select.keyHint')}
          </Text>
        </>
      )}
    </Stack>
  );
}

/**
 * One snapshot in detail: what it is, its files (lazy tree) and how it
 * differs from another snapshot of the same repository.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Select,
  Skeleton,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconArrowLeft,
  IconArrowsDiff,
  IconFolders,
  IconRestore,
  IconTag,
  IconTrash,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, formatLocalTime, type Snapshot } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { useRepos, useSnapshots } from '../../queries/hooks';
import { useUiStore } from '../../state/uiStore';
import { commandPrefix } from '../repository/repoModel';
import { orderForDiff } from './diffModel';
import { DiffView } from './DiffView';
import { FileHistoryDrawer } from './FileHistoryDrawer';
import { ForgetSnapshotModal, TagsModal } from './SnapshotActions';
import { TreeBrowser, type TreeReveal } from './TreeBrowser';

function snapshotLabel(s: Snapshot): string {
  return `${formatLocalTime(s.time)} · ${s.shortId} · ${s.hostname}`;
}

/** The snapshot a diff should start from: the recorded parent, else the previous one of the same host and paths. */
export function defaultCompareTarget(snapshot: Snapshot, all: readonly Snapshot[]): Snapshot | null {
  if (snapshot.parent) {
    const parent = all.find((s) => s.id === snapshot.parent);
    if (parent) return parent;
  }
  const key = (s: Snapshot) => `${s.hostname}\n${[...s.paths].sort().join('\n')}`;
  const t = Date.parse(snapshot.time);
  let best: Snapshot | null = null;
  for (const s of all) {
    if (s.id === snapshot.id || key(s) !== key(snapshot)) continue;
    const st = Date.parse(s.time);
    if (st <= t && (!best || st > Date.parse(best.time))) best = s;
  }
  return best;
}

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
      <div style={{ fontSize: 'var(--mantine-font-size-xs)', minWidth: 0 }}>{children}</div>
    </div>
  );
}

function SnapshotSummaryCard({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation();
  const s = snapshot.summary;
  return (
    <Paper withBorder px="sm" py={6} data-testid="snapshot-meta">
      <Group gap="md" wrap="wrap" align="flex-start" style={{ rowGap: 4 }}>
        <Meta label={t('detail.id')}>
          <CopyButton value={snapshot.id}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t('command.copied') : t('detail.copyId')}>
                <Code
                  style={{ cursor: 'pointer', fontSize: 11 }}
                  onClick={copy}
                  data-testid="snapshot-full-id"
                >
                  {snapshot.id.slice(0, 16)}…
                </Code>
              </Tooltip>
            )}
          </CopyButton>
        </Meta>
        <Meta label={t('detail.time')}>
          <LocalTime iso={snapshot.time} size="xs" />
        </Meta>
        <Meta label={t('detail.host')}>{displaySafe(snapshot.hostname)}</Meta>
        {snapshot.username && <Meta label={t('detail.user')}>{displaySafe(snapshot.username)}</Meta>}
        <Meta label={t('detail.paths')}>
          <Text size="xs" className="rfc-mono" maw={300} truncate title={snapshot.paths.join('\n')}>
            {snapshot.paths.map(displaySafe).join(', ')}
          </Text>
        </Meta>
        <Meta label={t('detail.tags')}>
          {snapshot.tags.length ? (
            <Group gap={3}>
              {snapshot.tags.map((tag) => (
                <Badge key={tag} size="xs" color="gray" tt="none">
                  {displaySafe(tag)}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="xs" c="dimmed">
              —
            </Text>
          )}
        </Meta>
        {snapshot.programVersion && <Meta label={t('detail.program')}>{snapshot.programVersion}</Meta>}
        {s ? (
          <>
            <Meta label={t('detail.files')}>{formatCount(s.totalFilesProcessed)}</Meta>
            <Meta label={t('detail.bytes')}>{formatBytes(s.totalBytesProcessed)}</Meta>
            <Meta label={t('detail.newChanged')}>
              {formatCount(s.filesNew)} / {formatCount(s.filesChanged)}
            </Meta>
            <Meta label={t('detail.dataAdded')}>{formatBytes(s.dataAdded)}</Meta>
          </>
        ) : (
          <Meta label={t('detail.files')}>
            <Tooltip label={t('snapshots.noSummary')} multiline maw={300}>
              <Text size="xs" c="dimmed">
                {t('detail.noSummaryShort')}
              </Text>
            </Tooltip>
          </Meta>
        )}
      </Group>
    </Paper>
  );
}

export function SnapshotsScreen() {
  const { t } = useTranslation();
  const repos = useRepos();
  const repoId = useUiStore((s) => s.selectedRepoId);
  const selectRepo = useUiStore((s) => s.selectRepo);
  const openId = useUiStore((s) => s.openSnapshotId);
  const openSnapshot = useUiStore((s) => s.openSnapshot);
  const setScreen = useUiStore((s) => s.setScreen);
  const startRestore = useUiStore((s) => s.startRestore);
  const snapshots = useSnapshots(repoId);
  const [tab, setTab] = useState<string | null>('files');
  // The user's "Compare with…" choice, remembered for the snapshot it was made for.
  const [compareChoice, setCompareChoice] = useState<{ for: string; id: string | null } | null>(null);
  // A path to show in a snapshot's tree (from a history version), and the file whose history is open.
  const [reveal, setReveal] = useState<(TreeReveal & { snapshotId: string }) | null>(null);
  const [historyPath, setHistoryPath] = useState<string | null>(null);
  const [editingTags, setEditingTags] = useState(false);
  const [forgetting, setForgetting] = useState(false);

  useEffect(() => {
    if (repos.data && !repos.data.some((r) => r.id === repoId)) selectRepo(repos.data[0]?.id ?? null);
  }, [repos.data, repoId, selectRepo]);

  const list = snapshots.data?.snapshots;
  const newestFirst = useMemo(
    () => [...(list ?? [])].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)),
    [list],
  );
  const snapshot = (openId && newestFirst.find((s) => s.id === openId)) || newestFirst[0] || null;
  const options = useMemo(
    () => newestFirst.map((s) => ({ value: s.id, label: snapshotLabel(s) })),
    [newestFirst],
  );

  // Until the user picks one, compare with the snapshot's natural predecessor.
  const compareId =
    snapshot && compareChoice?.for === snapshot.id
      ? compareChoice.id
      : snapshot && list
        ? (defaultCompareTarget(snapshot, list)?.id ?? null)
        : null;
  const other = compareId ? (newestFirst.find((s) => s.id === compareId) ?? null) : null;
  const pair = snapshot && other && other.id !== snapshot.id ? orderForDiff(other, snapshot) : null;
  const repo = repos.data?.find((r) => r.id === repoId);
  const prefix = commandPrefix(snapshots.data?.command);

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-snapshots">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconArrowLeft size={14} />}
            onClick={() => setScreen('repositories')}
            data-testid="back-to-repos"
          >
            {t('nav.repositories')}
          </Button>
          <Title order={2} size="h6" style={{ whiteSpace: 'nowrap' }}>
            {t('detail.title')}
          </Title>
        </Group>
        <Group gap={6} wrap="nowrap">
          <Select
            aria-label={t('detail.repository')}
            data={(repos.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            value={repoId}
            onChange={(v) => v && selectRepo(v)}
            w={180}
            data-testid="detail-repo-select"
          />
          <Select
            aria-label={t('detail.snapshot')}
            data={options}
            value={snapshot?.id ?? null}
            onChange={(v) => v && repoId && openSnapshot(repoId, v)}
            searchable
            limit={300}
            w={300}
            nothingFoundMessage={t('detail.nothingFound')}
            disabled={!list}
            data-testid="detail-snapshot-select"
          />
        </Group>
      </Group>

      {repos.isError ? (
        <ErrorAlert error={repos.error} title={t('repos.loadFailed')} onRetry={() => void repos.refetch()} />
      ) : snapshots.isError ? (
        <ErrorAlert
          error={snapshots.error}
          title={t('snapshots.loadFailed', { name: repo?.name ?? repoId ?? '' })}
          onRetry={() => void snapshots.refetch()}
        />
      ) : !list ? (
        <Stack gap={4} aria-busy="true">
          <Text size="xs" c="dimmed">
            {t('snapshots.loading', { name: repo?.name ?? '' })}
          </Text>
          <Skeleton height={48} />
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} height={20} />
          ))}
        </Stack>
      ) : !snapshot || !repoId ? (
        <Paper withBorder p="md">
          <Text size="sm">{t('snapshots.emptyRepo')}</Text>
        </Paper>
      ) : (
        <>
          <Group gap={6} wrap="nowrap" align="stretch">
            <div style={{ flex: 1, minWidth: 0 }}>
              <SnapshotSummaryCard snapshot={snapshot} />
            </div>
            <Stack gap={4} justify="center">
              <Button
                leftSection={<IconRestore size={14} />}
                onClick={() => startRestore({ repoId, snapshotId: snapshot.id, paths: [] })}
                data-testid="detail-restore"
              >
                {t('restore.entry.snapshot')}
              </Button>
              <Button
                variant="default"
                leftSection={<IconTag size={14} />}
                onClick={() => setEditingTags(true)}
                data-testid="detail-edit-tags"
              >
                {t('snapshotTools.tags.button')}
              </Button>
              <Button
                variant="default"
                color="red"
                leftSection={<IconTrash size={14} />}
                onClick={() => setForgetting(true)}
                data-testid="detail-forget"
              >
                {t('snapshotTools.forget.button')}
              </Button>
            </Stack>
          </Group>
          <TagsModal
            repoId={repoId}
            snapshots={[snapshot]}
            opened={editingTags}
            onClose={() => setEditingTags(false)}
            prefix={prefix}
            onChanged={(changes) => {
              const moved = changes.find((c) => c.oldSnapshotId === snapshot.id);
              if (moved) openSnapshot(repoId, moved.newSnapshotId);
            }}
          />
          <ForgetSnapshotModal
            repoId={repoId}
            snapshot={forgetting ? snapshot : null}
            onClose={() => setForgetting(false)}
            prefix={prefix}
          />
          <FileHistoryDrawer
            repoId={repoId}
            path={historyPath}
            currentSnapshotId={snapshot.id}
            onClose={() => setHistoryPath(null)}
            onOpenVersion={(snapshotId, path) => {
              setHistoryPath(null);
              setTab('files');
              setReveal({ snapshotId, path, nonce: Date.now() });
              openSnapshot(repoId, snapshotId);
            }}
          />
          <Tabs
            value={tab}
            onChange={setTab}
            style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
          >
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Tabs.List>
                <Tabs.Tab value="files" leftSection={<IconFolders size={14} />} data-testid="tab-files">
                  {t('detail.tabs.files')}
                </Tabs.Tab>
                <Tabs.Tab
                  value="compare"
                  leftSection={<IconArrowsDiff size={14} />}
                  data-testid="tab-compare"
                >
                  {t('detail.tabs.compare')}
                </Tabs.Tab>
              </Tabs.List>
              <Select
                aria-label={t('detail.compareWith')}
                placeholder={t('detail.compareWith')}
                data={options.filter((o) => o.value !== snapshot.id)}
                value={compareId}
                onChange={(v) => {
                  setCompareChoice({ for: snapshot.id, id: v });
                  if (v) setTab('compare');
                }}
                searchable
                limit={300}
                leftSection={<IconArrowsDiff size={14} />}
                w={360}
                nothingFoundMessage={t('detail.nothingFound')}
                data-testid="compare-select"
              />
            </Group>
            <Tabs.Panel
              value="files"
              pt={6}
              style={{
                flex: 1,
                minHeight: 0,
                display: tab === 'files' ? 'flex' : 'none',
                flexDirection: 'column',
              }}
            >
              <TreeBrowser
                key={`${repoId}/${snapshot.id}`}
                repoId={repoId}
                snapshot={snapshot}
                reveal={reveal?.snapshotId === snapshot.id ? reveal : null}
                onHistory={setHistoryPath}
                onRestore={(path) => startRestore({ repoId, snapshotId: snapshot.id, paths: [path] })}
              />
            </Tabs.Panel>
            <Tabs.Panel
              value="compare"
              pt={6}
              style={{
                flex: 1,
                minHeight: 0,
                display: tab === 'compare' ? 'flex' : 'none',
                flexDirection: 'column',
              }}
            >
              {pair ? (
                <DiffView repoId={repoId} from={pair[0]} to={pair[1]} />
              ) : (
                <Paper withBorder p="md" data-testid="compare-empty">
                  <Text size="sm">{t('diff.pickOther')}</Text>
                </Paper>
              )}
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}

/**
 * One repository, opened from the repositories list: overview (counts,
 * sizes, compression, last check, locks, growth), its snapshots,
 * retention and keys; "Check…" runs restic check as a job.
 */
import { useEffect, useState } from 'react';
import { Badge, Button, Group, Select, Skeleton, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import {
  IconArrowLeft,
  IconCamera,
  IconChartAreaLine,
  IconKey,
  IconRecycle,
  IconRefresh,
  IconStethoscope,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { useNow } from '../../components/useNow';
import { useRepoDetail, useRepos } from '../../queries/hooks';
import { useUiStore, type RepoTab } from '../../state/uiStore';
import { SnapshotsPanel } from '../snapshots/SnapshotsPanel';
import { CheckDialog } from './CheckDialog';
import { KeysPanel } from './KeysPanel';
import { RepoOverview } from './RepoOverview';
import { commandPrefix } from './repoModel';
import { RetentionPanel } from './RetentionPanel';

const TABS: Array<{ value: RepoTab; icon: typeof IconCamera }> = [
  { value: 'overview', icon: IconChartAreaLine },
  { value: 'snapshots', icon: IconCamera },
  { value: 'retention', icon: IconRecycle },
  { value: 'keys', icon: IconKey },
];

/** While repos.get reads (stats can take a while on a big repository): what it reads, and for how long. */
function OverviewLoading() {
  const { t } = useTranslation();
  const [since] = useState(() => Date.now());
  const now = useNow(true);
  return (
    <Stack gap={6} aria-busy="true" data-testid="repo-loading">
      <Text size="xs" c="dimmed">
        {t('repository.loading', {
          time: formatDuration(elapsedMs(new Date(since).toISOString(), null, now)),
        })}
      </Text>
      <Group gap={6} grow>
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} height={62} />
        ))}
      </Group>
      <Skeleton height={180} />
      <Skeleton height={80} />
    </Stack>
  );
}

export function RepositoryScreen() {
  const { t } = useTranslation();
  const repos = useRepos();
  const repoId = useUiStore((s) => s.selectedRepoId);
  const openRepo = useUiStore((s) => s.openRepo);
  const setScreen = useUiStore((s) => s.setScreen);
  const tab = useUiStore((s) => s.repoTab);
  const setTab = useUiStore((s) => s.setRepoTab);
  const detail = useRepoDetail(repoId);
  const [checking, setChecking] = useState(false);

  const repo = repos.data?.find((r) => r.id === repoId) ?? null;

  // A repository that went away (removed in another window): back to the list.
  useEffect(() => {
    if (repos.data && !repo) setScreen('repositories');
  }, [repos.data, repo, setScreen]);

  if (repos.isError)
    return (
      <Stack p="sm">
        <ErrorAlert error={repos.error} title={t('repos.loadFailed')} onRetry={() => void repos.refetch()} />
      </Stack>
    );
  if (!repo || !repoId)
    return (
      <Stack p="sm" gap={6}>
        <Skeleton height={28} />
        <Skeleton height={62} />
      </Stack>
    );

  const prefix = commandPrefix(detail.data?.commands.snapshots);

  return (
    <Stack
      p="sm"
      gap="xs"
      style={{ flex: 1, minHeight: 0 }}
      data-testid="screen-repository"
      data-repo-id={repo.id}
    >
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconArrowLeft size={14} />}
            onClick={() => setScreen('repositories')}
            data-testid="repo-back"
          >
            {t('nav.repositories')}
          </Button>
          <Title order={2} size="h6" style={{ whiteSpace: 'nowrap' }} data-testid="repo-title">
            {repo.name}
          </Title>
          <Badge size="xs" variant="light" color="gray">
            {t(`repos.kinds.${repo.kind}`)}
          </Badge>
          {repo.demo && (
            <Badge size="xs" color="yellow">
              {t('repos.demo')}
            </Badge>
          )}
          {repo.business && (
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {repo.business}
            </Text>
          )}
          <Tooltip label={repo.location} multiline maw={480}>
            <Text size="xs" c="dimmed" className="rfc-mono" truncate data-testid="repo-location">
              {repo.location}
            </Text>
          </Tooltip>
        </Group>
        <Group gap={6} wrap="nowrap">
          <Select
            aria-label={t('detail.repository')}
            data={(repos.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
            value={repo.id}
            onChange={(v) => v && openRepo(v)}
            w={180}
            data-testid="repo-switch"
          />
          <Button
            variant="default"
            leftSection={<IconRefresh size={14} />}
            onClick={() => void detail.refetch()}
            loading={detail.isFetching && !detail.isPending}
            data-testid="repo-refresh"
          >
            {t('actions.refresh')}
          </Button>
          <Button
            leftSection={<IconStethoscope size={14} />}
            onClick={() => setChecking(true)}
            data-testid="repo-check"
          >
            {t('repository.check.button')}
          </Button>
        </Group>
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => v && setTab(v as RepoTab)}
        style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}
      >
        <Tabs.List>
          {TABS.map(({ value, icon: Icon }) => (
            <Tabs.Tab
              key={value}
              value={value}
              leftSection={<Icon size={14} />}
              data-testid={`repo-tab-${value}`}
            >
              {t(`repository.tabs.${value}`)}
              {value === 'snapshots' && detail.data ? ` (${detail.data.snapshotCount})` : ''}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="overview" pt={6} style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
          {detail.isPending ? (
            <OverviewLoading />
          ) : detail.isError ? (
            <ErrorAlert
              error={detail.error}
              title={t('repository.loadFailed', { name: repo.name })}
              onRetry={() => void detail.refetch()}
            />
          ) : (
            <RepoOverview detail={detail.data} onCheck={() => setChecking(true)} />
          )}
        </Tabs.Panel>
        <Tabs.Panel
          value="snapshots"
          pt={6}
          style={{
            flex: 1,
            minHeight: 0,
            display: tab === 'snapshots' ? 'flex' : 'none',
            flexDirection: 'column',
          }}
        >
          <SnapshotsPanel repo={repo} />
        </Tabs.Panel>
        <Tabs.Panel
          value="retention"
          pt={6}
          style={{
            flex: 1,
            minHeight: 0,
            display: tab === 'retention' ? 'flex' : 'none',
            flexDirection: 'column',
          }}
        >
          <RetentionPanel repo={repo} />
        </Tabs.Panel>
        <Tabs.Panel
          value="keys"
          pt={6}
          style={{
            flex: 1,
            minHeight: 0,
            display: tab === 'keys' ? 'flex' : 'none',
            flexDirection: 'column',
          }}
        >
          <KeysPanel repo={repo} />
        </Tabs.Panel>
      </Tabs>
      <CheckDialog repo={repo} opened={checking} onClose={() => setChecking(false)} commandPrefix={prefix} />
    </Stack>
  );
}

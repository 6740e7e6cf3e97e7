/**
 * The repository page's overview: what `repos.get` read — snapshot count,
 * sizes (restore size and raw data, IEC units), compression, the last
 * check, parts that could not be read (with their reasons), the locks and
 * the growth chart.
 */
import type { ReactNode } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconCircleCheck,
  IconCircleX,
  IconLoader2,
  IconStethoscope,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsoleError, formatAge, formatBytes, formatCount, type MethodOutput } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { describeError } from '../../components/describeError';
import { LocalTime } from '../../components/LocalTime';
import { useSnapshots } from '../../queries/hooks';
import { useNow } from '../../components/useNow';
import { useUiStore } from '../../state/uiStore';
import { GrowthChart } from './GrowthChart';
import { LocksPanel } from './LocksPanel';
import { commandPrefix } from './repoModel';

type Detail = MethodOutput<'repos.get'>;
type LastCheck = NonNullable<Detail['lastCheck']>;

export function StatCard({
  label,
  value,
  sub,
  hint,
  testId,
  children,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  hint?: string;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <Paper withBorder px="xs" py={6} data-testid={testId} style={{ minWidth: 0 }}>
      <Group gap={4} wrap="nowrap" justify="space-between">
        <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.3} title={hint} truncate>
          {label}
        </Text>
      </Group>
      <Text
        size="md"
        fw={600}
        data-testid={`${testId}-value`}
        style={{ fontVariantNumeric: 'tabular-nums' }}
        truncate
      >
        {value}
      </Text>
      {sub !== undefined && (
        <Text size="xs" c="dimmed" truncate data-testid={`${testId}-sub`}>
          {sub}
        </Text>
      )}
      {children}
    </Paper>
  );
}

const CHECK_LOOK: Record<LastCheck['result'], { color: string; icon: typeof IconCircleCheck }> = {
  ok: { color: 'teal', icon: IconCircleCheck },
  errors: { color: 'red', icon: IconCircleX },
  failed: { color: 'red', icon: IconAlertTriangle },
  cancelled: { color: 'gray', icon: IconBan },
  running: { color: 'blue', icon: IconLoader2 },
};

export function CheckResultBadge({ result }: { result: LastCheck['result'] }) {
  const { t } = useTranslation();
  const { color, icon: Icon } = CHECK_LOOK[result];
  return (
    <Badge
      color={color}
      tt="none"
      leftSection={<Icon size={11} aria-hidden className={result === 'running' ? 'rfc-spin' : undefined} />}
      data-testid="last-check-result"
      data-result={result}
    >
      {t(`repository.lastCheck.results.${result}`)}
    </Badge>
  );
}

function LastCheckCard({ lastCheck, onCheck }: { lastCheck: Detail['lastCheck']; onCheck(): void }) {
  const { t } = useTranslation();
  const showJob = useUiStore((s) => s.showJob);
  const now = useNow(lastCheck?.result === 'running', 5000);
  if (!lastCheck) {
    return (
      <StatCard
        label={t('repository.stats.lastCheck')}
        value={t('repository.lastCheck.never')}
        testId="stat-last-check"
      >
        <Button
          size="compact-xs"
          variant="light"
          mt={2}
          leftSection={<IconStethoscope size={12} />}
          onClick={onCheck}
          data-testid="last-check-run"
        >
          {t('repository.check.button')}
        </Button>
      </StatCard>
    );
  }
  const why =
    lastCheck.result === 'errors'
      ? t('repository.lastCheck.errors', { count: lastCheck.numErrors ?? 0 })
      : lastCheck.message;
  return (
    <StatCard
      label={t('repository.stats.lastCheck')}
      value={
        <Group gap={6} wrap="nowrap">
          <CheckResultBadge result={lastCheck.result} />
          <Text span size="xs" fw={500}>
            {formatAge(lastCheck.at, new Date(now))}
          </Text>
        </Group>
      }
      sub={
        <Group gap={6} wrap="nowrap" component="span">
          <LocalTime iso={lastCheck.at} size="xs" />
          <Anchor
            size="xs"
            component="button"
            type="button"
            onClick={() => showJob(lastCheck.jobId)}
            data-testid="last-check-job"
          >
            {t('repository.lastCheck.openJob')}
          </Anchor>
        </Group>
      }
      testId="stat-last-check"
    >
      {why && (
        <Text size="xs" c={lastCheck.result === 'ok' ? 'dimmed' : 'red'} lineClamp={2} title={why}>
          {why}
        </Text>
      )}
    </StatCard>
  );
}

export function RepoOverview({ detail, onCheck }: { detail: Detail; onCheck(): void }) {
  const { t } = useTranslation();
  const snapshots = useSnapshots(detail.repo.id);
  const { stats, compressionRatio } = detail;
  const restore = stats.restoreSize;
  const raw = stats.rawData;
  const hosts = new Set(detail.growth.map((g) => g.hostname)).size;
  const prefix = commandPrefix(detail.commands.snapshots);

  let compression: { value: string; sub: string };
  if (!raw) compression = { value: '—', sub: t('repository.stats.unknown') };
  else if (compressionRatio !== undefined && compressionRatio > 0)
    compression = {
      value: `${compressionRatio.toFixed(2)}×`,
      sub:
        raw.compressionSpaceSaving !== undefined
          ? t('repository.stats.saving', {
              percent: raw.compressionSpaceSaving.toFixed(0),
              size: formatBytes(raw.totalUncompressedSize),
            })
          : t('repository.stats.uncompressedSize', { size: formatBytes(raw.totalUncompressedSize) }),
    };
  else
    compression = { value: t('repository.stats.noCompression'), sub: t('repository.stats.noCompressionWhy') };

  return (
    <Stack gap="xs" data-testid="repo-overview">
      {detail.problems.map((p, i) => {
        const d = describeError(ConsoleError.fromBody(p), t);
        return (
          <Alert
            key={i}
            color="yellow"
            variant="light"
            py={6}
            icon={<IconAlertTriangle size={16} />}
            title={t('repository.problem')}
            data-testid="repo-problem"
            data-code={p.code}
          >
            <Text size="xs" style={{ wordBreak: 'break-word' }}>
              {d.line}
            </Text>
            {d.hint && (
              <Text size="xs" c="dimmed">
                {d.hint}
              </Text>
            )}
          </Alert>
        );
      })}
      <SimpleGrid cols={{ base: 3, lg: 5 }} spacing={6} data-testid="repo-stats">
        <StatCard
          label={t('repository.stats.snapshots')}
          value={formatCount(detail.snapshotCount)}
          sub={t('repository.stats.hosts', { count: hosts })}
          testId="stat-snapshots"
        />
        <StatCard
          label={t('repository.stats.restoreSize')}
          hint={t('repository.stats.restoreSizeHint')}
          value={
            <span title={restore ? `${formatCount(restore.totalSize)} B` : undefined}>
              {formatBytes(restore?.totalSize)}
            </span>
          }
          sub={
            restore
              ? t('repository.stats.files', {
                  count: restore.totalFileCount ?? 0,
                  n: formatCount(restore.totalFileCount ?? 0),
                })
              : t('repository.stats.unknown')
          }
          testId="stat-restore-size"
        />
        <StatCard
          label={t('repository.stats.rawData')}
          hint={t('repository.stats.rawDataHint')}
          value={
            <span title={raw ? `${formatCount(raw.totalSize)} B` : undefined}>
              {formatBytes(raw?.totalSize)}
            </span>
          }
          sub={
            raw
              ? t('repository.stats.blobs', {
                  count: raw.totalBlobCount ?? 0,
                  n: formatCount(raw.totalBlobCount ?? 0),
                })
              : t('repository.stats.unknown')
          }
          testId="stat-raw-data"
        />
        <StatCard
          label={t('repository.stats.compression')}
          hint={t('repository.stats.compressionHint')}
          value={compression.value}
          sub={compression.sub}
          testId="stat-compression"
        />
        <LastCheckCard lastCheck={detail.lastCheck} onCheck={onCheck} />
      </SimpleGrid>
      <Paper withBorder p="xs">
        <GrowthChart
          growth={detail.growth}
          snapshots={snapshots.data?.snapshots}
          {...(raw ? { storedNow: raw.totalSize } : {})}
        />
      </Paper>
      <Paper withBorder p="xs">
        <LocksPanel
          repo={detail.repo}
          locks={detail.locks}
          prefix={prefix}
          locksCommand={detail.commands.locks}
        />
      </Paper>
      <Stack gap={2} data-testid="repo-commands">
        <Tooltip label={t('repository.stats.commandsHint')} position="top-start">
          <Text size="10px" c="dimmed" tt="uppercase" fw={600} w="fit-content">
            {t('repository.stats.commands')}
          </Text>
        </Tooltip>
        <CommandLine command={detail.commands.snapshots} testId="snapshots-list-command" />
        <CommandLine command={detail.commands.statsRestoreSize} testId="stats-restore-command" />
        <CommandLine command={detail.commands.statsRawData} testId="stats-raw-command" />
      </Stack>
    </Stack>
  );
}

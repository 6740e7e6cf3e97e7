/** One job in full: what, on what, when, how it ended (exit code, classified error), its command and its log. */
import { Alert, Badge, Button, Drawer, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconPlayerStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsoleError, formatCount } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { describeError } from '../../components/describeError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { JobStatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import { useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { isActive } from './jobModel';
import { JobLog } from './JobLog';
import { JobProgressCell } from './JobProgressCell';
import { useTargetLabel } from './useTargetLabel';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td c="dimmed" w={120} pl={0} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Td>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

export function JobDrawer({ jobId, onClose }: { jobId: string | null; onClose(): void }) {
  const { t } = useTranslation();
  const detail = useJob(jobId);
  const targetLabel = useTargetLabel();
  const cancel = useCallMutation('jobs.cancel');
  const job = detail.data?.job;
  const now = useNow(job ? isActive(job) : false);

  return (
    <Drawer
      opened={jobId !== null}
      onClose={onClose}
      position="right"
      size={760}
      title={
        job ? (
          <Group gap={6} wrap="nowrap">
            <JobStatusBadge status={job.status} cancelling={job.cancelRequested} />
            <Text fw={600} truncate maw={560}>
              {job.title}
            </Text>
          </Group>
        ) : (
          t('jobs.detail')
        )
      }
      styles={{ body: { height: 'calc(100% - 60px)', display: 'flex', flexDirection: 'column' } }}
      data-testid="job-drawer"
    >
      {detail.isPending ? (
        <Stack gap={6}>
          <Skeleton height={100} />
          <Skeleton height={300} />
        </Stack>
      ) : detail.isError ? (
        <ErrorAlert
          error={detail.error}
          title={t('jobs.loadOneFailed')}
          onRetry={() => void detail.refetch()}
        />
      ) : job ? (
        <Stack gap="xs" style={{ flex: 1, minHeight: 0 }}>
          <Table withRowBorders={false} verticalSpacing={1} fz="xs" data-testid="job-facts">
            <Table.Tbody>
              <Fact label={t('jobs.columns.kind')}>
                <span className="rfc-mono">{job.kind}</span>
                <Badge ml={6} size="xs" color={job.priority === 'manual' ? 'indigo' : 'gray'}>
                  {t(`jobs.priority.${job.priority}`)}
                </Badge>
              </Fact>
              <Fact label={t('jobs.columns.target')}>
                {targetLabel(job.target)}{' '}
                <Text span size="xs" c="dimmed" ff="monospace">
                  {job.target}
                </Text>
              </Fact>
              <Fact label={t('jobs.columns.progress')}>
                <JobProgressCell job={job} />
              </Fact>
              <Fact label={t('jobs.created')}>
                <LocalTime iso={job.createdAt} size="xs" />
              </Fact>
              <Fact label={t('jobs.columns.started')}>
                {job.startedAt ? <LocalTime iso={job.startedAt} size="xs" /> : '—'}
              </Fact>
              <Fact label={t('jobs.ended')}>
                {job.endedAt ? <LocalTime iso={job.endedAt} size="xs" /> : '—'}
              </Fact>
              <Fact label={t('jobs.columns.duration')}>
                <span style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatDuration(elapsedMs(job.startedAt, job.endedAt, now))}
                </span>
              </Fact>
              <Fact label={t('jobs.columns.exitCode')}>
                <span className="rfc-mono" data-testid="job-exit-code">
                  {job.exitCode ?? '—'}
                </span>
              </Fact>
              {Object.keys(job.counters).length > 0 && (
                <Fact label={t('jobs.counters')}>
                  <Group gap={4}>
                    {Object.entries(job.counters).map(([name, n]) => (
                      <Badge key={name} size="xs" color="gray" tt="none">
                        {name}: {formatCount(n)}
                      </Badge>
                    ))}
                  </Group>
                </Fact>
              )}
            </Table.Tbody>
          </Table>
          {job.error && (
            <Alert
              color={job.status === 'partial' ? 'yellow' : job.status === 'cancelled' ? 'gray' : 'red'}
              variant="light"
              py={6}
              data-testid="job-error"
            >
              <Text size="xs">{describeError(ConsoleError.fromBody(job.error), t).line}</Text>
            </Alert>
          )}
          {isActive(job) && (
            <Group>
              <Button
                variant="default"
                color="red"
                leftSection={<IconPlayerStop size={14} />}
                disabled={job.cancelRequested}
                loading={cancel.isPending}
                onClick={() => cancel.mutate({ id: job.id })}
                data-testid="job-drawer-cancel"
              >
                {job.cancelRequested ? t('jobs.cancelling') : t('jobs.cancel')}
              </Button>
            </Group>
          )}
          {cancel.isError && <ErrorAlert error={cancel.error} title={t('jobs.cancelFailed')} />}
          {job.command ? (
            <CommandLine command={job.command} testId="job-command" />
          ) : (
            <Text size="xs" c="dimmed">
              {t('jobs.noCommand')}
            </Text>
          )}
          <Group justify="space-between" gap="xs">
            <Text size="xs" fw={600}>
              {t('jobs.log.title')}
            </Text>
            <Text size="xs" c="dimmed">
              {t('jobs.log.count', { shown: detail.data.log.length, total: job.logTotal })}
            </Text>
          </Group>
          <JobLog lines={detail.data.log} dropped={detail.data.log[0]?.n ?? job.logDropped} />
        </Stack>
      ) : null}
    </Drawer>
  );
}

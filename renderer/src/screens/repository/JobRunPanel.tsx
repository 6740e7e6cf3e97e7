/**
 * A maintenance job followed live from `jobs.changed` / `jobs.log` events:
 * status in words, a bar (percent when the job says it, else elapsed time
 * and the lines restic printed so far — never a bare spinner), the last
 * log lines, cancel, and the result in words when it ends.
 */
import type { ReactNode } from 'react';
import { Alert, Anchor, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconListDetails, IconPlayerStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsoleError, displaySafe, type JobLogLine, type JobRecord } from '../../../../shared';
import { describeError } from '../../components/describeError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { JOB_STATUS_COLOR, JobStatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import { useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { useUiStore } from '../../state/uiStore';
import { isActive, jobProgress } from '../jobs/jobModel';

interface Props {
  jobId: string;
  /** The outcome in words for a job that ended (the default says what the status means). */
  describeResult?(job: JobRecord): ReactNode;
  /** How many of the last log lines to show (the whole log is one click away, in Jobs). */
  logLines?: number;
  testId?: string;
}

export function JobRunPanel({ jobId, describeResult, logLines = 6, testId = 'job-run' }: Props) {
  const { t } = useTranslation();
  const job = useJob(jobId);
  const showJob = useUiStore((s) => s.showJob);
  const cancel = useCallMutation('jobs.cancel');
  const record = job.data?.job;
  const active = record ? isActive(record) : true;
  const now = useNow(active);

  if (job.isError) return <ErrorAlert error={job.error} title={t('repository.job.loadFailed')} />;
  if (!record) {
    return (
      <Text size="xs" c="dimmed" data-testid={`${testId}-pending`}>
        {t('repository.job.starting')}
      </Text>
    );
  }

  const p = jobProgress(record);
  const log = job.data?.log ?? [];
  const elapsed = formatDuration(elapsedMs(record.startedAt ?? record.createdAt, record.endedAt, now));
  const words = [
    record.status === 'queued' ? t('repository.job.queued') : (p.message ?? t('repository.job.working')),
    p.percent !== null ? `${Math.floor(p.percent)}%` : null,
    t('repository.job.elapsed', { time: elapsed }),
    t('repository.job.lines', { count: record.logTotal }),
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Paper withBorder p="xs" data-testid={testId} data-job-id={record.id} data-status={record.status}>
      <Stack gap={6}>
        <Group gap="xs" wrap="nowrap">
          <JobStatusBadge status={record.status} cancelling={record.cancelRequested} />
          <Text size="xs" fw={600} truncate style={{ flex: 1 }} title={record.title}>
            {record.title}
          </Text>
          <Anchor
            size="xs"
            component="button"
            type="button"
            onClick={() => showJob(record.id)}
            data-testid={`${testId}-open`}
          >
            <Group gap={3} wrap="nowrap">
              <IconListDetails size={12} />
              {t('repository.job.open')}
            </Group>
          </Anchor>
          {active && (
            <Button
              variant="default"
              size="compact-xs"
              leftSection={<IconPlayerStop size={12} />}
              onClick={() => cancel.mutate({ id: record.id })}
              loading={cancel.isPending}
              disabled={record.cancelRequested}
              data-testid={`${testId}-cancel`}
            >
              {record.cancelRequested ? t('jobs.cancelling') : t('actions.cancel')}
            </Button>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Progress
            value={p.percent ?? (active ? 100 : record.status === 'succeeded' ? 100 : 0)}
            color={JOB_STATUS_COLOR[record.status]}
            striped={active}
            animated={active && p.percent === null}
            size="sm"
            style={{ flex: 1 }}
            aria-label={t('repository.job.progress')}
            aria-valuetext={words}
          />
          <Text
            size="xs"
            c="dimmed"
            style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
            data-testid={`${testId}-words`}
          >
            {words}
          </Text>
        </Group>
        {!active && (
          <JobResult record={record} testId={testId}>
            {describeResult?.(record)}
          </JobResult>
        )}
        {log.length > 0 && <LogTail lines={log} max={logLines} testId={`${testId}-log`} />}
      </Stack>
    </Paper>
  );
}

function JobResult({
  record,
  testId,
  children,
}: {
  record: JobRecord;
  testId: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const color =
    record.status === 'succeeded'
      ? 'teal'
      : record.status === 'cancelled'
        ? 'gray'
        : record.status === 'partial'
          ? 'yellow'
          : 'red';
  return (
    <Alert color={color} variant="light" py={6} data-testid={`${testId}-result`} data-status={record.status}>
      <Stack gap={2}>
        {children ?? <Text size="xs">{t(`repository.job.ended.${record.status}`)}</Text>}
        {record.error && record.status !== 'succeeded' && (
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
            {describeError(ConsoleError.fromBody(record.error), t).line}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** The last lines restic printed, one per row (hostile text made safe). */
function LogTail({ lines, max, testId }: { lines: readonly JobLogLine[]; max: number; testId: string }) {
  const tail = lines.slice(-max);
  return (
    <div
      className="rfc-scroller rfc-log"
      style={{ flex: '0 0 auto', padding: '2px 0' }}
      data-testid={testId}
      role="log"
    >
      {tail.map((line) => (
        <div key={line.n} className="rfc-log-line" data-stream={line.stream} title={line.at}>
          <span>{line.n + 1}</span>
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{displaySafe(line.line)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * Step 6: the restore running, followed live from its job's events:
 * phase (safety snapshot, restoring, verifying), percent, files, bytes,
 * rate, time left, cancel. The job keeps running when the window closes;
 * reopening the screen finds it again (restore.list active).
 */
import { useState } from 'react';
import { Anchor, Button, Group, Paper, Progress, SimpleGrid, Stack, Stepper, Text } from '@mantine/core';
import { IconListDetails, IconPlayerStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  formatBytes,
  formatCount,
  type JobRecord,
  type RestoreRecord,
} from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { useNow } from '../../components/useNow';
import { useHosts, useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { useUiStore } from '../../state/uiStore';
import { jobProgress } from '../jobs/jobModel';
import { recordTargetWords, RestoreStatusBadge, Stat } from './parts';
import { addSample, etaSeconds, ratePerSecond, shownRate, type Sample } from './progressModel';

const PHASES = ['safety-snapshot', 'restoring', 'verifying'] as const;

function phaseIndex(record: RestoreRecord, phases: readonly string[]): number {
  const i = phases.indexOf(record.status);
  return record.status === 'queued' ? 0 : i >= 0 ? i : phases.length;
}

/**
 * Rate and time left from the job's byte counter (files when restic reports
 * no bytes), sampled once a second: a stalled restore shows its rate falling
 * to zero instead of the last burst.
 */
function useRate(job: JobRecord | undefined, now: number) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [jobId, setJobId] = useState<string | null>(null);
  const p = job ? jobProgress(job) : null;
  const byBytes = job?.progress.bytesDone !== undefined;
  const done = byBytes ? (job?.progress.bytesDone ?? 0) : (job?.progress.filesDone ?? null);
  const total = byBytes ? (job?.progress.bytesTotal ?? null) : (job?.progress.filesTotal ?? null);
  // Sampling is driven by the clock (state adjusted during render, React's pattern for derived history).
  const [sampledAt, setSampledAt] = useState(0);
  if (job && done !== null && now !== sampledAt) {
    setSampledAt(now);
    if (jobId !== job.id) {
      setJobId(job.id);
      setSamples([{ at: now, done }]);
    } else setSamples(addSample(samples, { at: now, done }, 30_000));
  }
  const started = job?.startedAt ? Date.parse(job.startedAt) : NaN;
  const rate = shownRate(
    ratePerSecond(samples),
    done ?? 0,
    Number.isNaN(started) ? null : (now - started) / 1000,
  );
  return { rate, eta: etaSeconds(done ?? 0, total, rate), byBytes, percent: p?.percent ?? null };
}

export function RunPanel({ record }: { record: RestoreRecord }) {
  const { t } = useTranslation();
  const job = useJob(record.jobId);
  const hosts = useHosts().data ?? [];
  const showJob = useUiStore((s) => s.showJob);
  const cancel = useCallMutation('jobs.cancel');
  const jobRecord = job.data?.job;
  const now = useNow(true);
  const { rate, eta, byBytes, percent } = useRate(jobRecord, now);
  const phases = record.target.kind === 'original' ? PHASES : PHASES.slice(1);
  const shownPhases = record.options.verify ? phases : phases.filter((p) => p !== 'verifying');
  const progress = jobRecord?.progress;
  const log = job.data?.log.slice(-4) ?? [];
  const elapsed = formatDuration(elapsedMs(jobRecord?.startedAt ?? record.createdAt, null, now));

  return (
    <Paper
      withBorder
      p="sm"
      data-testid="restore-run"
      data-restore-id={record.id}
      data-status={record.status}
    >
      <Stack gap="sm">
        <Group gap="xs" wrap="nowrap">
          <RestoreStatusBadge status={record.status} />
          <Text size="sm" fw={600} style={{ flex: 1 }} truncate>
            {t('restore.run.title', {
              id: record.snapshotId.slice(0, 8),
              where: recordTargetWords(record, hosts, t),
            })}
          </Text>
          <Anchor
            size="xs"
            component="button"
            type="button"
            onClick={() => showJob(record.jobId)}
            data-testid="restore-run-job"
          >
            <Group gap={3} wrap="nowrap">
              <IconListDetails size={12} />
              {t('restore.run.openJob')}
            </Group>
          </Anchor>
          <Button
            size="compact-sm"
            variant="default"
            color="red"
            leftSection={<IconPlayerStop size={14} />}
            onClick={() => cancel.mutate({ id: record.jobId })}
            loading={cancel.isPending}
            disabled={jobRecord?.cancelRequested}
            data-testid="restore-cancel"
          >
            {jobRecord?.cancelRequested ? t('restore.run.cancelling') : t('restore.run.cancel')}
          </Button>
        </Group>
        <Stepper active={phaseIndex(record, shownPhases)} size="xs" iconSize={22}>
          {shownPhases.map((p) => (
            <Stepper.Step key={p} label={t(`restore.run.phase.${p}`)} loading={record.status === p} />
          ))}
        </Stepper>
        <Progress
          value={percent ?? 100}
          striped
          animated={percent === null}
          size="lg"
          aria-label={t('restore.run.progress')}
          data-testid="restore-progress"
          data-percent={percent === null ? '' : Math.floor(percent)}
        />
        <SimpleGrid cols={{ base: 2, md: 6 }} spacing="xs">
          <Stat
            label={t('restore.run.percent')}
            value={percent === null ? t('restore.run.unknown') : `${Math.floor(percent)}%`}
            testId="restore-stat-percent"
          />
          <Stat
            label={t('restore.run.files')}
            value={
              progress?.filesDone !== undefined
                ? `${formatCount(progress.filesDone)}${progress.filesTotal !== undefined ? ` / ${formatCount(progress.filesTotal)}` : ''}`
                : '—'
            }
            testId="restore-stat-files"
          />
          <Stat
            label={t('restore.run.bytes')}
            value={
              progress?.bytesDone !== undefined
                ? `${formatBytes(progress.bytesDone)}${progress.bytesTotal !== undefined ? ` / ${formatBytes(progress.bytesTotal)}` : ''}`
                : '—'
            }
            testId="restore-stat-bytes"
          />
          <Stat
            label={t('restore.run.rate')}
            value={
              rate === null
                ? '—'
                : byBytes
                  ? `${formatBytes(rate)}/s`
                  : t('restore.run.filesPerSecond', { n: rate.toFixed(1) })
            }
            testId="restore-stat-rate"
          />
          <Stat
            label={t('restore.run.eta')}
            value={eta === null ? '—' : formatDuration(eta * 1000)}
            testId="restore-stat-eta"
          />
          <Stat label={t('restore.run.elapsed')} value={elapsed} testId="restore-stat-elapsed" />
        </SimpleGrid>
        {progress?.message && (
          <Text size="xs" c="dimmed" data-testid="restore-run-message">
            {displaySafe(progress.message)}
          </Text>
        )}
        {job.isError && <ErrorAlert error={job.error} />}
        {cancel.isError && <ErrorAlert error={cancel.error} />}
        {log.length > 0 && (
          <div className="rfc-scroller rfc-log" role="log" data-testid="restore-run-log">
            {log.map((line) => (
              <div key={line.n} className="rfc-log-line" data-stream={line.stream}>
                <span>{line.n + 1}</span>
                <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{displaySafe(line.line)}</span>
              </div>
            ))}
          </div>
        )}
        <Text size="xs" c="dimmed">
          {t('restore.run.keepsRunning')}
        </Text>
      </Stack>
    </Paper>
  );
}

import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '../../../../shared';
import { JOB_STATUS_COLOR } from '../../components/StatusBadge';
import { jobProgress } from './jobModel';

/** A bar with the numbers next to it ("3 / 7 hosts · 43%"); the job's message on hover. */
export function JobProgressCell({ job }: { job: JobRecord }) {
  const { t } = useTranslation();
  const p = jobProgress(job);
  const active = job.status === 'running' || job.status === 'queued';
  if (!active && p.percent === null && !p.numbers)
    return (
      <Text span size="xs" c="dimmed">
        —
      </Text>
    );
  const text = [
    p.numbers ? `${p.numbers}${p.unit ? ` ${t(`jobs.units.${p.unit}`)}` : ''}` : null,
    p.percent !== null ? `${Math.floor(p.percent)}%` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const body = (
    <Group gap={6} wrap="nowrap" data-testid="job-progress">
      <Progress
        value={p.percent ?? (active ? 100 : 0)}
        color={JOB_STATUS_COLOR[job.status]}
        striped={active}
        animated={active && p.percent === null}
        size="sm"
        style={{ flex: '0 0 56px' }}
        aria-label={t('jobs.columns.progress')}
        aria-valuetext={text || t('jobs.progressUnknown')}
      />
      <Text
        span
        size="xs"
        style={{
          whiteSpace: 'nowrap',
          fontVariantNumeric: 'tabular-nums',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
        }}
      >
        {text || (active ? t('jobs.progressUnknown') : '')}
      </Text>
    </Group>
  );
  return p.message ? (
    <Tooltip label={p.message} multiline maw={360} openDelay={300}>
      {body}
    </Tooltip>
  ) : (
    body
  );
}

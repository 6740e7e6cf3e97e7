/**
 * Status as colour AND word (and an icon), never colour alone: jobs
 * (queued … cancelled), daily-check items (ok / warning / failing) and
 * audit results.
 */
import { Badge, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconCircleCheck,
  IconCircleDashed,
  IconCircleX,
  IconLoader2,
  IconProgressAlert,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CheckStatus, JobStatus } from '../../../shared';

export const JOB_STATUS_COLOR: Record<JobStatus, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'teal',
  partial: 'yellow',
  failed: 'red',
  cancelled: 'gray',
};

const JOB_STATUS_ICON: Record<JobStatus, typeof IconCircleCheck> = {
  queued: IconCircleDashed,
  running: IconLoader2,
  succeeded: IconCircleCheck,
  partial: IconProgressAlert,
  failed: IconCircleX,
  cancelled: IconBan,
};

export function JobStatusBadge({ status, cancelling = false }: { status: JobStatus; cancelling?: boolean }) {
  const { t } = useTranslation();
  const Icon = JOB_STATUS_ICON[status];
  return (
    <Badge
      color={JOB_STATUS_COLOR[status]}
      leftSection={<Icon size={11} aria-hidden className={status === 'running' ? 'rfc-spin' : undefined} />}
      tt="none"
      data-testid="job-status"
      data-status={status}
      style={{ flexShrink: 0 }}
    >
      {cancelling ? t('jobs.cancelling') : t(`jobs.status.${status}`)}
    </Badge>
  );
}

export const CHECK_STATUS_COLOR: Record<CheckStatus, string> = {
  ok: 'teal',
  warning: 'yellow',
  failing: 'red',
};

const CHECK_STATUS_ICON: Record<CheckStatus, typeof IconCircleCheck> = {
  ok: IconCircleCheck,
  warning: IconAlertTriangle,
  failing: IconCircleX,
};

export function CheckStatusBadge({
  status,
  variant = 'light',
  tooltip,
}: {
  status: CheckStatus;
  variant?: 'light' | 'filled' | 'outline';
  tooltip?: string;
}) {
  const { t } = useTranslation();
  const Icon = CHECK_STATUS_ICON[status];
  const badge = (
    <Badge
      color={CHECK_STATUS_COLOR[status]}
      variant={variant}
      leftSection={<Icon size={11} aria-hidden />}
      tt="none"
      data-testid="check-status"
      data-status={status}
      style={{ flexShrink: 0 }}
    >
      {t(`fleet.status.${status}`)}
    </Badge>
  );
  return tooltip ? (
    <Tooltip label={tooltip} multiline maw={360}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

export function CheckStatusIcon({ status, size = 14 }: { status: CheckStatus; size?: number }) {
  const Icon = CHECK_STATUS_ICON[status];
  return (
    <Icon
      size={size}
      aria-hidden
      style={{
        flexShrink: 0,
        color: `var(--mantine-color-${CHECK_STATUS_COLOR[status]}-${status === 'warning' ? 7 : 6})`,
      }}
    />
  );
}

const AUDIT_RESULT_COLOR = { succeeded: 'teal', failed: 'red', denied: 'orange' } as const;

export function AuditResultBadge({ result }: { result: 'succeeded' | 'failed' | 'denied' }) {
  const { t } = useTranslation();
  return (
    <Badge color={AUDIT_RESULT_COLOR[result]} tt="none" data-testid="audit-result" data-result={result}>
      {t(`audit.results.${result}`)}
    </Badge>
  );
}

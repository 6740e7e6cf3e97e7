/** Small pieces the wizard's steps share: step navigation, status badge, target in words. */
import type { ReactNode } from 'react';
import { Badge, Button, Group, Kbd, Stack, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconArrowLeft, IconArrowRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { HostDetail, RestoreRecord, RestoreStatus, RestoreTarget } from '../../../../shared';

export const RESTORE_STATUS_COLOR: Record<RestoreStatus, string> = {
  queued: 'gray',
  'safety-snapshot': 'blue',
  restoring: 'blue',
  verifying: 'blue',
  succeeded: 'teal',
  partial: 'yellow',
  failed: 'red',
  cancelled: 'gray',
};

export function RestoreStatusBadge({ status }: { status: RestoreStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={RESTORE_STATUS_COLOR[status]}
      variant="light"
      data-testid="restore-status"
      data-status={status}
    >
      {t(`restore.status.${status}`)}
    </Badge>
  );
}

/** "/srv/restore on web-1", "original place on web-1", "tar archive in /tmp/out". */
export function targetWords(
  target: RestoreTarget,
  hosts: readonly HostDetail[],
  t: (key: string, options?: Record<string, unknown>) => string,
  targetHost?: string,
): string {
  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name ?? targetHost ?? id;
  switch (target.kind) {
    case 'original':
      return t('restore.targetWords.original', { host: hostName(target.hostId) });
    case 'path':
      return t('restore.targetWords.path', { path: target.path, host: hostName(target.hostId) });
    case 'archive':
      return t('restore.targetWords.archive', { format: target.format, directory: target.directory });
  }
}

export function recordTargetWords(
  record: RestoreRecord,
  hosts: readonly HostDetail[],
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  return targetWords(record.target, hosts, t, record.targetHost);
}

/**
 * Back / Next under each step. Next stays disabled with the reason in
 * words beside it; Alt+→ and Alt+← do the same from anywhere in the step.
 */
export function StepNav({
  onBack,
  onNext,
  nextLabel,
  blocked,
  extra,
  nextTestId = 'wizard-next',
}: {
  onBack?: () => void;
  onNext?: () => void;
  nextLabel?: string;
  /** Why Next cannot be pressed yet (null: it can). */
  blocked: string | null;
  extra?: ReactNode;
  nextTestId?: string;
}) {
  const { t } = useTranslation();
  useHotkeys(
    [
      ['alt+ArrowRight', () => blocked === null && onNext?.()],
      ['alt+ArrowLeft', () => onBack?.()],
      // Also from text fields (Alt+arrows do nothing there); the browser's own "back" is prevented.
    ],
    ['TEXTAREA'],
  );
  return (
    <Group justify="space-between" gap="xs" mt="sm" wrap="nowrap">
      <Group gap="xs">
        {onBack && (
          <Button
            variant="default"
            size="xs"
            leftSection={<IconArrowLeft size={14} />}
            onClick={onBack}
            data-testid="wizard-back"
          >
            {t('restore.nav.back')}
          </Button>
        )}
        <Text size="xs" c="dimmed" visibleFrom="md">
          <Kbd size="xs">Alt</Kbd> + <Kbd size="xs">←</Kbd> / <Kbd size="xs">→</Kbd>
        </Text>
      </Group>
      <Group gap="xs" wrap="nowrap">
        {blocked !== null && (
          <Text size="xs" c="dimmed" data-testid="wizard-blocked">
            {blocked}
          </Text>
        )}
        {extra}
        {onNext && (
          <Button
            size="xs"
            rightSection={<IconArrowRight size={14} />}
            onClick={onNext}
            disabled={blocked !== null}
            data-testid={nextTestId}
          >
            {nextLabel ?? t('restore.nav.next')}
          </Button>
        )}
      </Group>
    </Group>
  );
}

/** One number with its label (run and result panels). */
export function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

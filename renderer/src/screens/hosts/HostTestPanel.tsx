/**
 * "Test connection": handshake, host key, authentication, OS, restic,
 * free disk, clock skew, each ticked or crossed with what was found.
 */
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed, IconCircleX, IconPlugConnected } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { HostDetail, HostTestReport } from '../../../../shared';
import { describeError } from '../../components/describeError';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { useNow } from '../../components/useNow';
import { useCallMutation } from '../../queries/mutations';
import { ConsoleError, ERROR_CODES, type ErrorCode } from '../../../../shared';
import { useState } from 'react';

export const TEST_STEPS = ['handshake', 'hostKey', 'auth', 'os', 'restic', 'disk', 'clock'] as const;

function StepRow({
  name,
  step,
  pending,
}: {
  name: string;
  step?: HostTestReport['steps'][number];
  pending: boolean;
}) {
  const { t } = useTranslation();
  const Icon = step ? (step.ok ? IconCircleCheck : IconCircleX) : IconCircleDashed;
  const color = step
    ? step.ok
      ? 'var(--mantine-color-teal-6)'
      : 'var(--mantine-color-red-6)'
    : 'var(--mantine-color-gray-5)';
  return (
    <div
      className="rfc-test-step"
      data-testid="host-test-step"
      data-step={name}
      data-ok={step ? String(step.ok) : 'pending'}
    >
      <Icon
        size={15}
        color={color}
        aria-label={
          step ? (step.ok ? t('hosts.test.passed') : t('hosts.test.failed')) : t('hosts.test.notRun')
        }
      />
      <Text size="xs" fw={600}>
        {t(`hosts.test.steps.${name}`)}
      </Text>
      <Text size="xs" c={step && !step.ok ? 'red' : undefined} style={{ wordBreak: 'break-word' }}>
        {step ? step.detail : pending ? t('hosts.test.waiting') : t('hosts.test.notReached')}
      </Text>
      <Text size="10px" c="dimmed" ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {step?.ms !== undefined ? formatDuration(step.ms) : ''}
      </Text>
    </div>
  );
}

export function HostTestPanel({ host }: { host: HostDetail }) {
  const { t } = useTranslation();
  const [startedAt, setStartedAt] = useState<string | null>(null);
  const test = useCallMutation('hosts.test');
  const now = useNow(test.isPending, 250);
  const report = test.data && test.variables?.id === host.id ? test.data : null;
  const byName = new Map(report?.steps.map((s) => [s.step, s]) ?? []);
  const shownSteps = test.isPending || report ? TEST_STEPS : [];
  const reportError =
    report?.error && (ERROR_CODES as readonly string[]).includes(report.error.code)
      ? new ConsoleError(report.error.code as ErrorCode, report.error.message)
      : null;

  return (
    <Paper withBorder p="sm" data-testid="host-test-panel">
      <Group justify="space-between" mb={shownSteps.length ? 6 : 0}>
        <Group gap={6}>
          <IconPlugConnected size={16} aria-hidden />
          <Title order={3} size="h6">
            {t('hosts.test.title')}
          </Title>
          {report && (
            <Badge
              color={report.ok ? 'teal' : 'red'}
              data-testid="host-test-result"
              data-ok={String(report.ok)}
            >
              {report.ok ? t('hosts.test.allPassed') : t('hosts.test.someFailed')}
            </Badge>
          )}
          {test.isPending && startedAt && (
            <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {t('hosts.test.running', { elapsed: formatDuration(elapsedMs(startedAt, null, now)) })}
            </Text>
          )}
        </Group>
        <Button
          variant="default"
          onClick={() => {
            setStartedAt(new Date().toISOString());
            test.mutate({ id: host.id });
          }}
          loading={test.isPending}
          data-testid="host-test"
        >
          {t('hosts.test.run')}
        </Button>
      </Group>
      {shownSteps.length > 0 && (
        <Stack gap={0}>
          {shownSteps.map((name) => (
            <StepRow key={name} name={name} step={byName.get(name)} pending={test.isPending} />
          ))}
        </Stack>
      )}
      {reportError && (
        <Text size="xs" c="red" mt={6} data-testid="host-test-error">
          {describeError(reportError, t).line}
        </Text>
      )}
      {test.isError && <ErrorAlert error={test.error} title={t('hosts.test.callFailed')} />}
    </Paper>
  );
}

/** A step's run: status in words, run/retry, the error, what it found or made, its commands and its job's log. */
import { Badge, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { stepNumber, type OnboardingDetail, type OnboardingStep } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { JobLog } from '../jobs/JobLog';
import { STEP_STATUS_COLOR, asError, canRun } from './model';

export function StepStatusPanel({
  detail,
  step,
  onChanged,
}: {
  detail: OnboardingDetail;
  step: OnboardingStep;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const state = detail.steps.find((s) => s.step === step)!;
  const run = useCallMutation('onboarding.runStep', { onSuccess: onChanged });
  const runnable = canRun(detail, step);
  const needsInput = !state.inputSaved && (step === 'business' || step === 'bucket' || step === 'hosts');
  const job = useJob(state.jobId);

  return (
    <Stack gap="xs" data-testid="onboarding-step-panel" data-step={step} data-status={state.status}>
      <Group justify="space-between">
        <Group gap="xs">
          <Badge color={STEP_STATUS_COLOR[state.status]} variant="light" data-testid="onboarding-step-status">
            {t(`onboarding.stepStatus.${state.status}`)}
          </Badge>
          {state.endedAt ? (
            <Text size="xs" c="dimmed">
              {t('onboarding.endedAt')} <LocalTime iso={state.endedAt} size="xs" />
            </Text>
          ) : state.startedAt ? (
            <Text size="xs" c="dimmed">
              {t('onboarding.startedAt')} <LocalTime iso={state.startedAt} size="xs" />
            </Text>
          ) : null}
        </Group>
        <Button
          size="xs"
          variant={state.status === 'done' ? 'default' : 'filled'}
          leftSection={state.status === 'failed' ? <IconRefresh size={14} /> : <IconPlayerPlay size={14} />}
          disabled={!runnable || needsInput || state.status === 'running'}
          loading={run.isPending}
          onClick={() => run.mutate({ id: detail.id, step })}
          data-testid="onboarding-run-step"
        >
          {state.status === 'failed'
            ? t('onboarding.retry')
            : state.status === 'done'
              ? t('onboarding.runAgain')
              : t('onboarding.runStep', { n: stepNumber(step) })}
        </Button>
      </Group>
      {!runnable && state.status !== 'done' && detail.status !== 'rolled_back' && !detail.busy && (
        <Text size="xs" c="dimmed">
          {t('onboarding.needsEarlier')}
        </Text>
      )}
      {needsInput && (
        <Text size="xs" c="dimmed">
          {t('onboarding.saveFirst')}
        </Text>
      )}
      {run.error && <ErrorAlert error={run.error} />}
      {state.error && <ErrorAlert error={asError(state.error)} title={t('onboarding.stepFailed')} />}
      {state.notes.length > 0 && (
        <List size="sm" spacing={2} data-testid="onboarding-step-notes">
          {state.notes.map((n, i) => (
            <List.Item key={i}>{n}</List.Item>
          ))}
        </List>
      )}
      {state.commands.length > 0 && (
        <Stack gap={4} data-testid="onboarding-step-commands">
          <Text size="xs" fw={600}>
            {t('onboarding.commands')}
          </Text>
          {state.commands.map((c, i) => (
            <CommandLine key={i} command={c} testId="onboarding-command" />
          ))}
        </Stack>
      )}
      {job.data && job.data.log.length > 0 && (
        <Stack gap={4} mah={260} style={{ overflow: 'auto' }}>
          <Text size="xs" fw={600}>
            {t('onboarding.log')}
          </Text>
          <JobLog lines={job.data.log} dropped={job.data.log[0]?.n ?? job.data.job.logDropped} />
        </Stack>
      )}
    </Stack>
  );
}

/**
 * One onboarding: the seven steps in a Stepper, the selected step's form,
 * its status (log, commands, what it found or made), continue from where it
 * stopped, and roll back behind the typed business name.
 */
import { useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Stepper,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconArrowBackUp, IconArrowLeft, IconCheck, IconPlayerPlay, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  ONBOARDING_STEPS,
  type OnboardingDetail,
  type OnboardingStep,
  type StepStatus,
} from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { BucketStepForm } from './BucketStep';
import { BusinessStepForm } from './BusinessStep';
import { HostsStepForm } from './HostsStep';
import { InfoStep } from './InfoStep';
import { STATUS_COLOR, STEP_STATUS_COLOR, openingStep, stepIndex } from './model';
import { onboardingKeys, useOnboarding } from './queries';
import { RepositoryStepForm } from './RepositoryStep';
import { ResourcesTable } from './ResourcesTable';
import { StepStatusPanel } from './StepStatusPanel';

export function OnboardingWizard({
  id,
  onCreated,
  onBack,
}: {
  id: string | null;
  onCreated(id: string): void;
  onBack(): void;
}) {
  const { t } = useTranslation();
  const detail = useOnboarding(id);
  return (
    <Stack p="md" gap="sm" data-testid="onboarding-wizard">
      <Group gap="xs">
        <Tooltip label={t('onboarding.backToList')}>
          <ActionIcon
            variant="subtle"
            onClick={onBack}
            aria-label={t('onboarding.backToList')}
            data-testid="onboarding-back"
          >
            <IconArrowLeft size={18} />
          </ActionIcon>
        </Tooltip>
        <Title order={3}>{detail.data ? detail.data.businessName : t('onboarding.newTitle')}</Title>
        {detail.data && (
          <Badge variant="light" color={STATUS_COLOR[detail.data.status]} data-testid="onboarding-status">
            {t(`onboarding.status.${detail.data.status}`)}
          </Badge>
        )}
        {detail.data?.busy && <Loader size="xs" />}
      </Group>
      {id === null ? (
        <NewOnboarding onCreated={onCreated} />
      ) : detail.isPending ? (
        <Loader size="sm" />
      ) : detail.isError ? (
        <ErrorAlert error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <Steps key={detail.data.id} detail={detail.data} />
      )}
    </Stack>
  );
}

function NewOnboarding({ onCreated }: { onCreated(id: string): void }) {
  const { t } = useTranslation();
  return (
    <>
      <Stepper active={0} size="xs" allowNextStepsSelect={false}>
        {ONBOARDING_STEPS.map((s) => (
          <Stepper.Step key={s} label={t(`onboarding.steps.${s}.label`)} />
        ))}
      </Stepper>
      <Paper withBorder p="md">
        <BusinessStepForm detail={null} onStarted={onCreated} />
      </Paper>
    </>
  );
}

function Steps({ detail }: { detail: OnboardingDetail }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [active, setActive] = useState<OnboardingStep>(() => openingStep(detail));
  const [rollbackOpen, setRollbackOpen] = useState(false);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: onboardingKeys.all });
  const [nothingToRun, setNothingToRun] = useState(false);
  const resume = useCallMutation('onboarding.resume', {
    onSuccess: (r) => {
      setNothingToRun(r.jobId === null);
      refresh();
    },
  });
  const rollback = useCallMutation('onboarding.rollback', {
    onSuccess: () => {
      setRollbackOpen(false);
      refresh();
    },
  });
  const closed = detail.status === 'rolled_back';
  const left = detail.resources.filter((r) => r.removedAt === null).length;

  return (
    <>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="onboarding-where">
          {detail.currentStep === null
            ? t('onboarding.allDone')
            : t('onboarding.stoppedAt', {
                n: stepIndex(detail.currentStep) + 1,
                step: t(`onboarding.steps.${detail.currentStep}.label`),
              })}
          {detail.lastError ? ` — ${detail.lastError.message}` : ''}
        </Text>
        <Group gap="xs">
          {!closed && detail.status !== 'done' && (
            <Button
              size="xs"
              leftSection={<IconPlayerPlay size={14} />}
              loading={resume.isPending}
              disabled={detail.busy || detail.status === 'rolling_back'}
              onClick={() => resume.mutate({ id: detail.id })}
              data-testid="onboarding-continue"
            >
              {t('onboarding.continue')}
            </Button>
          )}
          {!closed && (
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconArrowBackUp size={14} />}
              disabled={detail.busy}
              onClick={() => setRollbackOpen(true)}
              data-testid="onboarding-rollback"
            >
              {detail.status === 'rolling_back' ? t('onboarding.rollbackAgain') : t('onboarding.rollback')}
            </Button>
          )}
        </Group>
      </Group>
      {resume.error && <ErrorAlert error={resume.error} />}
      {nothingToRun && detail.currentStep !== null && (
        <Text size="sm" c="orange" data-testid="onboarding-nothing-to-run">
          {t('onboarding.nothingToRun', {
            n: stepIndex(detail.currentStep) + 1,
            step: t(`onboarding.steps.${detail.currentStep}.label`),
          })}
        </Text>
      )}

      <Stepper
        active={stepIndex(active)}
        onStepClick={(i) => setActive(ONBOARDING_STEPS[i] ?? 'business')}
        size="xs"
        data-testid="onboarding-stepper"
      >
        {detail.steps.map((s) => (
          <Stepper.Step
            key={s.step}
            label={t(`onboarding.steps.${s.step}.label`)}
            description={
              <span data-testid={`onboarding-step-${s.step}-status`}>
                {t(`onboarding.stepStatus.${s.status}`)}
              </span>
            }
            // Mantine marks every step before the open one "completed": the icon and colour say the real status.
            icon={stepIcon(s.status, stepIndex(s.step) + 1)}
            completedIcon={stepIcon(s.status, stepIndex(s.step) + 1)}
            color={STEP_STATUS_COLOR[s.status]}
            loading={s.status === 'running'}
            data-status={s.status}
            data-testid={`onboarding-step-${s.step}`}
          />
        ))}
      </Stepper>

      <Paper withBorder p="md">
        <Stack gap="sm">
          <StepForm detail={detail} step={active} disabled={closed || detail.busy} onSaved={refresh} />
          <StepStatusPanel detail={detail} step={active} onChanged={refresh} />
        </Stack>
      </Paper>

      <ResourcesTable detail={detail} />

      <TypedConfirmModal
        opened={rollbackOpen}
        onClose={() => setRollbackOpen(false)}
        title={t('onboarding.rollbackTitle', { name: detail.businessName })}
        name={detail.businessName}
        confirmLabel={t('onboarding.rollbackConfirm')}
        onConfirm={(typed) => rollback.mutate({ id: detail.id, confirm: typed })}
        pending={rollback.isPending}
        error={rollback.error}
        testId="onboarding-rollback-confirm"
        size="lg"
      >
        <Text size="sm">{t('onboarding.rollbackExplain', { count: left })}</Text>
        {detail.resources.some((r) => r.kind === 'bucket' && r.removedAt === null) &&
          detail.inputs.bucket?.objectLockYears != null && (
            <Text size="sm" c="orange" mt={4}>
              {t('onboarding.rollbackLocked', { years: detail.inputs.bucket.objectLockYears })}
            </Text>
          )}
      </TypedConfirmModal>
    </>
  );
}

function stepIcon(status: StepStatus, n: number) {
  if (status === 'done') return <IconCheck size={16} />;
  if (status === 'failed') return <IconX size={16} />;
  return n;
}

function StepForm({
  detail,
  step,
  disabled,
  onSaved,
}: {
  detail: OnboardingDetail;
  step: OnboardingStep;
  disabled: boolean;
  onSaved(): void;
}) {
  switch (step) {
    case 'business':
      return <BusinessStepForm key={detail.id} detail={detail} disabled={disabled} onSaved={onSaved} />;
    case 'bucket':
      return <BucketStepForm key={detail.id} detail={detail} disabled={disabled} onSaved={onSaved} />;
    case 'repository':
      return <RepositoryStepForm key={detail.id} detail={detail} disabled={disabled} onSaved={onSaved} />;
    case 'hosts':
      return <HostsStepForm key={detail.id} detail={detail} disabled={disabled} onSaved={onSaved} />;
    default:
      return <InfoStep detail={detail} step={step} />;
  }
}

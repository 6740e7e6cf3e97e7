/**
 * The restore wizard: source → selection → target → preview → safety →
 * run → result, one Mantine Stepper. Earlier steps stay clickable until a
 * restore starts; from then on the wizard follows that restore.
 */
import { useMemo } from 'react';
import { Button, Group, Stack, Stepper, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useHosts, useSnapshots } from '../../queries/hooks';
import { ConfirmStep } from './ConfirmStep';
import { useRestoreDraft } from './draftStore';
import { PreviewStep } from './PreviewStep';
import { excludedPaths } from './previewModel';
import { isRestoreActive, useRestoreCapabilities, useRestorePreview, useRestoreRecord } from './queries';
import { buildRequest, localHost } from './requestModel';
import { ResultView } from './ResultView';
import { RunPanel } from './RunPanel';
import { SelectionStep } from './SelectionStep';
import { SourceStep } from './SourceStep';
import { TargetStep } from './TargetStep';

export const STEPS = ['source', 'selection', 'target', 'preview', 'confirm', 'run', 'result'] as const;
const PREVIEW = 3;
const CONFIRM = 4;
const RUN = 5;
const RESULT = 6;

export function Wizard() {
  const { t } = useTranslation();
  const { draft, step, setStep, restoreId, follow, reset } = useRestoreDraft();
  const hosts = useHosts().data ?? [];
  const snapshots = useSnapshots(draft.repoId);
  const snapshot = snapshots.data?.snapshots.find((s) => s.id === draft.snapshotId) ?? null;
  const record = useRestoreRecord(restoreId);

  // The request the preview is computed for: without the unticked items (they stay listed, to tick again).
  const plain = buildRequest(draft, hosts);
  const targetHostId =
    'request' in plain
      ? plain.request.target.kind === 'archive'
        ? (localHost(hosts)?.id ?? null)
        : plain.request.target.hostId
      : null;
  const caps = useRestoreCapabilities(step >= 2 ? targetHostId : null);
  const capsSettled = !caps.isPending || targetHostId === null;
  const built = buildRequest(draft, hosts, [], caps.data);
  const previewRequest =
    'request' in built && (step === PREVIEW || step === CONFIRM) && capsSettled ? built.request : null;
  const preview = useRestorePreview(previewRequest);
  const startRequest = useMemo(() => {
    if (!('request' in built) || !preview.data) return null;
    return { ...built.request, excluded: excludedPaths(preview.data.items, new Set(draft.unticked)) };
  }, [built, preview.data, draft.unticked]);

  // Following a restore: its state decides the step.
  const followed = record.data;
  const active = restoreId !== null ? (followed ? (isRestoreActive(followed) ? RUN : RESULT) : RUN) : step;

  const go = (next: number) => setStep(Math.max(0, Math.min(CONFIRM, next)));
  const archive = draft.target === 'localArchive';

  const body = () => {
    if (restoreId !== null) {
      if (record.isError) return <ErrorAlert error={record.error} onRetry={() => void record.refetch()} />;
      if (!followed) return <TableSkeleton rows={3} label={t('restore.loading')} />;
      return isRestoreActive(followed) ? (
        <RunPanel record={followed} />
      ) : (
        <ResultView record={followed} onUndoStarted={follow} />
      );
    }
    if (step === 0) return <SourceStep onNext={() => go(1)} />;
    if (!snapshot) {
      if (snapshots.isPending) return <TableSkeleton rows={3} label={t('restore.loading')} />;
      return <Text size="sm">{t('restore.wizard.noSnapshot')}</Text>;
    }
    switch (step) {
      case 1:
        return (
          <SelectionStep key={snapshot.id} snapshot={snapshot} onBack={() => go(0)} onNext={() => go(2)} />
        );
      case 2:
        return <TargetStep snapshot={snapshot} onBack={() => go(1)} onNext={() => go(3)} />;
      case PREVIEW:
        return (
          <PreviewStep
            preview={preview}
            caps={caps.data ?? null}
            archive={archive}
            onBack={() => go(2)}
            onNext={() => go(CONFIRM)}
          />
        );
      default:
        if (!startRequest || !preview.data) {
          return preview.isError ? (
            <ErrorAlert error={preview.error} />
          ) : (
            <TableSkeleton rows={3} label={t('restore.loading')} />
          );
        }
        return (
          <ConfirmStep
            request={startRequest}
            preview={preview.data}
            snapshot={snapshot}
            hosts={hosts}
            onBack={() => go(PREVIEW)}
            onStarted={follow}
          />
        );
    }
  };

  return (
    <Stack gap="sm" data-testid="restore-wizard" data-step={STEPS[active]}>
      <Stepper
        active={active}
        onStepClick={restoreId === null ? (i) => i < step && go(i) : undefined}
        allowNextStepsSelect={false}
        size="xs"
        iconSize={24}
      >
        {STEPS.map((s) => (
          <Stepper.Step
            key={s}
            label={t(`restore.steps.${s}.label`)}
            description={t(`restore.steps.${s}.description`)}
            data-testid={`restore-stepper-${s}`}
          />
        ))}
      </Stepper>
      {body()}
      {restoreId !== null && followed && !isRestoreActive(followed) && (
        <Group>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPlus size={14} />}
            onClick={() => reset(true)}
            data-testid="restore-new"
          >
            {t('restore.wizard.another')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * Step 5: what is about to happen, in one paragraph, then Start. An
 * in-place restore says that a safety snapshot of the target paths is
 * taken first (and the restore does not start if it fails), and needs the
 * host name typed.
 */
import { useState } from 'react';
import { Alert, Button, Code, List, Paper, Stack, Text } from '@mantine/core';
import { IconPlayerPlay, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  formatBytes,
  formatCount,
  type HostDetail,
  type RestorePreview,
  type RestoreRequest,
  type Snapshot,
} from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { useRestoreDraft } from './draftStore';
import { StepNav, targetWords } from './parts';
import { effectiveTotals } from './previewModel';
import { restoreKeys } from './queries';

export function ConfirmStep({
  request,
  preview,
  snapshot,
  hosts,
  onBack,
  onStarted,
}: {
  request: RestoreRequest;
  preview: RestorePreview;
  snapshot: Snapshot;
  hosts: readonly HostDetail[];
  onBack(): void;
  onStarted(restoreId: string): void;
}) {
  const { t } = useTranslation();
  const { draft } = useRestoreDraft();
  const [confirming, setConfirming] = useState(false);
  const start = useCallMutation('restore.start', {
    invalidate: [restoreKeys.lists()],
    onSuccess: (value) => {
      setConfirming(false);
      onStarted(value.restoreId);
    },
  });
  const totals = effectiveTotals(preview, new Set(draft.unticked));
  const safety = preview.safety.required;
  const confirmName = preview.safety.confirmName ?? preview.targetHost;
  const where = targetWords(request.target, hosts, t, preview.targetHost);
  const what =
    request.paths.length === 0
      ? t('restore.confirm.wholeSnapshot')
      : t('restore.confirm.entries', { count: request.paths.length });

  return (
    <Stack gap="sm" data-testid="restore-step-confirm" data-safety={safety ? 'required' : 'none'}>
      <Paper withBorder p="sm">
        <Text size="sm" data-testid="restore-confirm-summary">
          {t('restore.confirm.summary', {
            what,
            id: snapshot.shortId,
            host: displaySafe(snapshot.hostname),
            where,
          })}
        </Text>
        <List size="sm" mt={6} spacing={2}>
          <List.Item>
            {t('restore.confirm.create', {
              n: formatCount(totals.create.files),
              bytes: formatBytes(totals.create.bytes),
            })}
          </List.Item>
          <List.Item c={totals.overwrite.files > 0 ? 'orange' : undefined}>
            {t('restore.confirm.overwrite', {
              n: formatCount(totals.overwrite.files),
              bytes: formatBytes(totals.overwrite.bytes),
              policy: t(`restore.options.policy.${request.options.overwrite}`),
            })}
          </List.Item>
          {totals.unchanged.files > 0 && (
            <List.Item c="dimmed">
              {t('restore.confirm.unchanged', { n: formatCount(totals.unchanged.files) })}
            </List.Item>
          )}
          {request.options.delete && (
            <List.Item c="red">
              {t('restore.confirm.delete', { n: formatCount(totals.delete.files) })}
            </List.Item>
          )}
          {request.excluded.length > 0 && (
            <List.Item>{t('restore.confirm.excluded', { count: request.excluded.length })}</List.Item>
          )}
          {request.options.verify && <List.Item>{t('restore.confirm.verify')}</List.Item>}
          {request.options.limitDownloadKiB && (
            <List.Item>{t('restore.confirm.limit', { n: request.options.limitDownloadKiB })}</List.Item>
          )}
        </List>
      </Paper>
      {safety ? (
        <Alert
          color="orange"
          variant="light"
          icon={<IconShieldCheck size={18} />}
          title={t('restore.confirm.safetyTitle')}
          data-testid="restore-safety"
        >
          <Text size="sm">{t('restore.confirm.safetyText')}</Text>
          <Stack gap={2} mt={6}>
            {preview.safety.paths.map((p) => (
              <Code key={p}>{displaySafe(p)}</Code>
            ))}
          </Stack>
          <Text size="sm" mt={6}>
            {t('restore.confirm.safetyUndo')}
          </Text>
        </Alert>
      ) : (
        <Text size="xs" c="dimmed">
          {t('restore.confirm.noSafety')}
        </Text>
      )}
      {start.isError && !confirming && <ErrorAlert error={start.error} />}
      <StepNav
        onBack={onBack}
        blocked={null}
        extra={
          <Button
            size="xs"
            color={safety ? 'orange' : undefined}
            leftSection={<IconPlayerPlay size={14} />}
            loading={start.isPending && !confirming}
            onClick={() => (safety ? setConfirming(true) : start.mutate(request))}
            data-testid="restore-start"
            data-autofocus
          >
            {safety ? t('restore.confirm.startInPlace') : t('restore.confirm.start')}
          </Button>
        }
      />
      <TypedConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('restore.confirm.modalTitle', { host: confirmName })}
        name={confirmName}
        prompt={t('restore.confirm.typeHost')}
        confirmLabel={t('restore.confirm.startInPlace')}
        color="orange"
        pending={start.isPending}
        error={start.isError ? start.error : undefined}
        onConfirm={(typed) => start.mutate({ ...request, confirm: typed })}
        testId="restore-confirm"
        size="lg"
      >
        <Text size="sm">{t('restore.confirm.modalText', { where })}</Text>
      </TypedConfirmModal>
    </Stack>
  );
}

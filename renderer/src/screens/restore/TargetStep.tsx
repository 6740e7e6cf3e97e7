/**
 * Step 3: where the files go — back in place on the host that made the
 * snapshot, another folder there, another host, or this machine (a
 * folder, or a tar/zip archive made with restic dump).
 */
import { useEffect } from 'react';
import { Alert, Group, Paper, Radio, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, type HostDetail, type Snapshot } from '../../../../shared';
import { describeError } from '../../components/describeError';
import { useHosts } from '../../queries/hooks';
import { useRestoreDraft, type TargetChoice } from './draftStore';
import { StepNav } from './parts';
import { useRestoreCapabilities } from './queries';
import { buildTarget, localHost } from './requestModel';
import { matchInventoryHost } from './sourceModel';

const CHOICES: TargetChoice[] = ['original', 'sameHostPath', 'otherHost', 'localFolder', 'localArchive'];

export function TargetStep({
  snapshot,
  onBack,
  onNext,
}: {
  snapshot: Snapshot;
  onBack(): void;
  onNext(): void;
}) {
  const { t } = useTranslation();
  const { draft, patch } = useRestoreDraft();
  const hosts = useHosts().data ?? [];
  const matched = matchInventoryHost(hosts, snapshot.hostname);
  const local = localHost(hosts);

  useEffect(() => {
    if (matched && draft.originalHostId === null) patch({ originalHostId: matched.id });
  }, [matched, draft.originalHostId, patch]);

  const built = buildTarget(draft, hosts);
  const targetHostId =
    'target' in built ? (built.target.kind === 'archive' ? (local?.id ?? null) : built.target.hostId) : null;
  const caps = useRestoreCapabilities(targetHostId);
  const blocked = 'missing' in built ? t(`restore.target.missing.${built.missing}`) : null;
  const needsOriginal = draft.target === 'original' || draft.target === 'sameHostPath';
  const hostOptions = (list: readonly HostDetail[]) =>
    list.map((h) => ({
      value: h.id,
      // "this machine" says it already; a renamed local host gets the reminder.
      label:
        h.kind === 'local' && h.name !== t('restore.target.local')
          ? `${h.name} (${t('restore.target.local')})`
          : h.name,
    }));

  return (
    <Stack gap="sm" data-testid="restore-step-target">
      <Radio.Group value={draft.target ?? ''} onChange={(v) => patch({ target: v as TargetChoice })}>
        <Stack gap={6}>
          {CHOICES.map((choice) => (
            <Paper
              key={choice}
              withBorder
              p="xs"
              style={{
                borderColor: draft.target === choice ? 'var(--mantine-primary-color-filled)' : undefined,
              }}
            >
              <Radio
                value={choice}
                label={
                  <Text size="sm" fw={600}>
                    {t(`restore.target.choice.${choice}`)}
                  </Text>
                }
                description={t(`restore.target.explain.${choice}`, {
                  host: displaySafe(snapshot.hostname),
                  paths: snapshot.paths.map(displaySafe).join(', '),
                })}
                data-testid={`restore-target-${choice}`}
              />
              {draft.target === choice && (
                <Stack gap={6} mt={8} ml={28}>
                  {needsOriginal && (
                    <Group gap="xs" align="flex-end">
                      <Select
                        size="xs"
                        w={280}
                        label={t('restore.target.originalHost', { host: displaySafe(snapshot.hostname) })}
                        data={hostOptions(hosts)}
                        value={draft.originalHostId}
                        onChange={(v) => patch({ originalHostId: v })}
                        data-testid="restore-original-host"
                      />
                      {matched ? (
                        <Text size="xs" c="dimmed">
                          {t('restore.target.matched', {
                            host: displaySafe(snapshot.hostname),
                            name: matched.name,
                          })}
                        </Text>
                      ) : (
                        <Text size="xs" c="orange">
                          {t('restore.target.unmatched', { host: displaySafe(snapshot.hostname) })}
                        </Text>
                      )}
                    </Group>
                  )}
                  {choice === 'otherHost' && (
                    <Select
                      size="xs"
                      w={280}
                      label={t('restore.target.otherHost')}
                      data={hostOptions(hosts)}
                      value={draft.otherHostId}
                      onChange={(v) => patch({ otherHostId: v })}
                      searchable
                      data-testid="restore-other-host"
                    />
                  )}
                  {(choice === 'sameHostPath' || choice === 'otherHost' || choice === 'localFolder') && (
                    <TextInput
                      size="xs"
                      w={420}
                      label={t('restore.target.path')}
                      description={t('restore.target.pathHelp')}
                      value={draft.path}
                      onChange={(e) => patch({ path: e.currentTarget.value })}
                      placeholder="/srv/restore"
                      spellCheck={false}
                      data-testid="restore-target-path"
                    />
                  )}
                  {choice === 'localArchive' && (
                    <Group gap="xs" align="flex-end">
                      <SegmentedControl
                        size="xs"
                        value={draft.archiveFormat}
                        onChange={(v) => patch({ archiveFormat: v as 'tar' | 'zip' })}
                        data={[
                          { value: 'tar', label: 'tar' },
                          { value: 'zip', label: 'zip' },
                        ]}
                        data-testid="restore-archive-format"
                      />
                      <TextInput
                        size="xs"
                        w={380}
                        label={t('restore.target.archiveDirectory')}
                        value={draft.archiveDirectory}
                        onChange={(e) => patch({ archiveDirectory: e.currentTarget.value })}
                        placeholder="/home/ops/restores"
                        spellCheck={false}
                        data-testid="restore-archive-directory"
                      />
                    </Group>
                  )}
                  {choice === 'original' && (
                    <Alert color="orange" variant="light" py={6} icon={<IconAlertTriangle size={16} />}>
                      {t('restore.target.originalWarning')}
                    </Alert>
                  )}
                </Stack>
              )}
            </Paper>
          ))}
        </Stack>
      </Radio.Group>
      {targetHostId !== null && (
        <Text size="xs" c="dimmed" data-testid="restore-target-caps">
          {caps.isPending
            ? t('restore.target.capsLoading')
            : caps.isError
              ? t('restore.target.capsFailed', { reason: describeError(caps.error, t).line })
              : t('restore.target.caps', { version: caps.data.resticVersion })}
        </Text>
      )}
      <StepNav onBack={onBack} onNext={onNext} blocked={blocked} />
    </Stack>
  );
}

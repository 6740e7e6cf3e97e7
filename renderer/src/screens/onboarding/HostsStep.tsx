/**
 * Step 5: the hosts to back up and, per host, what (paths, excludes, tags),
 * the hooks around the backup, and when (cron, with the runner's preview in
 * words and the next five runs).
 */
import { useState } from 'react';
import {
  Button,
  Group,
  MultiSelect,
  Paper,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { HostPlanInput, OnboardingDetail } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { useHosts } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { useDebounced, useSchedulePreview } from './queries';

interface HostValues {
  hostId: string;
  paths: string;
  excludes: string;
  tags: string[];
  preHook: string;
  postHook: string;
  schedule: string;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

export function CronPreview({ cron }: { cron: string }) {
  const { t, i18n } = useTranslation();
  const settled = useDebounced(cron.trim());
  const preview = useSchedulePreview(settled, i18n.language === 'zh-CN' ? 'zh-CN' : 'en');
  if (settled === '') return null;
  if (preview.error) return <ErrorAlert error={preview.error} title={t('onboarding.hosts.cronInvalid')} />;
  if (!preview.data)
    return (
      <Text size="xs" c="dimmed">
        {t('onboarding.hosts.cronChecking')}
      </Text>
    );
  return (
    <Stack gap={2} data-testid="onboarding-cron-preview">
      <Text size="sm" fw={600} data-testid="onboarding-cron-words">
        {preview.data.description}
      </Text>
      <Text size="xs" c="dimmed">
        {t('onboarding.hosts.nextRuns')}
      </Text>
      <Group gap="xs">
        {preview.data.next.map((iso) => (
          <Paper key={iso} withBorder px={6} py={1} data-testid="onboarding-cron-next">
            <LocalTime iso={iso} size="xs" />
          </Paper>
        ))}
      </Group>
    </Stack>
  );
}

export function HostsStepForm({
  detail,
  disabled,
  onSaved,
}: {
  detail: OnboardingDetail;
  disabled: boolean;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const hosts = useHosts();
  const saved = detail.inputs.hosts?.hosts ?? [];
  const [failure, setFailure] = useState<unknown>(null);
  const blank = (hostId: string): HostValues => ({
    hostId,
    paths: '',
    excludes: '',
    tags: [],
    preHook: '',
    postHook: '',
    schedule: '30 2 * * *',
  });
  const form = useForm<{ hosts: HostValues[] }>({
    mode: 'controlled',
    initialValues: {
      hosts: saved.map((h) => ({
        hostId: h.hostId,
        paths: h.paths.join('\n'),
        excludes: h.excludes.join('\n'),
        tags: h.tags,
        preHook: h.preHook,
        postHook: h.postHook,
        schedule: h.schedule,
      })),
    },
    validate: {
      hosts: {
        paths: (v) =>
          lines(v).length === 0
            ? t('onboarding.hosts.pathsRequired')
            : lines(v).some((p) => !p.startsWith('/'))
              ? t('onboarding.hosts.pathsAbsolute')
              : null,
        schedule: (v) => (/^(\S+\s+){4}\S+$/.test(v.trim()) ? null : t('onboarding.hosts.cronFields')),
        preHook: (v) => (/[\r\n]/.test(v) ? t('onboarding.hosts.oneLine') : null),
        postHook: (v) => (/[\r\n]/.test(v) ? t('onboarding.hosts.oneLine') : null),
      },
    },
  });
  const sshHosts = (hosts.data ?? []).filter((h) => h.kind === 'ssh');
  const nameOf = (id: string) => hosts.data?.find((h) => h.id === id)?.name ?? id;
  const picked = form.values.hosts.map((h) => h.hostId);
  const pick = (ids: string[]) => {
    form.setFieldValue(
      'hosts',
      ids.map((id) => form.values.hosts.find((h) => h.hostId === id) ?? blank(id)),
    );
  };
  const save = useCallMutation('onboarding.saveStep', { onSuccess: onSaved });
  const submit = form.onSubmit((v) => {
    setFailure(null);
    const input: HostPlanInput[] = v.hosts.map((h) => ({
      hostId: h.hostId,
      paths: lines(h.paths),
      excludes: lines(h.excludes),
      tags: h.tags,
      preHook: h.preHook.trim(),
      postHook: h.postHook.trim(),
      schedule: h.schedule.trim(),
    }));
    save.mutate({ id: detail.id, data: { step: 'hosts', input: { hosts: input } } }, { onError: setFailure });
  });

  return (
    <form onSubmit={submit} noValidate data-testid="onboarding-hosts-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('onboarding.steps.hosts.explain')}
        </Text>
        <MultiSelect
          label={t('onboarding.hosts.pick')}
          data={sshHosts.map((h) => ({ value: h.id, label: `${h.name} (${h.user}@${h.address})` }))}
          value={picked}
          onChange={pick}
          searchable
          disabled={disabled}
          w={520}
          data-testid="onboarding-hosts-pick"
        />
        {sshHosts.length === 0 && hosts.data && (
          <Text size="xs" c="orange">
            {t('onboarding.hosts.noHosts')}
          </Text>
        )}
        {form.values.hosts.map((h, i) => (
          <Paper
            key={h.hostId}
            withBorder
            p="sm"
            data-testid="onboarding-host-plan"
            data-host={nameOf(h.hostId)}
          >
            <Stack gap="xs">
              <Text fw={600} size="sm">
                {nameOf(h.hostId)}
              </Text>
              <Group align="flex-start" gap="sm" grow>
                <Textarea
                  label={t('onboarding.hosts.paths')}
                  description={t('onboarding.hosts.perLine')}
                  autosize
                  minRows={2}
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.paths`)}
                  data-testid="onboarding-host-paths"
                />
                <Textarea
                  label={t('onboarding.hosts.excludes')}
                  description={t('onboarding.hosts.perLine')}
                  autosize
                  minRows={2}
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.excludes`)}
                  data-testid="onboarding-host-excludes"
                />
                <TagsInput
                  label={t('onboarding.hosts.tags')}
                  description={t('onboarding.hosts.tagsHint')}
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.tags`)}
                  data-testid="onboarding-host-tags"
                />
              </Group>
              <Group align="flex-start" gap="sm" grow>
                <TextInput
                  label={t('onboarding.hosts.preHook')}
                  description={t('onboarding.hosts.preHookHint')}
                  placeholder="psql -c '\\copy orders TO /srv/dump/orders.csv CSV'"
                  className="rfc-mono"
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.preHook`)}
                  data-testid="onboarding-host-prehook"
                />
                <TextInput
                  label={t('onboarding.hosts.postHook')}
                  description={t('onboarding.hosts.postHookHint')}
                  className="rfc-mono"
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.postHook`)}
                  data-testid="onboarding-host-posthook"
                />
              </Group>
              <Group align="flex-start" gap="md">
                <TextInput
                  label={t('onboarding.hosts.schedule')}
                  description={t('onboarding.hosts.scheduleHint')}
                  className="rfc-mono"
                  w={220}
                  disabled={disabled}
                  {...form.getInputProps(`hosts.${i}.schedule`)}
                  data-testid="onboarding-host-schedule"
                />
                <CronPreview cron={h.schedule} />
              </Group>
            </Stack>
          </Paper>
        ))}
        {failure !== null && <ErrorAlert error={failure} />}
        <Group justify="flex-end">
          <Button
            type="submit"
            size="xs"
            loading={save.isPending}
            disabled={disabled || picked.length === 0}
            data-testid="onboarding-save"
          >
            {t('onboarding.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

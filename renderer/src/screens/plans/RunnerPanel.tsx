/**
 * The selected plan's host-side runner: how it is doing (from the host's
 * status files, reason in words), install / re-install / uninstall, run
 * now and offsite copy now (jobs followed live), and its settings: the
 * cron schedule with a live preview (in words, next five runs), hooks,
 * offsite repository and alert channel (the URL is write-only).
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { TERMINAL_STATUSES, type Plan, type RunnerConfig, type RunnerStatus } from '../../../../shared';
import { useClient } from '../../client/ClientContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { JobStatusBadge } from '../../components/StatusBadge';
import { useJob, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';

/** Under `plans`, so the core's invalidate events for plans refresh them too. */
export const runnerKeys = {
  all: ['plans', 'runner'] as const,
  status: (planId: string) => ['plans', 'runner', 'status', planId] as const,
  config: (planId: string) => ['plans', 'runner', 'config', planId] as const,
  preview: (cron: string, locale: string) => ['plans', 'runner', 'preview', cron, locale] as const,
};

const HEALTH_COLOR: Record<RunnerStatus['health'], string> = {
  ok: 'teal',
  warning: 'yellow',
  failing: 'red',
  unknown: 'gray',
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function SchedulePreview({ cron }: { cron: string }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const debounced = useDebounced(cron.trim(), 250);
  const locale = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const preview = useQuery({
    queryKey: runnerKeys.preview(debounced, locale),
    queryFn: ({ signal }) => client.call('schedule.preview', { cron: debounced, locale }, { signal }),
    enabled: debounced.length > 0,
    retry: false,
    staleTime: 60_000,
  });
  if (!debounced) return null;
  if (preview.isError)
    return (
      <Text size="xs" c="red" data-testid="runner-schedule-error">
        {preview.error.message}
      </Text>
    );
  if (!preview.data) return <Loader size="xs" />;
  return (
    <Stack gap={2} data-testid="runner-schedule-preview">
      <Text size="xs" fw={500}>
        {preview.data.description}
      </Text>
      <Text size="xs" c="dimmed">
        {t('runner.nextRuns')}
      </Text>
      <Group gap="xs">
        {preview.data.next.map((n) => (
          <LocalTime key={n} iso={n} size="xs" />
        ))}
      </Group>
      <Text size="xs" c="dimmed" className="rfc-mono" title={t('runner.onCalendarHint')}>
        OnCalendar={preview.data.onCalendar.join(' | ')}
      </Text>
    </Stack>
  );
}

function JobLine({ jobId, onDone }: { jobId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const job = useJob(jobId);
  const status = job.data?.job.status;
  const terminal = status !== undefined && TERMINAL_STATUSES.has(status);
  useEffect(() => {
    if (terminal) onDone();
  }, [terminal, onDone]);
  if (!job.data) return <Loader size="xs" />;
  const j = job.data.job;
  return (
    <Group gap="xs" data-testid="runner-job">
      <JobStatusBadge status={j.status} />
      <Text size="xs">{j.title}</Text>
      {j.error && (
        <Text size="xs" c="red">
          {t('runner.jobFailed', { message: j.error.message })}
        </Text>
      )}
    </Group>
  );
}

function StatusView({ status }: { status: RunnerStatus }) {
  const { t } = useTranslation();
  const last = status.last;
  const sid = last?.summary?.snapshot_id;
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        <Badge color={HEALTH_COLOR[status.health]} variant="light" data-testid="runner-health">
          {t(`runner.health.${status.health}`)}
        </Badge>
        <Text size="sm" data-testid="runner-words">
          {status.words}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="xs" verticalSpacing={2}>
        <Fact label={t('runner.scheduledBy')}>
          {status.onHost.scheduled === 'none'
            ? t('runner.notScheduled')
            : t(`runner.scheduler.${status.onHost.scheduled}`)}
        </Fact>
        <Fact label={t('runner.lastRun')}>
          {last ? (
            <Group gap={4}>
              <LocalTime iso={last.end} size="xs" />
              <Text size="xs">· {t(`runner.state.${last.state}`)}</Text>
            </Group>
          ) : (
            t('runner.never')
          )}
        </Fact>
        <Fact label={t('runner.exit')}>
          {last ? t('runner.exitWords', { code: last.exitCode, errors: last.errorCount }) : '—'}
        </Fact>
        <Fact label={t('runner.snapshot')}>
          <span className="rfc-mono">{sid ? sid.slice(0, 8) : '—'}</span>
          {last?.resticVersion ? ` · restic ${last.resticVersion}` : ''}
        </Fact>
        {status.copy && (
          <Fact label={t('runner.offsiteCopy')}>
            <Group gap={4}>
              <LocalTime iso={status.copy.end} size="xs" />
              <Text size="xs" c={status.copy.state === 'failed' ? 'red' : undefined}>
                · {t(`runner.state.${status.copy.state}`)}
                {status.copy.reason ? `: ${status.copy.reason}` : ''}
              </Text>
            </Group>
          </Fact>
        )}
      </SimpleGrid>
      {last?.hookFailures.map((h) => (
        <Text key={`${h.phase}${h.index}`} size="xs" c="red" data-testid="runner-hook-failure">
          {t('runner.hookFailed', { phase: t(`runner.phase.${h.phase}`), index: h.index, code: h.exitCode })}{' '}
          <span className="rfc-mono">{h.output}</span>
        </Text>
      ))}
      {status.install?.alert && (
        <Text
          size="xs"
          c={status.install.alert.note ? 'yellow.8' : 'dimmed'}
          data-testid="runner-alert-target"
        >
          {t(`runner.alertTo.${status.install.alert.source}`, {
            kind: t(`runner.alert.${status.install.alert.kind}`),
          })}
          {status.install.alert.note ? ` — ${status.install.alert.note}` : ''}
        </Text>
      )}
      {status.install && (
        <Text
          size="xs"
          c="dimmed"
          className="rfc-mono"
          truncate="end"
          title={status.install.scheduledAs}
          data-testid="runner-scheduled-as"
        >
          {status.install.scheduler === 'cron' ? 'crontab: ' : 'systemd: '}
          {status.install.scheduledAs}
        </Text>
      )}
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xs" component="div">
        {children}
      </Text>
    </Stack>
  );
}

export function RunnerPanel({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: runnerKeys.status(plan.id),
    queryFn: ({ signal }) => client.call('runner.status', { planId: plan.id }, { signal }),
    retry: false,
  });
  const config = useQuery({
    queryKey: runnerKeys.config(plan.id),
    queryFn: ({ signal }) => client.call('runner.config', { planId: plan.id }, { signal }),
  });
  const [jobId, setJobId] = useState<string | null>(null);
  const [confirmUninstall, setConfirmUninstall] = useState(false);

  const invalidate = [runnerKeys.all];
  const install = useCallMutation('runner.install', { invalidate });
  const uninstall = useCallMutation('runner.uninstall', {
    invalidate,
    onSuccess: () => setConfirmUninstall(false),
  });
  const runNow = useCallMutation('runner.runNow', { onSuccess: (v) => setJobId(v.jobId) });
  const copyNow = useCallMutation('copy.run', { onSuccess: (v) => setJobId(v.jobId) });

  const installed = status.data?.install != null;
  const busy = install.isPending || uninstall.isPending;
  const error = install.error ?? uninstall.error ?? runNow.error ?? copyNow.error;

  return (
    <Paper withBorder p="xs" data-testid="runner-panel" style={{ flexShrink: 0 }}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={600}>
            {t('runner.title', { name: plan.name })}
          </Text>
          <Group gap="xs">
            <Button
              size="xs"
              onClick={() => install.mutate({ planId: plan.id })}
              loading={install.isPending}
              disabled={busy}
              data-testid="runner-install"
            >
              {installed ? t('runner.reinstall') : t('runner.install')}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => runNow.mutate({ planId: plan.id })}
              disabled={!installed || busy || runNow.isPending}
              data-testid="runner-run-now"
            >
              {t('runner.runNow')}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => copyNow.mutate({ planId: plan.id })}
              disabled={!installed || !config.data?.offsiteRepositoryId || busy || copyNow.isPending}
              data-testid="runner-copy-now"
            >
              {t('runner.copyNow')}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() => setConfirmUninstall(true)}
              disabled={!installed || busy}
              data-testid="runner-uninstall"
            >
              {t('runner.uninstall')}
            </Button>
          </Group>
        </Group>
        {error && <ErrorAlert error={error} title={t('runner.actionFailed')} />}
        {jobId && (
          <JobLine
            jobId={jobId}
            onDone={() => void queryClient.invalidateQueries({ queryKey: runnerKeys.status(plan.id) })}
          />
        )}
        {status.isPending ? (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="xs" c="dimmed">
              {t('runner.reading')}
            </Text>
          </Group>
        ) : status.isError ? (
          <ErrorAlert
            error={status.error}
            title={t('runner.statusFailed')}
            onRetry={() => void status.refetch()}
          />
        ) : (
          <StatusView status={status.data} />
        )}
        {config.data && <RunnerSettings key={JSON.stringify(config.data)} plan={plan} config={config.data} />}
      </Stack>
      <Modal
        opened={confirmUninstall}
        onClose={() => setConfirmUninstall(false)}
        title={t('runner.uninstallTitle')}
        size="sm"
      >
        <Stack gap="sm">
          <Text size="sm">{t('runner.uninstallBody', { name: plan.name })}</Text>
          <Group justify="flex-end">
            <Button size="xs" variant="default" onClick={() => setConfirmUninstall(false)}>
              {t('runner.cancel')}
            </Button>
            <Button
              size="xs"
              color="red"
              loading={uninstall.isPending}
              onClick={() => uninstall.mutate({ planId: plan.id })}
              data-testid="runner-uninstall-confirm"
            >
              {t('runner.uninstall')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function RunnerSettings({ plan, config }: { plan: Plan; config: RunnerConfig }) {
  const { t } = useTranslation();
  const repos = useRepos();
  const [cron, setCron] = useState(config.cron);
  const [pre, setPre] = useState(config.preHooks.join('\n'));
  const [post, setPost] = useState(config.postHooks.join('\n'));
  const [offsite, setOffsite] = useState<string | null>(config.offsiteRepositoryId);
  const [alertKind, setAlertKind] = useState<string | null>(config.alertKind);
  const [alertUrl, setAlertUrl] = useState('');
  const save = useCallMutation('runner.configure', { invalidate: [runnerKeys.all] });
  const offsiteOptions = useMemo(
    () =>
      (repos.data ?? [])
        .filter((r) => r.id !== plan.repositoryId && r.businessId === plan.businessId)
        .map((r) => ({ value: r.id, label: r.name })),
    [repos.data, plan.repositoryId, plan.businessId],
  );
  const onSave = () =>
    save.mutate({
      planId: plan.id,
      cron,
      preHooks: lines(pre),
      postHooks: lines(post),
      offsiteRepositoryId: offsite,
      alertKind: (alertKind as 'webhook' | 'dingtalk' | 'slack' | null) ?? null,
      ...(alertUrl ? { alertUrl } : {}),
    });
  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        <Stack gap={4}>
          <TextInput
            size="xs"
            label={t('runner.schedule')}
            description={t('runner.scheduleHint')}
            value={cron}
            onChange={(e) => setCron(e.currentTarget.value)}
            classNames={{ input: 'rfc-mono' }}
            data-testid="runner-cron"
          />
          <SchedulePreview cron={cron} />
        </Stack>
        <Stack gap={4}>
          <Textarea
            size="xs"
            label={t('runner.preHooks')}
            description={t('runner.hooksHint')}
            autosize
            minRows={1}
            maxRows={4}
            value={pre}
            onChange={(e) => setPre(e.currentTarget.value)}
            data-testid="runner-pre-hooks"
          />
          <Textarea
            size="xs"
            label={t('runner.postHooks')}
            autosize
            minRows={1}
            maxRows={4}
            value={post}
            onChange={(e) => setPost(e.currentTarget.value)}
            data-testid="runner-post-hooks"
          />
        </Stack>
        <Select
          size="xs"
          label={t('runner.offsite')}
          placeholder={t('runner.noOffsite')}
          data={offsiteOptions}
          value={offsite}
          onChange={setOffsite}
          clearable
          comboboxProps={{ withinPortal: true }}
          data-testid="runner-offsite"
        />
        <Group gap="xs" grow align="flex-end">
          <Select
            size="xs"
            label={t('runner.alertKind')}
            placeholder={t('runner.noAlert')}
            data={[
              { value: 'webhook', label: t('runner.alert.webhook') },
              { value: 'dingtalk', label: t('runner.alert.dingtalk') },
              { value: 'slack', label: t('runner.alert.slack') },
            ]}
            value={alertKind}
            onChange={setAlertKind}
            clearable
            comboboxProps={{ withinPortal: true }}
            data-testid="runner-alert-kind"
          />
          <PasswordInput
            size="xs"
            label={t('runner.alertUrl')}
            placeholder={config.alertUrlSet ? t('runner.alertUrlSet') : 'https://…'}
            value={alertUrl}
            onChange={(e) => setAlertUrl(e.currentTarget.value)}
            data-testid="runner-alert-url"
          />
        </Group>
      </SimpleGrid>
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('runner.applyHint')}
        </Text>
        <Button size="xs" variant="light" onClick={onSave} loading={save.isPending} data-testid="runner-save">
          {t('runner.save')}
        </Button>
      </Group>
      {save.isError && <ErrorAlert error={save.error} title={t('runner.actionFailed')} />}
    </Stack>
  );
}

/**
 * Restore drills: run one now (a sample of the latest snapshot restored
 * into a scratch folder on a host, compared by content hash with the
 * snapshot, then removed), the per-business schedules the console keeps,
 * and the history with each drill's outcome, reason and mismatches.
 */
import { Fragment, useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Paper,
  Progress,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconChevronDown,
  IconChevronRight,
  IconCircleCheck,
  IconCircleX,
  IconLoader2,
  IconPencil,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatBytes, type DrillResult, type DrillSchedule } from '../../../../shared';
import { useClient } from '../../client/ClientContext';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { JobStatusBadge } from '../../components/StatusBadge';
import { useNow } from '../../components/useNow';
import { useBusinesses, useHosts, useJob, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';

const DRILLS_KEY = ['drills'] as const;
const listKey = ['drills', 'list'] as const;
const schedulesKey = ['drills', 'schedules'] as const;
const DEFAULT_SCRATCH = '/var/tmp/rfc-drills';

function useDrills() {
  const client = useClient();
  return useQuery({
    queryKey: listKey,
    queryFn: () => client.call('drills.list', { limit: 100 }),
    // While a drill runs its row changes; otherwise a slow refresh picks up scheduled ones.
    refetchInterval: (q) => (q.state.data?.some((d) => d.status === 'running') ? 1500 : 30_000),
  });
}

function useSchedules() {
  const client = useClient();
  return useQuery({ queryKey: schedulesKey, queryFn: () => client.call('drills.schedules', {}) });
}

const STATUS = {
  passed: { color: 'teal', Icon: IconCircleCheck },
  failed: { color: 'red', Icon: IconCircleX },
  running: { color: 'blue', Icon: IconLoader2 },
} as const;

function DrillStatusBadge({ status }: { status: DrillResult['status'] }) {
  const { t } = useTranslation();
  const { color, Icon } = STATUS[status];
  return (
    <Badge
      color={color}
      tt="none"
      leftSection={<Icon size={11} aria-hidden className={status === 'running' ? 'rfc-spin' : undefined} />}
      data-testid="drill-status"
      data-status={status}
      style={{ flexShrink: 0 }}
    >
      {t(`restore.drills.status.${status}`)}
    </Badge>
  );
}

export function DrillsPanel() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" data-testid="drills-panel">
      <Text size="sm" c="dimmed" maw={900}>
        {t('restore.drills.intro')}
      </Text>
      <RunDrillForm />
      <SchedulesTable />
      <HistoryTable />
    </Stack>
  );
}

// ------------------------------------------------------------------ run now

function RunDrillForm() {
  const { t } = useTranslation();
  const repos = useRepos();
  const hosts = useHosts();
  const [chosenRepo, setRepoId] = useState<string | null>(null);
  const [chosenHost, setHostId] = useState<string | null>(null);
  // Until the user picks: the first repository, run on its own host (where its restic already works).
  const repoId = chosenRepo ?? repos.data?.[0]?.id ?? null;
  const hostId = chosenHost ?? repos.data?.find((r) => r.id === repoId)?.hostId ?? null;
  const [scratchPath, setScratchPath] = useState(DEFAULT_SCRATCH);
  const [sampleFiles, setSampleFiles] = useState<number>(20);
  const [snapshotHost, setSnapshotHost] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const run = useCallMutation('drills.run', {
    invalidate: [DRILLS_KEY],
    onSuccess: (v) => setJobId(v.jobId),
  });

  const scratchError = !scratchPath.startsWith('/')
    ? t('restore.drills.form.scratchAbsolute')
    : scratchPath.replace(/\/+/g, '/') === '/'
      ? t('restore.drills.form.scratchRoot')
      : null;
  const ready = repoId !== null && hostId !== null && scratchError === null && sampleFiles >= 1;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="drill-run-title">
      <Title order={5} id="drill-run-title" mb="xs">
        {t('restore.drills.form.title')}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          run.mutate({
            repoId,
            hostId,
            scratchPath,
            sampleFiles,
            ...(snapshotHost.trim() ? { snapshotHost: snapshotHost.trim() } : {}),
          });
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label={t('restore.drills.form.repository')}
            data={(repos.data ?? []).map((r) => ({
              value: r.id,
              label: r.business ? `${r.name} · ${r.business}` : r.name,
            }))}
            value={repoId}
            onChange={(v) => {
              setRepoId(v);
              const repo = repos.data?.find((r) => r.id === v);
              if (repo) setHostId(repo.hostId);
            }}
            searchable
            w={240}
            data-testid="drill-repo"
          />
          <Select
            label={t('restore.drills.form.host')}
            description={t('restore.drills.form.hostHint')}
            data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
            value={hostId}
            onChange={setHostId}
            searchable
            w={170}
            data-testid="drill-host"
          />
          <TextInput
            label={t('restore.drills.form.scratch')}
            description={t('restore.drills.form.scratchHint')}
            value={scratchPath}
            onChange={(e) => setScratchPath(e.currentTarget.value)}
            error={scratchError}
            w={230}
            spellCheck={false}
            data-testid="drill-scratch"
          />
          <NumberInput
            label={t('restore.drills.form.sample')}
            description={t('restore.drills.form.sampleHint')}
            value={sampleFiles}
            onChange={(v) => setSampleFiles(typeof v === 'number' ? v : Number(v) || 0)}
            min={1}
            max={10_000}
            w={120}
            data-testid="drill-sample"
          />
          <TextInput
            label={t('restore.drills.form.snapshotHost')}
            description={t('restore.drills.form.snapshotHostHint')}
            placeholder={t('restore.drills.form.snapshotHostAny')}
            value={snapshotHost}
            onChange={(e) => setSnapshotHost(e.currentTarget.value)}
            w={160}
            spellCheck={false}
            data-testid="drill-snapshot-host"
          />
          <Button type="submit" disabled={!ready} loading={run.isPending} data-testid="drill-run">
            {t('restore.drills.form.run')}
          </Button>
        </Group>
      </form>
      {run.error && (
        <Stack mt="sm">
          <ErrorAlert error={run.error} title={t('restore.drills.form.failed')} />
        </Stack>
      )}
      {jobId && <DrillJobProgress jobId={jobId} />}
    </Paper>
  );
}

/** The started drill's job: progress and what it is doing, in words. */
function DrillJobProgress({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const job = useJob(jobId).data?.job;
  if (!job) return null;
  const active = job.status === 'queued' || job.status === 'running';
  return (
    <Stack gap={4} mt="sm" data-testid="drill-progress" data-status={job.status}>
      <Group gap="xs" wrap="nowrap">
        <JobStatusBadge status={job.status} />
        <Text size="sm" c={job.status === 'failed' ? 'red.7' : 'dimmed'} truncate>
          {active ? (job.progress.message ?? '') : (job.error?.message ?? t('restore.drills.form.done'))}
        </Text>
      </Group>
      {active && (
        <Progress value={job.progress.percent ?? 0} animated aria-label={t('restore.drills.form.progress')} />
      )}
    </Stack>
  );
}

// ------------------------------------------------------------------ schedules

function SchedulesTable() {
  const { t } = useTranslation();
  const businesses = useBusinesses();
  const hosts = useHosts();
  const schedules = useSchedules();
  const [editing, setEditing] = useState<string | null>(null);
  const now = useNow(true, 30_000);
  const hostName = (id: string) => hosts.data?.find((h) => h.id === id)?.name ?? id;
  const byBusiness = useMemo(
    () => new Map((schedules.data ?? []).map((s) => [s.businessId, s])),
    [schedules.data],
  );
  const editingBusiness = businesses.data?.find((b) => b.id === editing);

  return (
    <Stack gap="xs" component="section" aria-labelledby="drill-schedules-title">
      <Title order={5} id="drill-schedules-title">
        {t('restore.drills.schedules.title')}
      </Title>
      {schedules.error && <ErrorAlert error={schedules.error} />}
      <Table striped highlightOnHover withTableBorder data-testid="drill-schedules" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('restore.drills.schedules.business')}</Table.Th>
            <Table.Th>{t('restore.drills.schedules.schedule')}</Table.Th>
            <Table.Th>{t('restore.drills.schedules.host')}</Table.Th>
            <Table.Th>{t('restore.drills.schedules.scratch')}</Table.Th>
            <Table.Th ta="right">{t('restore.drills.schedules.sample')}</Table.Th>
            <Table.Th>{t('restore.drills.schedules.next')}</Table.Th>
            <Table.Th>{t('restore.drills.schedules.last')}</Table.Th>
            <Table.Th w={48} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(businesses.data ?? []).length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={8}>
                <Text size="sm" c="dimmed">
                  {t('restore.drills.schedules.noBusinesses')}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {(businesses.data ?? []).map((b) => {
            const s = byBusiness.get(b.id);
            return (
              <Table.Tr key={b.id} data-testid="drill-schedule-row" data-business={b.name}>
                <Table.Td>{b.name}</Table.Td>
                <Table.Td>
                  {!s ? (
                    <Text size="sm" c="dimmed">
                      {t('restore.drills.schedules.none')}
                    </Text>
                  ) : s.enabled ? (
                    <Badge color="teal" variant="light" tt="none">
                      {t('restore.drills.schedules.every', { count: s.everyDays })}
                    </Badge>
                  ) : (
                    <Badge color="gray" variant="light" tt="none">
                      {t('restore.drills.schedules.off')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{s ? hostName(s.hostId) : '—'}</Table.Td>
                <Table.Td>
                  {s ? (
                    <Code fz="xs" style={{ wordBreak: 'break-all' }}>
                      {s.scratchPath}
                    </Code>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td ta="right">{s ? s.sampleFiles : '—'}</Table.Td>
                <Table.Td>
                  {s?.enabled && s.nextRunAt ? (
                    Date.parse(s.nextRunAt) <= now ? (
                      <Text size="sm">{t('restore.drills.schedules.dueNow')}</Text>
                    ) : (
                      <LocalTime iso={s.nextRunAt} />
                    )
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>{s?.lastRunAt ? <LocalTime iso={s.lastRunAt} /> : '—'}</Table.Td>
                <Table.Td>
                  <Tooltip label={t('restore.drills.schedules.edit', { name: b.name })}>
                    <ActionIcon
                      variant="subtle"
                      aria-label={t('restore.drills.schedules.edit', { name: b.name })}
                      onClick={() => setEditing(b.id)}
                      data-testid="drill-schedule-edit"
                    >
                      <IconPencil size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {editingBusiness && (
        <ScheduleModal
          businessId={editingBusiness.id}
          businessName={editingBusiness.name}
          current={byBusiness.get(editingBusiness.id)}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function ScheduleModal({
  businessId,
  businessName,
  current,
  onClose,
}: {
  businessId: string;
  businessName: string;
  current: DrillSchedule | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const hosts = useHosts();
  const repos = useRepos();
  // repos.list names the business; its id is there only for repositories added with one.
  const mine = (repos.data ?? []).filter((r) =>
    r.businessId !== undefined ? r.businessId === businessId : r.business === businessName,
  );
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [everyDays, setEveryDays] = useState<number>(current?.everyDays ?? 7);
  const [chosenHost, setHostId] = useState<string | null>(current?.hostId ?? null);
  // Until the user picks: the host of the business's first repository (its restic already works there).
  const hostId = chosenHost ?? mine[0]?.hostId ?? hosts.data?.[0]?.id ?? null;
  const [scratchPath, setScratchPath] = useState(current?.scratchPath ?? DEFAULT_SCRATCH);
  const [sampleFiles, setSampleFiles] = useState<number>(current?.sampleFiles ?? 20);
  const [repoId, setRepoId] = useState<string>(current?.repoId ?? '');
  const [snapshotHost, setSnapshotHost] = useState(current?.snapshotHost ?? '');
  const save = useCallMutation('drills.setSchedule', { invalidate: [DRILLS_KEY], onSuccess: onClose });
  const ready = hostId !== null && scratchPath.startsWith('/') && everyDays >= 1 && sampleFiles >= 1;

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('restore.drills.schedules.modalTitle', { name: businessName })}
      size="md"
      data-testid="drill-schedule-modal"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          save.mutate({
            businessId,
            enabled,
            everyDays,
            hostId,
            scratchPath,
            sampleFiles,
            ...(repoId ? { repoId } : {}),
            ...(snapshotHost.trim() ? { snapshotHost: snapshotHost.trim() } : {}),
          });
        }}
      >
        <Stack gap="sm">
          <Switch
            label={t('restore.drills.schedules.enabled')}
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
            data-testid="drill-schedule-enabled"
          />
          <NumberInput
            label={t('restore.drills.schedules.everyDays')}
            value={everyDays}
            onChange={(v) => setEveryDays(typeof v === 'number' ? v : Number(v) || 0)}
            min={1}
            max={366}
            data-autofocus
            data-testid="drill-schedule-days"
          />
          <Select
            label={t('restore.drills.schedules.repositories')}
            data={[
              { value: '', label: t('restore.drills.schedules.allRepositories', { count: mine.length }) },
              ...mine.map((r) => ({ value: r.id, label: r.name })),
            ]}
            value={repoId}
            onChange={(v) => setRepoId(v ?? '')}
            allowDeselect={false}
          />
          <Select
            label={t('restore.drills.form.host')}
            description={t('restore.drills.form.hostHint')}
            data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
            value={hostId}
            onChange={setHostId}
            searchable
            data-testid="drill-schedule-host"
          />
          <TextInput
            label={t('restore.drills.form.scratch')}
            description={t('restore.drills.form.scratchHint')}
            value={scratchPath}
            onChange={(e) => setScratchPath(e.currentTarget.value)}
            error={scratchPath.startsWith('/') ? null : t('restore.drills.form.scratchAbsolute')}
            spellCheck={false}
            data-testid="drill-schedule-scratch"
          />
          <NumberInput
            label={t('restore.drills.form.sample')}
            value={sampleFiles}
            onChange={(v) => setSampleFiles(typeof v === 'number' ? v : Number(v) || 0)}
            min={1}
            max={10_000}
          />
          <TextInput
            label={t('restore.drills.form.snapshotHost')}
            description={t('restore.drills.form.snapshotHostHint')}
            placeholder={t('restore.drills.form.snapshotHostAny')}
            value={snapshotHost}
            onChange={(e) => setSnapshotHost(e.currentTarget.value)}
            spellCheck={false}
          />
          <Text size="xs" c="dimmed">
            {t('restore.drills.schedules.nextHint')}
          </Text>
          {save.error && <ErrorAlert error={save.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('restore.drills.schedules.cancel')}
            </Button>
            <Button
              type="submit"
              disabled={!ready}
              loading={save.isPending}
              data-testid="drill-schedule-save"
            >
              {t('restore.drills.schedules.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

// ------------------------------------------------------------------ history

function HistoryTable() {
  const { t } = useTranslation();
  const drills = useDrills();
  const [open, setOpen] = useState<string | null>(null);
  const rows = drills.data ?? [];
  return (
    <Stack gap="xs" component="section" aria-labelledby="drill-history-title">
      <Title order={5} id="drill-history-title">
        {t('restore.drills.history.title')}
      </Title>
      {drills.error && <ErrorAlert error={drills.error} onRetry={() => void drills.refetch()} />}
      {/* Fixed layout: a long command line or file name in a detail row must not widen the page. */}
      <Table highlightOnHover withTableBorder layout="fixed" data-testid="drill-history" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} />
            <Table.Th w={110}>{t('restore.drills.history.status')}</Table.Th>
            <Table.Th w={230}>{t('restore.drills.history.started')}</Table.Th>
            <Table.Th w="16%">{t('restore.drills.history.repository')}</Table.Th>
            <Table.Th w="12%">{t('restore.drills.history.host')}</Table.Th>
            <Table.Th w={100}>{t('restore.drills.history.snapshot')}</Table.Th>
            <Table.Th w={190} ta="right">
              {t('restore.drills.history.checked')}
            </Table.Th>
            <Table.Th>{t('restore.drills.history.reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={8}>
                <Text size="sm" c="dimmed">
                  {drills.isLoading ? t('restore.drills.history.loading') : t('restore.drills.history.empty')}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {rows.map((d) => {
            const expanded = open === d.id;
            const toggle = () => setOpen(expanded ? null : d.id);
            return (
              <Fragment key={d.id}>
                <Table.Tr
                  data-testid="drill-row"
                  data-status={d.status}
                  onClick={toggle}
                  style={{ cursor: 'pointer' }}
                  aria-expanded={expanded}
                >
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      size="sm"
                      aria-label={t(expanded ? 'restore.drills.history.hide' : 'restore.drills.history.show')}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggle();
                      }}
                    >
                      {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td>
                    <DrillStatusBadge status={d.status} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <LocalTime iso={d.startedAt} />
                      {d.trigger === 'schedule' && (
                        <Badge size="xs" variant="outline" color="gray" tt="none">
                          {t('restore.drills.history.scheduled')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate>
                      {d.repoName ?? d.repoId}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate>
                      {d.hostName ?? d.hostId}
                    </Text>
                  </Table.Td>
                  <Table.Td>{d.snapshotId ? <Code fz="xs">{d.snapshotId.slice(0, 8)}</Code> : '—'}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {d.status === 'running'
                      ? '…'
                      : t('restore.drills.history.checkedValue', {
                          files: d.filesChecked,
                          sample: d.sampleFiles ?? d.filesChecked,
                          bytes: formatBytes(d.bytesChecked),
                        })}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={d.status === 'failed' ? 'red.7' : undefined} lineClamp={2}>
                      {d.status === 'passed'
                        ? t('restore.drills.history.passedReason')
                        : d.status === 'running'
                          ? t('restore.drills.history.runningReason')
                          : (d.reason ?? '')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr data-testid="drill-detail">
                    <Table.Td colSpan={8}>
                      <DrillDetail drill={d} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function DrillDetail({ drill }: { drill: DrillResult }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" py={4}>
      <Text size="sm">
        {t('restore.drills.detail.summary', {
          sample: drill.sampleFiles ?? drill.filesChecked,
          files: drill.filesInSnapshot ?? '?',
          scratch: drill.scratchPath ?? '',
          host: drill.hostName ?? drill.hostId,
        })}
      </Text>
      {drill.snapshotTime && (
        <Group gap={6}>
          <Text size="sm" c="dimmed">
            {t('restore.drills.detail.snapshot')}
          </Text>
          <LocalTime iso={drill.snapshotTime} />
        </Group>
      )}
      {drill.mismatches.length > 0 ? (
        <Table withTableBorder fz="sm" data-testid="drill-mismatches">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('restore.drills.detail.path')}</Table.Th>
              <Table.Th>{t('restore.drills.detail.why')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {drill.mismatches.map((m) => (
              <Table.Tr key={m.path}>
                <Table.Td>
                  {/* JSON-quoted: a name with a newline or trailing space stays visible as it is. */}
                  <Code fz="xs" style={{ wordBreak: 'break-all' }}>
                    {/[\s"\\]/.test(m.path.replace(/ /g, '')) ? JSON.stringify(m.path) : m.path}
                  </Code>
                </Table.Td>
                <Table.Td>{m.reason}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        drill.status === 'passed' && (
          <Text size="sm" c="teal.7">
            {t('restore.drills.detail.allMatch', { count: drill.filesChecked })}
          </Text>
        )
      )}
      {drill.reason && drill.mismatches.length > 0 && (
        <Text size="sm" c="red.7">
          {drill.reason}
        </Text>
      )}
      {(drill.commands ?? []).map((c) => (
        <CommandLine key={c} command={c} />
      ))}
    </Stack>
  );
}

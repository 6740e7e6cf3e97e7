/**
 * Retention: a policy editor (keep last / hourly / daily / weekly /
 * monthly / yearly / within / tag, grouping), a dry-run preview of what each
 * group keeps (and why) and removes, then forget (and optionally prune)
 * after the repository name is typed. The would-remove-all refusal is
 * explained in words.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconEye, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  isConsoleError,
  type JobRecord,
  type Repo,
  type RetentionPolicy,
} from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useForgetPreview, useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { isActive } from '../jobs/jobModel';
import { JobRunPanel } from './JobRunPanel';
import {
  forgetCommandFromPreview,
  GROUP_BY_CHOICES,
  isRemoveAllRefusal,
  KEEP_COUNTS,
  policyOf,
  previewRows,
  refusedGroups,
  RETENTION_DEFAULTS,
  validateRetention,
  type PreviewRow,
  type RetentionFormValues,
} from './repoModel';

type Decision = 'all' | 'keep' | 'remove';

function ForgetResultWords({ job }: { job: JobRecord }) {
  const { t } = useTranslation();
  if (job.status !== 'succeeded') return null;
  return (
    <Text size="xs" fw={600} data-testid="forget-result-words">
      {t('repository.retention.done', {
        removed: job.counters.snapshotsRemoved ?? 0,
        kept: job.counters.snapshotsKept ?? 0,
      })}
    </Text>
  );
}

function RefusalAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const groups = refusedGroups(isConsoleError(error) ? error.detail : undefined);
  return (
    <Alert
      color="orange"
      variant="light"
      title={t('repository.retention.refusedTitle')}
      data-testid="retention-refused"
    >
      <Stack gap={4}>
        <Text size="xs">{t('repository.retention.refusedBody')}</Text>
        {groups.length > 0 && (
          <List size="xs" spacing={0}>
            {groups.map((g, i) => (
              <List.Item key={i}>
                {t('repository.retention.refusedGroup', {
                  group: displaySafe(g.label) || '—',
                  count: g.remove,
                })}
              </List.Item>
            ))}
          </List>
        )}
        <Text size="xs" c="dimmed">
          {t('repository.retention.refusedFix')}
        </Text>
      </Stack>
    </Alert>
  );
}

export function RetentionPanel({ repo }: { repo: Repo }) {
  const { t } = useTranslation();
  const form = useForm<RetentionFormValues>({
    mode: 'controlled',
    initialValues: RETENTION_DEFAULTS,
    validate: (values) => {
      const e = validateRetention(values);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(e)) if (v) out[k] = t(`repository.retention.errors.${v}`);
      return out;
    },
  });
  const [request, setRequest] = useState<{ policy: RetentionPolicy; groupBy?: string } | null>(null);
  const [decision, setDecision] = useState<Decision>('all');
  const [prune, setPrune] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  // While the forget (and prune) job holds the repository, the preview waits: a dry run would meet its lock.
  const job = useJob(jobId);
  const jobRunning = jobId !== null && (!job.data || isActive(job.data.job));
  const preview = useForgetPreview(repo.id, request, jobRunning);
  const forget = useCallMutation('repos.forget', {
    invalidate: [queryKeys.audit.all],
    onSuccess: (value) => {
      setConfirming(false);
      setJobId(value.jobId);
    },
  });

  // The preview stays valid only for the policy it was made for.
  const current = policyOf(form.values);
  const groupBy = form.values.groupBy === 'host,paths' ? undefined : form.values.groupBy;
  const matchesPreview =
    request !== null &&
    JSON.stringify(request) ===
      JSON.stringify({ policy: current, ...(groupBy !== undefined ? { groupBy } : {}) });

  const rows = useMemo(() => previewRows(preview.data?.groups ?? []), [preview.data]);
  const shown = useMemo(
    () => (decision === 'all' ? rows : rows.filter((r) => r.decision === decision)),
    [rows, decision],
  );

  const columns = useMemo<Column<PreviewRow>[]>(
    () => [
      {
        id: 'group',
        header: t('repository.retention.columns.group'),
        accessorFn: (r) => r.groupIndex,
        cell: ({ row }) => (
          <span title={row.original.groupTitle}>{displaySafe(row.original.groupLabel) || '—'}</span>
        ),
        meta: { width: '24%' },
      },
      {
        id: 'decision',
        header: t('repository.retention.columns.decision'),
        accessorFn: (r) => r.decision,
        cell: ({ row }) => (
          <Badge
            color={row.original.decision === 'keep' ? 'teal' : 'red'}
            tt="none"
            data-testid="preview-decision"
            data-decision={row.original.decision}
          >
            {t(`repository.retention.decisions.${row.original.decision}`)}
          </Badge>
        ),
        meta: { width: 84 },
      },
      {
        id: 'time',
        header: t('snapshots.columns.time'),
        accessorFn: (r) => Date.parse(r.snapshot.time),
        cell: ({ row }) => <LocalTime iso={row.original.snapshot.time} size="xs" />,
        sortDescFirst: true,
        meta: { width: 150 },
      },
      {
        id: 'id',
        header: t('snapshots.columns.id'),
        accessorFn: (r) => r.snapshot.shortId,
        cell: ({ row }) => (
          <Text span size="xs" ff="monospace" title={row.original.snapshot.id}>
            {row.original.snapshot.shortId}
          </Text>
        ),
        meta: { width: 80 },
      },
      {
        id: 'tags',
        header: t('snapshots.columns.tags'),
        accessorFn: (r) => r.snapshot.tags.join(', '),
        cell: ({ row }) => displaySafe(row.original.snapshot.tags.join(', ')),
        meta: { width: 150 },
      },
      {
        id: 'reasons',
        header: t('repository.retention.columns.why'),
        accessorFn: (r) => r.reasons.join(', '),
        cell: ({ row }) =>
          row.original.decision === 'keep' ? (
            <span title={row.original.reasons.join(', ')}>{row.original.reasons.join(', ')}</span>
          ) : (
            <Text span size="xs" c="dimmed">
              {t('repository.retention.noRuleKeeps')}
            </Text>
          ),
      },
    ],
    [t],
  );

  const submitPreview = form.onSubmit((values) => {
    const policy = policyOf(values);
    if (!policy) return;
    const g = values.groupBy === 'host,paths' ? undefined : values.groupBy;
    setRequest({ policy, ...(g !== undefined ? { groupBy: g } : {}) });
    setJobId(null);
  });

  const data = preview.data;
  const refused = preview.isError && isRemoveAllRefusal(preview.error);
  const forgetCommand = data
    ? forgetCommandFromPreview(data.command, prune, prefixOf(data.command))
    : undefined;

  return (
    <Group
      align="flex-start"
      gap="sm"
      wrap="nowrap"
      style={{ flex: 1, minHeight: 0 }}
      data-testid="retention-panel"
    >
      <Paper withBorder p="xs" w={300} style={{ flexShrink: 0 }}>
        <form onSubmit={submitPreview} data-testid="retention-form">
          <Stack gap={8}>
            <Text size="xs" fw={600}>
              {t('repository.retention.policy')}
            </Text>
            <SimpleGrid cols={2} spacing={6} verticalSpacing={6}>
              {KEEP_COUNTS.map((k) => (
                <NumberInput
                  key={k}
                  size="xs"
                  label={t(`repository.retention.fields.${k}`)}
                  min={1}
                  max={1_000_000}
                  allowDecimal={false}
                  allowNegative={false}
                  placeholder="—"
                  data-testid={`retention-${k}`}
                  {...form.getInputProps(k)}
                />
              ))}
            </SimpleGrid>
            <TextInput
              label={t('repository.retention.fields.keepWithin')}
              description={t('repository.retention.withinHint')}
              placeholder="30d, 1y6m"
              data-testid="retention-keepWithin"
              {...form.getInputProps('keepWithin')}
            />
            <TagsInput
              size="xs"
              label={t('repository.retention.fields.keepTags')}
              description={t('repository.retention.tagsHint')}
              placeholder={t('repository.retention.tagsPlaceholder')}
              data-testid="retention-keepTags"
              {...form.getInputProps('keepTags')}
            />
            <Select
              label={t('repository.retention.fields.groupBy')}
              data={GROUP_BY_CHOICES.map((g) => ({
                value: g,
                label: t(`repository.retention.groupBy.${g || 'none'}`),
              }))}
              data-testid="retention-groupBy"
              {...form.getInputProps('groupBy')}
            />
            {form.errors.form && (
              <Text size="xs" c="red" data-testid="retention-form-error">
                {form.errors.form}
              </Text>
            )}
            <Group gap={6} grow>
              <Button
                type="submit"
                variant={matchesPreview ? 'default' : 'filled'}
                leftSection={<IconEye size={14} />}
                loading={preview.isFetching}
                data-testid="retention-preview"
              >
                {t('repository.retention.preview')}
              </Button>
              <Button
                color="red"
                variant="light"
                leftSection={<IconTrash size={14} />}
                disabled={!matchesPreview || !data || data.removeCount === 0 || preview.isFetching}
                onClick={() => setConfirming(true)}
                title={!matchesPreview ? t('repository.retention.previewFirst') : undefined}
                data-testid="retention-forget"
              >
                {t('repository.retention.forget')}
              </Button>
            </Group>
            <Checkbox
              size="xs"
              label={t('repository.retention.prune')}
              description={t('repository.retention.pruneHint')}
              checked={prune}
              onChange={(e) => setPrune(e.currentTarget.checked)}
              data-testid="retention-prune"
            />
            {!matchesPreview && request !== null && (
              <Text size="xs" c="dimmed">
                {t('repository.retention.changed')}
              </Text>
            )}
          </Stack>
        </form>
      </Paper>
      <Stack gap={6} style={{ flex: 1, minWidth: 0, minHeight: 0, alignSelf: 'stretch' }}>
        {jobId && (
          <JobRunPanel
            jobId={jobId}
            testId="forget-job"
            describeResult={(record) => <ForgetResultWords job={record} />}
          />
        )}
        {jobRunning && request !== null && (
          <Text size="xs" c="dimmed" data-testid="preview-paused">
            {t('repository.retention.paused')}
          </Text>
        )}
        {request === null ? (
          <Paper withBorder p="md" data-testid="retention-empty">
            <Text size="sm">{t('repository.retention.emptyTitle')}</Text>
            <Text size="xs" c="dimmed">
              {t('repository.retention.emptyBody')}
            </Text>
          </Paper>
        ) : preview.isPending ? (
          <TableSkeleton label={t('repository.retention.previewing')} rows={6} />
        ) : refused ? (
          <RefusalAlert error={preview.error} />
        ) : preview.isError ? (
          <ErrorAlert
            error={preview.error}
            title={t('repository.retention.previewFailed')}
            onRetry={() => void preview.refetch()}
          />
        ) : data ? (
          <>
            <Group gap="xs" justify="space-between" wrap="nowrap">
              <Group gap={6} wrap="nowrap">
                <Text size="xs" fw={600} data-testid="preview-summary">
                  {t('repository.retention.summary', {
                    keep: data.keepCount,
                    remove: data.removeCount,
                    groups: data.groups.length,
                  })}
                </Text>
                <Badge color="teal" tt="none" data-testid="preview-keep-count">
                  {t('repository.retention.keepN', { count: data.keepCount })}
                </Badge>
                <Badge color={data.removeCount ? 'red' : 'gray'} tt="none" data-testid="preview-remove-count">
                  {t('repository.retention.removeN', { count: data.removeCount })}
                </Badge>
              </Group>
              <SegmentedControl
                value={decision}
                onChange={(v) => setDecision(v as Decision)}
                data={(['all', 'keep', 'remove'] as const).map((d) => ({
                  value: d,
                  label: t(`repository.retention.show.${d}`),
                }))}
                data-testid="preview-filter"
              />
            </Group>
            {data.removeCount === 0 && (
              <Text size="xs" c="dimmed" data-testid="preview-nothing-removed">
                {t('repository.retention.keepsAll')}
              </Text>
            )}
            <CommandLine command={data.command} testId="preview-command" />
            <DataTable
              data={shown}
              columns={columns}
              getRowId={(r) => r.key}
              label={t('repository.retention.tableLabel')}
              testId="preview-table"
              rowTestId="preview-row"
              initialSorting={[
                { id: 'group', desc: false },
                { id: 'time', desc: true },
              ]}
              empty={
                <Text size="xs" c="dimmed" ta="center">
                  {t('repository.retention.nothing')}
                </Text>
              }
              rowAttributes={(r) => ({ 'data-decision': r.decision, 'data-snapshot-id': r.snapshot.id })}
              // A preview being made again (the policy or the repository changed) is shown faded until it is back.
              style={preview.isFetching || jobRunning ? { opacity: 0.5 } : undefined}
            />
          </>
        ) : null}
      </Stack>
      <TypedConfirmModal
        opened={confirming}
        onClose={() => {
          forget.reset();
          setConfirming(false);
        }}
        title={t('repository.retention.confirmTitle')}
        name={repo.name}
        confirmLabel={
          prune
            ? t('repository.retention.confirmPrune', { count: data?.removeCount ?? 0 })
            : t('repository.retention.confirm', { count: data?.removeCount ?? 0 })
        }
        onConfirm={(confirm) =>
          request &&
          forget.mutate({
            id: repo.id,
            policy: request.policy,
            ...(request.groupBy !== undefined ? { groupBy: request.groupBy } : {}),
            prune,
            confirm,
          })
        }
        pending={forget.isPending}
        error={forget.error}
        testId="forget-confirm"
        size="lg"
      >
        <Text size="sm">
          {t('repository.retention.confirmBody', {
            remove: data?.removeCount ?? 0,
            keep: data?.keepCount ?? 0,
          })}
        </Text>
        <Text size="xs" c={prune ? 'red' : 'dimmed'}>
          {prune ? t('repository.retention.confirmPruneBody') : t('repository.retention.confirmNoPrune')}
        </Text>
        <CommandLine command={forgetCommand} testId="forget-command" />
      </TypedConfirmModal>
    </Group>
  );
}

/** The `… restic` part of a command the core showed (for the prune line after forget). */
function prefixOf(command: string): string | null {
  const i = command.indexOf(' forget ');
  return i > 0 ? command.slice(0, i) : null;
}

/**
 * Step 7: how the restore ended, in words; its numbers; every file that
 * did not make it; the safety snapshot with Undo (restores it in place,
 * host name typed); the restic commands; links to the job and the audit log.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconArrowBackUp, IconHistory, IconListDetails, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ConsoleError, displaySafe, formatBytes, formatCount, type RestoreRecord } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { describeError } from '../../components/describeError';
import { formatDuration } from '../../components/format';
import { LocalTime } from '../../components/LocalTime';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useHosts } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { useUiStore } from '../../state/uiStore';
import { recordTargetWords, RESTORE_STATUS_COLOR, RestoreStatusBadge, Stat } from './parts';
import { restoreKeys } from './queries';

export function ResultView({
  record,
  onUndoStarted,
}: {
  record: RestoreRecord;
  onUndoStarted(restoreId: string): void;
}) {
  const { t } = useTranslation();
  const hosts = useHosts().data ?? [];
  const showJob = useUiStore((s) => s.showJob);
  const setScreen = useUiStore((s) => s.setScreen);
  const setAuditFilters = useUiStore((s) => s.setAuditFilters);
  const [undoing, setUndoing] = useState(false);
  const undo = useCallMutation('restore.undo', {
    invalidate: [restoreKeys.lists(), restoreKeys.detail(record.id)],
    onSuccess: (value) => {
      setUndoing(false);
      onUndoStarted(value.restoreId);
    },
  });
  const s = record.summary;
  const color = RESTORE_STATUS_COLOR[record.status];
  const canUndo = record.safetySnapshotId !== undefined && !record.undoneBy && record.status !== 'cancelled';

  return (
    <Stack gap="sm" data-testid="restore-result" data-restore-id={record.id} data-status={record.status}>
      <Alert color={color} variant="light" data-testid="restore-result-words">
        <Group gap="xs" mb={4}>
          <RestoreStatusBadge status={record.status} />
          <Text size="sm" fw={600}>
            {t(`restore.result.headline.${record.status}`, {
              where: recordTargetWords(record, hosts, t),
              errors: record.errors.length,
            })}
          </Text>
        </Group>
        {/* A cancel is said by the headline; the error body would only repeat it. */}
        {record.error && record.status !== 'cancelled' && (
          <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="restore-result-error">
            {describeError(ConsoleError.fromBody(record.error), t).line}
          </Text>
        )}
        {record.undoOf && (
          <Text size="xs" c="dimmed">
            {t('restore.result.isUndo', { id: record.undoOf })}
          </Text>
        )}
      </Alert>
      {s && (
        <SimpleGrid cols={{ base: 2, md: 6 }} spacing="xs" data-testid="restore-summary">
          <Stat
            label={t('restore.result.filesRestored')}
            value={formatCount(s.filesRestored)}
            testId="restore-sum-restored"
          />
          <Stat
            label={t('restore.result.filesSkipped')}
            value={formatCount(s.filesSkipped)}
            testId="restore-sum-skipped"
          />
          <Stat
            label={t('restore.result.filesDeleted')}
            value={formatCount(s.filesDeleted)}
            testId="restore-sum-deleted"
          />
          <Stat
            label={t('restore.result.bytesRestored')}
            value={formatBytes(s.bytesRestored)}
            testId="restore-sum-bytes"
          />
          <Stat
            label={t('restore.result.total')}
            value={`${formatCount(s.totalFiles)} · ${formatBytes(s.totalBytes)}`}
            testId="restore-sum-total"
          />
          <Stat
            label={t('restore.result.took')}
            value={formatDuration(s.seconds * 1000)}
            testId="restore-sum-took"
          />
        </SimpleGrid>
      )}
      {record.archivePath && (
        <Text size="sm" data-testid="restore-archive-path">
          {t('restore.result.archive')} <Code>{displaySafe(record.archivePath)}</Code>
        </Text>
      )}
      {record.errors.length > 0 && <FileErrors errors={record.errors} />}
      {record.safetySnapshotId && (
        <Paper withBorder p="xs" data-testid="restore-safety-result">
          <Group justify="space-between" wrap="nowrap">
            <Stack gap={0}>
              <Text size="sm" fw={600}>
                {t('restore.result.safety', { id: record.safetySnapshotId.slice(0, 8) })}
              </Text>
              <Text size="xs" c="dimmed">
                {record.undoneBy
                  ? t('restore.result.undoneBy', { id: record.undoneBy })
                  : t('restore.result.safetyHelp')}
              </Text>
              {record.affectedPaths && record.affectedPaths.length > 0 && !record.undoneBy && (
                <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }} data-testid="restore-affected">
                  {t('restore.result.affected', {
                    paths: record.affectedPaths.slice(0, 5).map(displaySafe).join(', '),
                    count: record.affectedPaths.length,
                  })}
                </Text>
              )}
            </Stack>
            <Button
              size="xs"
              color="orange"
              variant="light"
              leftSection={<IconArrowBackUp size={14} />}
              disabled={!canUndo}
              onClick={() => setUndoing(true)}
              data-testid="restore-undo"
            >
              {t('restore.result.undo')}
            </Button>
          </Group>
        </Paper>
      )}
      {record.commands.length > 0 && (
        <Stack gap={4}>
          <Title order={6}>{t('restore.result.commands')}</Title>
          {record.commands.map((c, i) => (
            <CommandLine key={i} command={c} testId={`restore-command-${i}`} />
          ))}
        </Stack>
      )}
      <Group gap="md">
        <Anchor
          size="xs"
          component="button"
          type="button"
          onClick={() => showJob(record.jobId)}
          data-testid="restore-result-job"
        >
          <Group gap={3}>
            <IconListDetails size={12} />
            {t('restore.result.openJob')}
          </Group>
        </Anchor>
        <Anchor
          size="xs"
          component="button"
          type="button"
          onClick={() => {
            // The core audits a restore as restore.start / restore.undo on its repository.
            setAuditFilters({
              target: `repo:${record.repoId}`,
              action: record.undoOf ? 'restore.undo' : 'restore.start',
              actor: null,
              result: null,
              from: '',
              to: '',
            });
            setScreen('audit');
          }}
          data-testid="restore-result-audit"
        >
          <Group gap={3}>
            <IconHistory size={12} />
            {t('restore.result.openAudit')}
          </Group>
        </Anchor>
        <Text size="xs" c="dimmed">
          {t('restore.result.started')} <LocalTime iso={record.createdAt} size="xs" />
        </Text>
      </Group>
      <TypedConfirmModal
        opened={undoing}
        onClose={() => setUndoing(false)}
        title={t('restore.result.undoTitle', { host: record.targetHost })}
        name={record.targetHost}
        prompt={t('restore.confirm.typeHost')}
        confirmLabel={t('restore.result.undo')}
        color="orange"
        pending={undo.isPending}
        error={undo.isError ? undo.error : undefined}
        onConfirm={(typed) => undo.mutate({ id: record.id, confirm: typed })}
        testId="restore-undo-confirm"
        size="lg"
      >
        <Text size="sm">
          {t('restore.result.undoText', {
            id: record.safetySnapshotId?.slice(0, 8) ?? '',
            where: recordTargetWords(record, hosts, t),
          })}
        </Text>
      </TypedConfirmModal>
    </Stack>
  );
}

function FileErrors({ errors }: { errors: RestoreRecord['errors'] }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const shown = useMemo(() => {
    const q = text.trim().toLowerCase();
    return q
      ? errors.filter((e) => e.path.toLowerCase().includes(q) || e.message.toLowerCase().includes(q))
      : errors;
  }, [errors, text]);
  return (
    <Paper withBorder p="xs" data-testid="restore-errors">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600} c="red">
          {t('restore.result.errors', { count: errors.length })}
        </Text>
        <TextInput
          size="xs"
          w={260}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder={t('restore.result.filterErrors')}
          aria-label={t('restore.result.filterErrors')}
          leftSection={<IconSearch size={14} />}
        />
      </Group>
      <ScrollArea.Autosize mah={240} type="auto">
        <Table fz="xs" verticalSpacing={2} striped stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('restore.result.errorPath')}</Table.Th>
              <Table.Th>{t('restore.result.errorMessage')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.slice(0, 2000).map((e, i) => (
              <Table.Tr key={`${e.path}:${i}`} data-testid="restore-error-row">
                <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {displaySafe(e.path)}
                </Table.Td>
                <Table.Td>{displaySafe(e.message)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Paper>
  );
}

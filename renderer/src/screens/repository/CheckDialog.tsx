/**
 * `restic check`: how much of the data to read (none, all, group n of t,
 * a percentage, an amount), the equivalent command, then the job live from
 * its events and the result in words.
 */
import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { JobRecord, Repo } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useJob } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { isActive } from '../jobs/jobModel';
import { queryKeys } from '../../queries/queryKeys';
import { JobRunPanel } from './JobRunPanel';
import {
  CHECK_FORM_DEFAULTS,
  checkArgs,
  readDataOf,
  withArgs,
  type CheckFormValues,
  type ReadDataKind,
} from './repoModel';

const KINDS: ReadDataKind[] = ['none', 'fraction', 'percent', 'size', 'all'];

interface Props {
  repo: Repo;
  opened: boolean;
  onClose(): void;
  /** `RESTIC_REPOSITORY=… restic` for the command preview (null: none shown until the job starts). */
  commandPrefix: string | null;
}

export function CheckDialog({ repo, opened, onClose, commandPrefix }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('repository.check.title', { name: repo.name })}
      size="lg"
      data-testid="check-dialog"
    >
      {opened && <CheckForm key={repo.id} repo={repo} onClose={onClose} commandPrefix={commandPrefix} />}
    </Modal>
  );
}

/** The outcome in words: errors counted, broken packs, or no errors. */
export function CheckResultWords({ job }: { job: JobRecord }) {
  const { t } = useTranslation();
  const errors = job.counters.checkErrors;
  const broken = job.counters.brokenPacks;
  if (job.status === 'succeeded')
    return (
      <Text size="xs" fw={600} data-testid="check-result-words">
        {t('repository.check.result.ok')}
      </Text>
    );
  if (job.status === 'cancelled')
    return (
      <Text size="xs" data-testid="check-result-words">
        {t('repository.check.result.cancelled')}
      </Text>
    );
  if (errors !== undefined && errors > 0)
    return (
      <Stack gap={2} data-testid="check-result-words">
        <Text size="xs" fw={600}>
          {t('repository.check.result.errors', { count: errors })}
        </Text>
        {broken !== undefined && broken > 0 && (
          <Text size="xs">{t('repository.check.result.brokenPacks', { count: broken })}</Text>
        )}
        <Text size="xs" c="dimmed">
          {t('repository.check.result.errorsHint')}
        </Text>
      </Stack>
    );
  return (
    <Text size="xs" fw={600} data-testid="check-result-words">
      {t('repository.check.result.failed')}
    </Text>
  );
}

function CheckForm({
  repo,
  onClose,
  commandPrefix,
}: {
  repo: Repo;
  onClose(): void;
  commandPrefix: string | null;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<CheckFormValues>(CHECK_FORM_DEFAULTS);
  const [started, setStarted] = useState<{ jobId: string; command: string } | null>(null);
  const start = useCallMutation('repos.check', {
    invalidate: [queryKeys.repos.detail(repo.id)],
    onSuccess: (value) => setStarted(value),
  });
  const job = useJob(started?.jobId ?? null);
  const running = started !== null && (!job.data || isActive(job.data.job));
  const parsed = readDataOf(values);
  const errors = 'errors' in parsed ? parsed.errors : {};
  const set = (patch: Partial<CheckFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const errorText = (key: string | undefined) => (key ? t(`repository.check.errors.${key}`) : undefined);
  const preview = 'value' in parsed ? withArgs(commandPrefix, checkArgs(parsed.value)) : undefined;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if ('value' in parsed && !started) start.mutate({ id: repo.id, readData: parsed.value });
      }}
    >
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          {t('repository.check.intro')}
        </Text>
        <Radio.Group
          value={values.kind}
          onChange={(kind) => set({ kind: kind as ReadDataKind })}
          label={t('repository.check.readData')}
          size="xs"
        >
          <Stack gap={6} mt={4}>
            {KINDS.map((kind) => (
              <Radio
                key={kind}
                value={kind}
                disabled={started !== null}
                label={t(`repository.check.kinds.${kind}`)}
                description={t(`repository.check.kindHints.${kind}`)}
                data-testid={`check-kind-${kind}`}
              />
            ))}
          </Stack>
        </Radio.Group>
        {values.kind === 'fraction' && (
          <SimpleGrid cols={2} spacing="xs">
            <NumberInput
              size="xs"
              label={t('repository.check.group')}
              min={1}
              allowDecimal={false}
              value={values.n}
              onChange={(n) => set({ n })}
              error={errorText(errors.n)}
              disabled={started !== null}
              data-testid="check-n"
            />
            <NumberInput
              size="xs"
              label={t('repository.check.groups')}
              min={1}
              allowDecimal={false}
              value={values.t}
              onChange={(tv) => set({ t: tv })}
              error={errorText(errors.t)}
              disabled={started !== null}
              data-testid="check-t"
            />
          </SimpleGrid>
        )}
        {values.kind === 'percent' && (
          <NumberInput
            size="xs"
            label={t('repository.check.percent')}
            min={0.01}
            max={100}
            suffix="%"
            value={values.percent}
            onChange={(percent) => set({ percent })}
            error={errorText(errors.percent)}
            disabled={started !== null}
            w={200}
            data-testid="check-percent"
          />
        )}
        {values.kind === 'size' && (
          <TextInput
            label={t('repository.check.size')}
            description={t('repository.check.sizeHint')}
            value={values.size}
            onChange={(e) => set({ size: e.currentTarget.value })}
            error={errorText(errors.size)}
            disabled={started !== null}
            w={200}
            data-testid="check-size"
          />
        )}
        <CommandLine command={started?.command ?? preview} testId="check-command" />
        {values.kind !== 'none' && !started && (
          <Text size="xs" c="dimmed">
            {t('repository.check.readCost')}
          </Text>
        )}
        {start.isError && <ErrorAlert error={start.error} title={t('repository.check.startFailed')} />}
        {started && (
          <JobRunPanel
            jobId={started.jobId}
            testId="check-job"
            describeResult={(job) => <CheckResultWords job={job} />}
          />
        )}
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed">
            {running ? t('repository.check.keepsRunning') : t('repository.check.readOnly')}
          </Text>
          <Group gap="xs">
            <Button variant="default" onClick={onClose} data-testid="check-close">
              {started ? t('repository.close') : t('actions.cancel')}
            </Button>
            {!started && (
              <Button
                type="submit"
                leftSection={<IconPlayerPlay size={14} />}
                disabled={'errors' in parsed}
                loading={start.isPending}
                data-testid="check-start"
              >
                {t('repository.check.start')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Step 2: the bucket. The S3 name rules are checked as the user types; a
 * valid name is then asked about on the chosen MinIO (taken or free).
 * Object lock is said plainly: prune frees nothing until retention ends.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { bucketNameProblem, type OnboardingDetail } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError } from '../../components/describeError';
import { useCallMutation } from '../../queries/mutations';
import { asError, GIB } from './model';
import { useBucketCheck, useDebounced, useMinioConnections } from './queries';

interface Values {
  minioId: string | null;
  bucket: string;
  versioning: boolean;
  objectLock: boolean;
  objectLockYears: number | string;
  quota: boolean;
  quotaGiB: number | string;
}

/** The live line under the bucket name: the broken rule, taken, free, or why MinIO could not be asked. */
export function BucketNameStatus({ minioId, bucket }: { minioId: string | null; bucket: string }) {
  const { t } = useTranslation();
  const settled = useDebounced(bucket);
  const problem = bucket === '' ? null : bucketNameProblem(bucket);
  const check = useBucketCheck(minioId, settled, problem === null && settled === bucket);
  if (bucket === '' || problem) return null;
  if (!minioId)
    return (
      <Text size="xs" c="dimmed">
        {t('onboarding.bucket.pickConnection')}
      </Text>
    );
  if (check.isFetching || settled !== bucket)
    return (
      <Text size="xs" c="dimmed">
        {t('onboarding.bucket.checking')}
      </Text>
    );
  if (check.error) return <ErrorAlert error={check.error} />;
  const r = check.data;
  if (!r) return null;
  if (r.error)
    return (
      <Text size="xs" c="orange" data-testid="onboarding-bucket-check" data-result="unknown">
        {t('onboarding.bucket.cannotAsk', { reason: describeError(asError(r.error), t).line })}
      </Text>
    );
  return r.taken ? (
    <Text size="xs" c="red" data-testid="onboarding-bucket-check" data-result="taken">
      {t('onboarding.bucket.taken')}
    </Text>
  ) : (
    <Text size="xs" c="teal" data-testid="onboarding-bucket-check" data-result="free">
      {t('onboarding.bucket.free')}
    </Text>
  );
}

export function BucketStepForm({
  detail,
  disabled,
  onSaved,
}: {
  detail: OnboardingDetail;
  disabled: boolean;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const connections = useMinioConnections();
  const saved = detail.inputs.bucket;
  const made = detail.steps.find((s) => s.step === 'bucket')?.status === 'done';
  const [failure, setFailure] = useState<unknown>(null);
  const suggested = (detail.inputs.business?.name ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      minioId: saved?.minioId ?? connections.data?.[0]?.id ?? null,
      bucket: saved?.bucket ?? (suggested ? `${suggested}-backup` : ''),
      versioning: saved?.versioning ?? true,
      objectLock: saved ? saved.objectLockYears !== null : false,
      objectLockYears: saved?.objectLockYears ?? 1,
      quota: saved ? saved.quotaBytes !== null : false,
      quotaGiB: saved?.quotaBytes ? saved.quotaBytes / GIB : 100,
    },
    validateInputOnChange: ['bucket'],
    validate: {
      minioId: (v) => (v ? null : t('onboarding.bucket.pickConnection')),
      bucket: (v) => bucketNameProblem(v),
      objectLockYears: (v, all) =>
        all.objectLock && (typeof v !== 'number' || v < 1 || v > 100)
          ? t('onboarding.bucket.yearsRange')
          : null,
      quotaGiB: (v, all) =>
        all.quota && (typeof v !== 'number' || v <= 0) ? t('onboarding.bucket.quotaRange') : null,
    },
  });
  // A connection list that arrives after the form opened fills the empty choice.
  const firstConnection = connections.data?.[0]?.id ?? null;
  useEffect(() => {
    if (form.values.minioId === null && firstConnection) form.setFieldValue('minioId', firstConnection);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the list arrives
  }, [firstConnection]);
  const save = useCallMutation('onboarding.saveStep', { onSuccess: onSaved });
  const submit = form.onSubmit((v) => {
    setFailure(null);
    save.mutate(
      {
        id: detail.id,
        data: {
          step: 'bucket',
          input: {
            minioId: v.minioId ?? '',
            bucket: v.bucket,
            versioning: v.versioning || v.objectLock,
            objectLockYears: v.objectLock ? Number(v.objectLockYears) : null,
            quotaBytes: v.quota ? Math.round(Number(v.quotaGiB) * GIB) : null,
          },
        },
      },
      { onError: setFailure },
    );
  });
  const locked = disabled || made;

  return (
    <form onSubmit={submit} noValidate data-testid="onboarding-bucket-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('onboarding.steps.bucket.explain')}
        </Text>
        <Group align="flex-start" gap="sm">
          <Select
            label={t('onboarding.bucket.connection')}
            data={(connections.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.endpoint})` }))}
            disabled={locked}
            w={320}
            {...form.getInputProps('minioId')}
            data-testid="onboarding-bucket-connection"
          />
          <Stack gap={2} w={360}>
            <TextInput
              label={t('onboarding.bucket.name')}
              description={t('onboarding.bucket.rules')}
              autoComplete="off"
              spellCheck={false}
              disabled={locked}
              {...form.getInputProps('bucket')}
              data-testid="onboarding-bucket-name"
            />
            <BucketNameStatus minioId={form.values.minioId} bucket={made ? '' : form.values.bucket} />
          </Stack>
        </Group>
        {connections.data?.length === 0 && (
          <Text size="xs" c="orange">
            {t('onboarding.bucket.noConnections')}
          </Text>
        )}
        {connections.error && <ErrorAlert error={connections.error} />}
        {made && (
          <Text size="xs" c="dimmed">
            {t('onboarding.bucket.madeAlready')}
          </Text>
        )}
        <Switch
          label={t('onboarding.bucket.versioning')}
          description={t('onboarding.bucket.versioningHint')}
          disabled={disabled || form.values.objectLock}
          checked={form.values.versioning || form.values.objectLock}
          onChange={(e) => form.setFieldValue('versioning', e.currentTarget.checked)}
          data-testid="onboarding-bucket-versioning"
        />
        <Group align="flex-end" gap="sm">
          <Switch
            label={t('onboarding.bucket.objectLock')}
            description={t('onboarding.bucket.objectLockHint')}
            disabled={locked}
            checked={form.values.objectLock}
            onChange={(e) => form.setFieldValue('objectLock', e.currentTarget.checked)}
            data-testid="onboarding-bucket-lock"
          />
          {form.values.objectLock && (
            <NumberInput
              label={t('onboarding.bucket.years')}
              min={1}
              max={100}
              allowDecimal={false}
              w={120}
              size="xs"
              disabled={disabled}
              {...form.getInputProps('objectLockYears')}
              data-testid="onboarding-bucket-years"
            />
          )}
        </Group>
        {form.values.objectLock && (
          <Alert
            color="orange"
            variant="light"
            icon={<IconLock size={16} />}
            data-testid="onboarding-lock-warning"
          >
            {t('onboarding.bucket.lockWarning', { years: form.values.objectLockYears })}
          </Alert>
        )}
        <Group align="flex-end" gap="sm">
          <Switch
            label={t('onboarding.bucket.quota')}
            description={t('onboarding.bucket.quotaHint')}
            disabled={disabled}
            checked={form.values.quota}
            onChange={(e) => form.setFieldValue('quota', e.currentTarget.checked)}
            data-testid="onboarding-bucket-quota"
          />
          {form.values.quota && (
            <NumberInput
              label={t('onboarding.bucket.quotaSize')}
              min={1}
              suffix=" GiB"
              w={140}
              size="xs"
              disabled={disabled}
              {...form.getInputProps('quotaGiB')}
              data-testid="onboarding-bucket-quota-size"
            />
          )}
        </Group>
        {failure !== null && <ErrorAlert error={failure} />}
        <Group justify="flex-end">
          <Button
            type="submit"
            size="xs"
            loading={save.isPending}
            disabled={disabled}
            data-testid="onboarding-save"
          >
            {t('onboarding.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Step 4: the restic repository in the bucket (restic init, generated password) and an optional second-site repository. */
import { useState } from 'react';
import { Button, Group, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { bucketNameProblem, type OnboardingDetail } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCallMutation } from '../../queries/mutations';
import { BucketNameStatus } from './BucketStep';
import { useMinioConnections } from './queries';

interface Values {
  name: string;
  offsite: boolean;
  offsiteMinioId: string | null;
  offsiteBucket: string;
}

export function RepositoryStepForm({
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
  const saved = detail.inputs.repository;
  const business = detail.inputs.business?.name ?? '';
  const [failure, setFailure] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      name: saved?.name ?? '',
      offsite: Boolean(saved?.offsite),
      offsiteMinioId: saved?.offsite?.minioId ?? null,
      offsiteBucket:
        saved?.offsite?.bucket ??
        (detail.inputs.bucket ? `${detail.inputs.bucket.bucket}-offsite`.slice(0, 63) : ''),
    },
    validateInputOnChange: ['offsiteBucket'],
    validate: {
      offsiteMinioId: (v, all) => (all.offsite && !v ? t('onboarding.bucket.pickConnection') : null),
      offsiteBucket: (v, all) => (all.offsite ? bucketNameProblem(v) : null),
    },
  });
  const save = useCallMutation('onboarding.saveStep', { onSuccess: onSaved });
  const submit = form.onSubmit((v) => {
    setFailure(null);
    save.mutate(
      {
        id: detail.id,
        data: {
          step: 'repository',
          input: {
            ...(v.name.trim() ? { name: v.name.trim() } : {}),
            offsite:
              v.offsite && v.offsiteMinioId ? { minioId: v.offsiteMinioId, bucket: v.offsiteBucket } : null,
          },
        },
      },
      { onError: setFailure },
    );
  });

  return (
    <form onSubmit={submit} noValidate data-testid="onboarding-repository-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('onboarding.steps.repository.explain')}
        </Text>
        <TextInput
          label={t('onboarding.repository.name')}
          placeholder={t('onboarding.repository.defaultName', { business })}
          autoComplete="off"
          disabled={disabled}
          w={360}
          {...form.getInputProps('name')}
          data-testid="onboarding-repository-name"
        />
        <Switch
          label={t('onboarding.repository.offsite')}
          description={t('onboarding.repository.offsiteHint')}
          disabled={disabled}
          checked={form.values.offsite}
          onChange={(e) => form.setFieldValue('offsite', e.currentTarget.checked)}
          data-testid="onboarding-repository-offsite"
        />
        {form.values.offsite && (
          <Group align="flex-start" gap="sm">
            <Select
              label={t('onboarding.repository.offsiteConnection')}
              data={(connections.data ?? []).map((c) => ({
                value: c.id,
                label: `${c.name} (${c.endpoint})`,
              }))}
              disabled={disabled}
              w={320}
              {...form.getInputProps('offsiteMinioId')}
            />
            <Stack gap={2} w={360}>
              <TextInput
                label={t('onboarding.repository.offsiteBucket')}
                autoComplete="off"
                spellCheck={false}
                disabled={disabled}
                {...form.getInputProps('offsiteBucket')}
              />
              <BucketNameStatus minioId={form.values.offsiteMinioId} bucket={form.values.offsiteBucket} />
            </Stack>
          </Group>
        )}
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

/**
 * Add or change a MinIO connection. The secret key is write-only: on edit
 * an empty field keeps the stored one. The core checks the key against the
 * server before saving (MINIO_AUTH_FAILED / MINIO_UNREACHABLE come back
 * above the buttons) unless "save without checking" is ticked.
 */
import { useState } from 'react';
import { Button, Checkbox, Group, Modal, PasswordInput, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { mcAliasName, type MinioConnection } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { minioKeys } from './queries';

interface Values {
  name: string;
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  caPem: string;
  skipCheck: boolean;
}

const FIELDS = ['name', 'endpoint', 'accessKey', 'secretKey', 'region', 'caPem'] as const;

export function ConnectionFormModal({
  connection,
  onClose,
}: {
  connection: MinioConnection | 'new' | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const editing = connection !== null && connection !== 'new' ? connection : null;
  return (
    <Modal
      opened={connection !== null}
      onClose={onClose}
      title={editing ? t('minio.form.editTitle', { name: editing.name }) : t('minio.form.addTitle')}
      size="lg"
      data-testid="minio-form"
    >
      {connection !== null && (
        <ConnectionForm key={editing?.id ?? 'new'} editing={editing} onClose={onClose} />
      )}
    </Modal>
  );
}

function ConnectionForm({ editing, onClose }: { editing: MinioConnection | null; onClose(): void }) {
  const { t } = useTranslation();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      name: editing?.name ?? '',
      endpoint: editing?.endpoint ?? '',
      accessKey: editing?.accessKey ?? '',
      secretKey: '',
      region: editing?.region ?? 'us-east-1',
      caPem: '',
      skipCheck: false,
    },
    validate: {
      name: (v) => (v.trim() === '' ? t('minio.form.nameRequired') : null),
      endpoint: (v) => (/^https?:\/\/[^/\s]+\/?$/.test(v.trim()) ? null : t('minio.form.endpointInvalid')),
      accessKey: (v) => (v.trim().length < 3 ? t('minio.form.accessKeyShort') : null),
      secretKey: (v) => (editing && v === '' ? null : v.length < 8 ? t('minio.form.secretShort') : null),
      caPem: (v) =>
        v.trim() === '' || /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/.test(v.trim())
          ? null
          : t('minio.form.caInvalid'),
    },
  });
  const onError = (error: unknown) => {
    const placed = placeErrors(error, FIELDS);
    form.setErrors(placed.fields);
    setUnplaced(placed.unplaced);
  };
  const invalidate = [minioKeys.all, queryKeys.audit.all];
  const add = useCallMutation('minio.add', { invalidate, onSuccess: onClose });
  const update = useCallMutation('minio.update', { invalidate, onSuccess: onClose });
  const [removeCa, setRemoveCa] = useState(false);
  const pending = add.isPending || update.isPending;
  const v = form.values;
  const https = v.endpoint.trim().startsWith('https:');

  const submit = form.onSubmit((values) => {
    setUnplaced(null);
    const common = {
      name: values.name.trim(),
      endpoint: values.endpoint.trim(),
      accessKey: values.accessKey.trim(),
      region: values.region.trim() || 'us-east-1',
      ...(values.skipCheck ? { skipCheck: true } : {}),
    };
    if (editing) {
      update.mutate(
        {
          id: editing.id,
          ...common,
          ...(values.secretKey !== '' ? { secretKey: values.secretKey } : {}),
          ...(values.caPem.trim() !== '' ? { caPem: values.caPem.trim() } : removeCa ? { caPem: null } : {}),
        },
        { onError },
      );
    } else {
      add.mutate(
        {
          ...common,
          secretKey: values.secretKey,
          ...(values.caPem.trim() !== '' ? { caPem: values.caPem.trim() } : {}),
        },
        { onError },
      );
    }
  });

  const alias = mcAliasName(v.name || 'minio');
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <TextInput
            label={t('minio.form.name')}
            description={t('minio.form.nameHint')}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('name')}
            data-testid="minio-form-name"
          />
          <TextInput
            label={t('minio.form.endpoint')}
            description={t('minio.form.endpointHint')}
            placeholder="https://minio.example.com:9000"
            required
            autoComplete="off"
            {...form.getInputProps('endpoint')}
            data-testid="minio-form-endpoint"
          />
        </Group>
        <Group grow align="flex-start">
          <TextInput
            label={t('minio.form.accessKey')}
            description={t('minio.form.accessKeyHint')}
            required
            autoComplete="off"
            {...form.getInputProps('accessKey')}
            data-testid="minio-form-access-key"
          />
          <PasswordInput
            size="xs"
            label={t('minio.form.secretKey')}
            description={editing ? t('minio.form.secretKeepHint') : t('minio.form.secretHint')}
            required={!editing}
            autoComplete="new-password"
            {...form.getInputProps('secretKey')}
            data-testid="minio-form-secret"
          />
        </Group>
        <TextInput
          label={t('minio.form.region')}
          description={t('minio.form.regionHint')}
          w={300}
          autoComplete="off"
          {...form.getInputProps('region')}
          data-testid="minio-form-region"
        />
        {(https || editing?.caSet) && (
          <Textarea
            size="xs"
            label={t('minio.form.ca')}
            description={editing?.caSet ? t('minio.form.caKeepHint') : t('minio.form.caHint')}
            placeholder="-----BEGIN CERTIFICATE-----"
            autosize
            minRows={2}
            maxRows={6}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 11 } }}
            {...form.getInputProps('caPem')}
            data-testid="minio-form-ca"
          />
        )}
        {editing?.caSet && (
          <Checkbox
            label={t('minio.form.removeCa')}
            checked={removeCa}
            onChange={(e) => setRemoveCa(e.currentTarget.checked)}
            data-testid="minio-form-remove-ca"
          />
        )}
        <Checkbox
          label={t('minio.form.skipCheck')}
          description={t('minio.form.skipCheckHint')}
          {...form.getInputProps('skipCheck', { type: 'checkbox' })}
          data-testid="minio-form-skip-check"
        />
        <CommandLine
          command={`mc alias set ${alias} ${v.endpoint.trim() || 'https://…'} ${v.accessKey.trim() || '…'} '********' --api s3v4`}
          testId="minio-form-command"
        />
        {unplaced !== null && <ErrorAlert error={unplaced} title={t('minio.form.failed')} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={pending} data-testid="minio-form-submit">
            {editing ? t('actions.save') : t('minio.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

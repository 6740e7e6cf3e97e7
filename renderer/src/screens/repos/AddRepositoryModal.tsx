/**
 * Add a repository to the inventory: an existing one (the core opens it
 * with `restic cat config` before storing anything) or a new one
 * (`restic init`). The password goes to the secret store and is never
 * shown again.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDice5 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isConsoleError } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { elapsedMs, formatDuration } from '../../components/format';
import { placeErrors } from '../../components/formErrors';
import { useNow } from '../../components/useNow';
import { useBusinesses, useHosts } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';

interface Values {
  mode: 'existing' | 'init';
  name: string;
  location: string;
  hostId: string | null;
  businessId: string | null;
  role: 'primary' | 'offsite';
  password: string;
  awsAccessKeyId: string;
  awsSecretAccessKey: string;
}

const EMPTY: Values = {
  mode: 'existing',
  name: '',
  location: '',
  hostId: 'local',
  businessId: null,
  role: 'primary',
  password: '',
  awsAccessKeyId: '',
  awsSecretAccessKey: '',
};

const FIELDS = [
  'name',
  'location',
  'hostId',
  'businessId',
  'role',
  'password',
  'awsAccessKeyId',
  'awsSecretAccessKey',
];

/** 32 characters from a 62-letter alphabet (≈190 bits), from the browser's CSPRNG. */
export function generatePassword(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      // Rejection sampling keeps every letter equally likely.
      if (b < 248 && out.length < length) out.push(alphabet[b % 62]!);
    }
  }
  return out.join('');
}

/** Where a restic answer belongs in this form. */
function fieldForError(error: unknown): string | null {
  if (!isConsoleError(error)) return null;
  if (error.code === 'REPO_WRONG_PASSWORD') return 'password';
  if (error.code === 'REPO_NOT_FOUND') return 'location';
  return null;
}

export function AddRepositoryModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('repos.add.title')} size="xl" data-testid="repo-form">
      {opened && <AddRepositoryForm onClose={onClose} />}
    </Modal>
  );
}

/** Mounted per opening: every field (the password above all) starts empty. */
function AddRepositoryForm({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const hosts = useHosts();
  const businesses = useBusinesses();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const [showPassword, setShowPassword] = useState(false);
  const [startedAt, setStartedAt] = useState<string | null>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: EMPTY,
    validate: {
      name: (v) => (v.trim() === '' ? t('repos.add.required') : null),
      location: (v) => (v.trim() === '' ? t('repos.add.required') : null),
      hostId: (v) => (v ? null : t('repos.add.required')),
      password: (v) => (v === '' ? t('repos.add.passwordRequired') : null),
    },
  });

  const add = useCallMutation('repos.add', {
    invalidate: [queryKeys.repos.all, queryKeys.audit.all],
    onSuccess: onClose,
  });
  const now = useNow(add.isPending);
  const s3 = form.values.location.trim().startsWith('s3:');

  const submit = form.onSubmit((v) => {
    setUnplaced(null);
    setStartedAt(new Date().toISOString());
    add.mutate(
      {
        name: v.name,
        location: v.location.trim(),
        hostId: v.hostId!,
        ...(v.businessId ? { businessId: v.businessId, role: v.role } : {}),
        password: v.password,
        ...(s3 && v.awsAccessKeyId ? { env: { AWS_ACCESS_KEY_ID: v.awsAccessKeyId } } : {}),
        ...(s3 && v.awsSecretAccessKey ? { secretEnv: { AWS_SECRET_ACCESS_KEY: v.awsSecretAccessKey } } : {}),
        ...(v.mode === 'init' ? { init: true } : {}),
      },
      {
        onError: (error) => {
          const field = fieldForError(error);
          if (field && isConsoleError(error)) {
            form.setFieldError(field, error.message);
            setUnplaced(null);
            return;
          }
          const placed = placeErrors(error, FIELDS, (path) => {
            if (path[0] === 'env') return 'awsAccessKeyId';
            if (path[0] === 'secretEnv') return 'awsSecretAccessKey';
            return FIELDS.includes(path[0] ?? '') ? path[0]! : null;
          });
          form.setErrors(placed.fields);
          setUnplaced(placed.unplaced);
        },
      },
    );
  });

  const init = form.values.mode === 'init';
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SegmentedControl
          data={[
            { value: 'existing', label: t('repos.add.existing') },
            { value: 'init', label: t('repos.add.init') },
          ]}
          {...form.getInputProps('mode')}
          aria-label={t('repos.add.mode')}
          data-testid="repo-form-mode"
        />
        <Text size="xs" c="dimmed">
          {init ? t('repos.add.initHint') : t('repos.add.existingHint')}
        </Text>
        <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
          <TextInput
            label={t('repos.add.name')}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('name')}
            data-testid="repo-form-name"
          />
          <Select
            label={t('repos.add.host')}
            description={t('repos.add.hostHint')}
            required
            searchable
            data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
            {...form.getInputProps('hostId')}
            comboboxProps={{ withinPortal: true }}
            data-testid="repo-form-host"
          />
        </SimpleGrid>
        <TextInput
          label={t('repos.add.location')}
          description={t('repos.add.locationHint')}
          placeholder="s3:http://127.0.0.1:9000/bucket · sftp:backup@host:/srv/restic · /srv/restic"
          required
          autoComplete="off"
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          {...form.getInputProps('location')}
          data-testid="repo-form-location"
        />
        {s3 && (
          <SimpleGrid cols={2} spacing="sm">
            <TextInput
              label="AWS_ACCESS_KEY_ID"
              autoComplete="off"
              spellCheck={false}
              {...form.getInputProps('awsAccessKeyId')}
              data-testid="repo-form-aws-key"
            />
            <PasswordInput
              label="AWS_SECRET_ACCESS_KEY"
              description={t('repos.add.secretHint')}
              size="xs"
              autoComplete="off"
              {...form.getInputProps('awsSecretAccessKey')}
              data-testid="repo-form-aws-secret"
            />
          </SimpleGrid>
        )}
        <SimpleGrid cols={2} spacing="sm">
          <Select
            label={t('repos.add.business')}
            description={t('repos.add.businessHint')}
            placeholder={t('repos.add.noBusiness')}
            searchable
            clearable
            allowDeselect
            data={(businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            {...form.getInputProps('businessId')}
            comboboxProps={{ withinPortal: true }}
            data-testid="repo-form-business"
          />
          <Select
            label={t('repos.add.role')}
            description={t('repos.add.roleHint')}
            disabled={!form.values.businessId}
            data={[
              { value: 'primary', label: t('repos.roles.primary') },
              { value: 'offsite', label: t('repos.roles.offsite') },
            ]}
            {...form.getInputProps('role')}
            comboboxProps={{ withinPortal: true }}
            data-testid="repo-form-role"
          />
        </SimpleGrid>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <PasswordInput
            label={t('repos.add.password')}
            description={init ? t('repos.add.passwordInitHint') : t('repos.add.passwordHint')}
            required
            size="xs"
            autoComplete="new-password"
            visible={showPassword}
            onVisibilityChange={setShowPassword}
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            {...form.getInputProps('password')}
            data-testid="repo-form-password"
          />
          {init && (
            <Button
              variant="default"
              leftSection={<IconDice5 size={14} />}
              onClick={() => {
                form.setFieldValue('password', generatePassword());
                setShowPassword(true);
              }}
              data-testid="repo-form-generate"
            >
              {t('repos.add.generate')}
            </Button>
          )}
        </Group>
        {init && showPassword && form.values.password && (
          <Alert color="yellow" variant="light" py={6}>
            <Text size="xs">{t('repos.add.keepCopy')}</Text>
          </Alert>
        )}
        {unplaced !== null && <ErrorAlert error={unplaced} title={t('repos.add.failed')} />}
        <Group justify="space-between" gap="xs">
          <Text size="xs" c="dimmed" data-testid="repo-form-pending">
            {add.isPending && startedAt
              ? t(init ? 'repos.add.initRunning' : 'repos.add.checkRunning', {
                  elapsed: formatDuration(elapsedMs(startedAt, null, now)),
                })
              : ''}
          </Text>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('actions.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending} data-testid="repo-form-submit">
              {init ? t('repos.add.submitInit') : t('repos.add.submitExisting')}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}

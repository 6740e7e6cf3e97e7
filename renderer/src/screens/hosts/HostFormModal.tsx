/**
 * Add a managed host (address, port, user, and a key pasted, read from a
 * file or generated — or the ssh-agent), or change one. Validation comes
 * from the core and lands next to the field it is about.
 */
import { useState } from 'react';
import { Button, Group, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { isConsoleError, type HostDetail } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import {
  EMPTY_KEY_FIELDS,
  KeyMaterialFields,
  keyProblem,
  toKeyMaterial,
  type KeyFieldsValue,
} from './KeyMaterialFields';

interface Values {
  name: string;
  address: string;
  port: number | string;
  user: string;
  authKind: 'key' | 'agent';
  resticPath: string;
}

const FIELDS = ['name', 'address', 'port', 'user', 'authKind', 'resticPath'] as const;
const EMPTY: Values = { name: '', address: '', port: 22, user: 'root', authKind: 'key', resticPath: '' };

/** Where a key error belongs: the passphrase field or the key itself. */
export function keyErrorField(error: unknown): 'passphrase' | 'key' | null {
  if (!isConsoleError(error) || error.code !== 'HOST_AUTH_FAILED') return null;
  return /passphrase/i.test(error.message) ? 'passphrase' : 'key';
}

export function HostFormModal({
  host,
  onClose,
  onAdded,
}: {
  /** 'new' to add; a host to edit; null when closed. */
  host: HostDetail | 'new' | null;
  onClose(): void;
  onAdded(hostId: string, publicKey: string | undefined): void;
}) {
  const { t } = useTranslation();
  const editing = host !== null && host !== 'new' ? host : null;
  return (
    <Modal
      opened={host !== null}
      onClose={onClose}
      title={editing ? t('hosts.form.editTitle', { name: editing.name }) : t('hosts.form.addTitle')}
      size="lg"
      data-testid="host-form"
    >
      {host !== null && (
        <HostForm key={editing?.id ?? 'new'} editing={editing} onClose={onClose} onAdded={onAdded} />
      )}
    </Modal>
  );
}

/** Mounted per opening, so every field starts from the host (or the defaults). */
function HostForm({
  editing,
  onClose,
  onAdded,
}: {
  editing: HostDetail | null;
  onClose(): void;
  onAdded(hostId: string, publicKey: string | undefined): void;
}) {
  const { t } = useTranslation();
  const [key, setKey] = useState<KeyFieldsValue>(EMPTY_KEY_FIELDS);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [passphraseError, setPassphraseError] = useState<string | null>(null);
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: editing
      ? {
          name: editing.name,
          address: editing.address ?? '',
          port: editing.port ?? 22,
          user: editing.user ?? '',
          authKind: 'key',
          resticPath: editing.resticPath ?? '',
        }
      : EMPTY,
    validate: {
      name: (v) => (v.trim() === '' ? t('hosts.form.required') : null),
      address: (v) => (v.trim() === '' ? t('hosts.form.required') : null),
      user: (v) => (v.trim() === '' ? t('hosts.form.required') : null),
      port: (v) =>
        typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535
          ? t('hosts.form.portRange')
          : null,
    },
  });

  const invalidate = [queryKeys.hosts.all, queryKeys.audit.all];
  const add = useCallMutation('hosts.add', {
    invalidate,
    onSuccess: (result) => onAdded(result.host.id, result.publicKey),
  });
  const update = useCallMutation('hosts.update', { invalidate, onSuccess: onClose });

  const onError = (error: unknown) => {
    const field = keyErrorField(error);
    if (field && isConsoleError(error)) {
      if (field === 'passphrase') setPassphraseError(error.message);
      else setKeyError(error.message);
      setUnplaced(null);
      return;
    }
    const placed = placeErrors(error, FIELDS);
    form.setErrors(placed.fields);
    setUnplaced(placed.unplaced);
  };

  const submit = form.onSubmit((values) => {
    setUnplaced(null);
    setKeyError(null);
    setPassphraseError(null);
    const input = {
      name: values.name,
      address: values.address,
      port: Number(values.port),
      user: values.user,
      authKind: values.authKind,
      // Empty keeps the default: restic from the host's PATH.
      ...(values.resticPath.trim() ? { resticPath: values.resticPath.trim() } : {}),
    };
    if (editing) {
      const { authKind: _ignored, ...patch } = input;
      update.mutate({ id: editing.id, patch }, { onError });
      return;
    }
    if (values.authKind === 'key') {
      const problem = keyProblem(key);
      if (problem) {
        setKeyError(t(`hosts.key.problems.${problem}`));
        return;
      }
      add.mutate({ host: input, key: toKeyMaterial(key) }, { onError });
    } else {
      add.mutate({ host: input }, { onError });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('hosts.form.name')}
          description={t('hosts.form.nameHint')}
          required
          data-autofocus
          autoComplete="off"
          spellCheck={false}
          {...form.getInputProps('name')}
          data-testid="host-form-name"
        />
        <Group gap="sm" align="flex-start" wrap="nowrap">
          <TextInput
            label={t('hosts.form.address')}
            description={t('hosts.form.addressHint')}
            required
            autoComplete="off"
            spellCheck={false}
            style={{ flex: 1 }}
            {...form.getInputProps('address')}
            data-testid="host-form-address"
          />
          <NumberInput
            label={t('hosts.form.port')}
            description=" "
            min={1}
            max={65535}
            allowDecimal={false}
            hideControls
            size="xs"
            w={90}
            {...form.getInputProps('port')}
            data-testid="host-form-port"
          />
          <TextInput
            label={t('hosts.form.user')}
            description={t('hosts.form.userHint')}
            required
            autoComplete="off"
            spellCheck={false}
            w={160}
            {...form.getInputProps('user')}
            data-testid="host-form-user"
          />
        </Group>
        <TextInput
          label={t('hosts.form.resticPath')}
          description={t('hosts.form.resticPathHint')}
          placeholder="restic"
          autoComplete="off"
          spellCheck={false}
          {...form.getInputProps('resticPath')}
          data-testid="host-form-restic-path"
        />
        {!editing && (
          <>
            <div>
              <Text size="xs" fw={500} mb={4}>
                {t('hosts.form.auth')}
              </Text>
              <SegmentedControl
                data={[
                  { value: 'key', label: t('hosts.form.authKey') },
                  { value: 'agent', label: t('hosts.form.authAgent') },
                ]}
                {...form.getInputProps('authKind')}
                aria-label={t('hosts.form.auth')}
                data-testid="host-form-auth"
              />
            </div>
            {form.values.authKind === 'key' ? (
              <KeyMaterialFields
                value={key}
                onChange={setKey}
                error={keyError}
                passphraseError={passphraseError}
              />
            ) : (
              <Text size="xs" c="dimmed">
                {t('hosts.form.agentHint')}
              </Text>
            )}
          </>
        )}
        {editing && (
          <Text size="xs" c="dimmed">
            {t('hosts.form.editKeyHint')}
          </Text>
        )}
        {unplaced !== null && <ErrorAlert error={unplaced} title={t('hosts.form.failed')} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending || update.isPending} data-testid="host-form-submit">
            {editing ? t('actions.save') : t('hosts.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

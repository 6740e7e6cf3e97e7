/**
 * Add or change an alert channel. Secrets (the URL with its token, the
 * DingTalk signing secret, the SMTP password) are write-only: a stored
 * one shows as "set" with Replace (and Clear where it is optional); it is
 * never read back.
 */
import { useState, type ReactNode } from 'react';
import {
  Badge,
  Button,
  Group,
  Input,
  Modal,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { AlertChannel, Business, SmtpTlsMode } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import {
  addInput,
  DEFAULT_SMTP_PORT,
  fieldForIssue,
  initialValues,
  KIND_ORDER,
  updateInput,
  type ChannelFormValues,
} from './channelModel';
import { alertKeys } from './queries';

const FIELDS = [
  'name',
  'businessId',
  'url',
  'signSecret',
  'password',
  'host',
  'port',
  'tls',
  'user',
  'from',
  'to',
];

export function ChannelFormModal({
  channel,
  businesses,
  defaultBusinessId,
  onClose,
}: {
  channel: AlertChannel | 'new' | null;
  businesses: readonly Business[];
  defaultBusinessId: string | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const editing = channel !== null && channel !== 'new' ? channel : null;
  return (
    <Modal
      opened={channel !== null}
      onClose={onClose}
      title={editing ? t('alerts.form.editTitle', { name: editing.name }) : t('alerts.form.addTitle')}
      size="lg"
      data-testid="alert-channel-form"
    >
      {channel !== null && (
        <ChannelForm
          key={editing?.id ?? 'new'}
          editing={editing}
          businesses={businesses}
          defaultBusinessId={defaultBusinessId}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

/** A write-only secret: "set" + Replace / Clear, or an input. */
function SecretField({
  label,
  description,
  isSet,
  optional,
  value,
  onChange,
  cleared,
  onClear,
  error,
  placeholder,
  testId,
  shown,
}: {
  label: string;
  description: ReactNode;
  isSet: boolean;
  optional: boolean;
  value: string;
  onChange(v: string): void;
  cleared: boolean;
  onClear(v: boolean): void;
  error?: ReactNode;
  placeholder?: string;
  testId: string;
  /** Render as plain text input (a URL is long and read while typed), still never filled from the core. */
  shown?: boolean;
}) {
  const { t } = useTranslation();
  const [replacing, setReplacing] = useState(!isSet);
  if (isSet && !replacing) {
    return (
      <Stack gap={2}>
        <Input.Label size="xs">{label}</Input.Label>
        <Group gap="xs">
          <Badge
            color={cleared ? 'gray' : 'teal'}
            variant="light"
            data-testid={`${testId}-state`}
            title={t('alerts.form.secretSetHint')}
          >
            {cleared ? t('alerts.form.secretWillClear') : t('alerts.form.secretSet')}
          </Badge>
          <Button
            size="compact-xs"
            variant="default"
            onClick={() => setReplacing(true)}
            data-testid={`${testId}-replace`}
          >
            {t('alerts.form.replace')}
          </Button>
          {optional && (
            <Button
              size="compact-xs"
              variant="subtle"
              color={cleared ? 'gray' : 'red'}
              onClick={() => onClear(!cleared)}
              data-testid={`${testId}-clear`}
            >
              {cleared ? t('alerts.form.keep') : t('alerts.form.clear')}
            </Button>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {description}
        </Text>
      </Stack>
    );
  }
  const common = {
    label,
    description,
    value,
    onChange: (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value),
    error,
    placeholder,
    autoComplete: 'off',
    required: !optional && !isSet,
    'data-testid': testId,
    spellCheck: false,
  };
  const cancel = isSet ? (
    <Button
      size="compact-xs"
      variant="subtle"
      onClick={() => {
        onChange('');
        setReplacing(false);
      }}
    >
      {t('alerts.form.keepStored')}
    </Button>
  ) : null;
  return (
    <Stack gap={2}>
      {shown ? <TextInput {...common} /> : <PasswordInput size="xs" {...common} />}
      {cancel}
    </Stack>
  );
}

function ChannelForm({
  editing,
  businesses,
  defaultBusinessId,
  onClose,
}: {
  editing: AlertChannel | null;
  businesses: readonly Business[];
  defaultBusinessId: string | null;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const form = useForm<ChannelFormValues>({
    mode: 'controlled',
    initialValues: initialValues(editing, defaultBusinessId ?? businesses[0]?.id ?? null),
    validate: {
      name: (v) => (v.trim() === '' ? t('alerts.form.nameRequired') : null),
      businessId: (v) => (v === '' ? t('alerts.form.businessRequired') : null),
      url: (v, values) =>
        values.kind !== 'email' && !editing?.secrets.url && v.trim() === ''
          ? t('alerts.form.urlRequired')
          : v.trim() !== '' && !/^https?:\/\/\S+$/i.test(v.trim())
            ? t('alerts.form.urlInvalid')
            : null,
      host: (v, values) =>
        values.kind === 'email' && v.trim() === '' ? t('alerts.form.hostRequired') : null,
      from: (v, values) =>
        values.kind === 'email' && !/^\S+@\S+$/.test(v.trim()) ? t('alerts.form.addressInvalid') : null,
      to: (v, values) =>
        values.kind === 'email' && (v.length === 0 || v.some((a) => !/^\S+@\S+$/.test(a)))
          ? t('alerts.form.toInvalid')
          : null,
      password: (v, values) =>
        values.kind === 'email' &&
        values.user.trim() !== '' &&
        v === '' &&
        (!editing?.secrets.password || values.clearPassword)
          ? t('alerts.form.passwordRequired')
          : null,
    },
  });
  const v = form.values;

  const onError = (error: unknown) => {
    const placed = placeErrors(error, FIELDS, fieldForIssue);
    form.setErrors(placed.fields);
    setUnplaced(placed.unplaced);
  };
  const invalidate = [alertKeys.all, queryKeys.audit.all];
  const add = useCallMutation('alerts.channelAdd', { invalidate, onSuccess: onClose });
  const update = useCallMutation('alerts.channelUpdate', { invalidate, onSuccess: onClose });
  const pending = add.isPending || update.isPending;

  const submit = form.onSubmit((values) => {
    setUnplaced(null);
    if (editing) update.mutate(updateInput(editing, values), { onError });
    else add.mutate(addInput(values), { onError });
  });

  const kindLabel = (k: string) => t(`alerts.kinds.${k}`);

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {editing ? (
          <Group gap="xs">
            <Text size="sm">
              {t('alerts.form.kindFixed', { kind: kindLabel(editing.kind), business: editing.businessName })}
            </Text>
          </Group>
        ) : (
          <>
            <Select
              label={t('alerts.form.business')}
              data={businesses.map((b) => ({ value: b.id, label: b.name }))}
              required
              allowDeselect={false}
              searchable
              {...form.getInputProps('businessId')}
              data-testid="alert-form-business"
            />
            <Stack gap={4}>
              <Input.Label size="xs">{t('alerts.form.kind')}</Input.Label>
              <SegmentedControl
                data={KIND_ORDER.map((k) => ({ value: k, label: kindLabel(k) }))}
                value={v.kind}
                onChange={(k) => form.setFieldValue('kind', k as ChannelFormValues['kind'])}
                data-testid="alert-form-kind"
              />
              <Text size="xs" c="dimmed">
                {t(`alerts.form.kindHint.${v.kind}`)}
              </Text>
            </Stack>
          </>
        )}
        <Group grow align="flex-start">
          <TextInput
            label={t('alerts.form.name')}
            placeholder={t('alerts.form.namePlaceholder')}
            required
            data-autofocus
            autoComplete="off"
            {...form.getInputProps('name')}
            data-testid="alert-form-name"
          />
          <Switch
            mt={28}
            label={t('alerts.form.enabled')}
            {...form.getInputProps('enabled', { type: 'checkbox' })}
            data-testid="alert-form-enabled"
          />
        </Group>

        {v.kind !== 'email' && (
          <SecretField
            label={t('alerts.form.url')}
            description={
              editing?.secrets.url
                ? t('alerts.form.urlSetHint', { host: editing.destination })
                : t(`alerts.form.urlHint.${v.kind}`)
            }
            isSet={editing?.secrets.url ?? false}
            optional={false}
            value={v.url}
            onChange={(x) => form.setFieldValue('url', x)}
            cleared={false}
            onClear={() => undefined}
            error={form.errors.url}
            placeholder={t(`alerts.form.urlPlaceholder.${v.kind}`)}
            testId="alert-form-url"
            shown
          />
        )}

        {v.kind === 'dingtalk' && (
          <>
            <Group grow align="flex-start">
              <Stack gap={4}>
                <Input.Label size="xs">{t('alerts.form.msgtype')}</Input.Label>
                <SegmentedControl
                  data={[
                    { value: 'markdown', label: t('alerts.form.markdown') },
                    { value: 'text', label: t('alerts.form.text') },
                  ]}
                  value={v.msgtype}
                  onChange={(x) => form.setFieldValue('msgtype', x as 'markdown' | 'text')}
                />
              </Stack>
              <Switch
                mt={28}
                label={t('alerts.form.atAll')}
                {...form.getInputProps('atAll', { type: 'checkbox' })}
              />
            </Group>
            <TagsInput
              size="xs"
              label={t('alerts.form.atMobiles')}
              description={t('alerts.form.atMobilesHint')}
              {...form.getInputProps('atMobiles')}
              maxTags={20}
              clearable
            />
            <SecretField
              label={t('alerts.form.signSecret')}
              description={t('alerts.form.signSecretHint')}
              isSet={editing?.secrets.signSecret ?? false}
              optional
              value={v.signSecret}
              onChange={(x) => form.setFieldValue('signSecret', x)}
              cleared={v.clearSignSecret}
              onClear={(c) => form.setFieldValue('clearSignSecret', c)}
              error={form.errors.signSecret}
              placeholder="SEC…"
              testId="alert-form-sign-secret"
            />
          </>
        )}

        {v.kind === 'email' && (
          <>
            <Group grow align="flex-start">
              <TextInput
                label={t('alerts.form.host')}
                placeholder="smtp.example.com"
                required
                autoComplete="off"
                {...form.getInputProps('host')}
                data-testid="alert-form-host"
              />
              <Select
                label={t('alerts.form.tls')}
                data={(['starttls', 'tls', 'none'] as SmtpTlsMode[]).map((m) => ({
                  value: m,
                  label: t(`alerts.tls.${m}`),
                }))}
                allowDeselect={false}
                value={v.tls}
                onChange={(m) => {
                  if (!m) return;
                  const mode = m as SmtpTlsMode;
                  // Follow the usual port for the mode unless the user chose another one.
                  if (Object.values(DEFAULT_SMTP_PORT).includes(Number(v.port)))
                    form.setFieldValue('port', DEFAULT_SMTP_PORT[mode]);
                  form.setFieldValue('tls', mode);
                }}
                data-testid="alert-form-tls"
              />
              <NumberInput
                size="xs"
                label={t('alerts.form.port')}
                min={1}
                max={65535}
                allowDecimal={false}
                {...form.getInputProps('port')}
                data-testid="alert-form-port"
              />
            </Group>
            {v.tls === 'none' && (
              <Text size="xs" c="orange.8">
                {t('alerts.form.tlsNoneWarning')}
              </Text>
            )}
            <Group grow align="flex-start">
              <TextInput
                label={t('alerts.form.user')}
                description={t('alerts.form.userHint')}
                autoComplete="off"
                {...form.getInputProps('user')}
                data-testid="alert-form-user"
              />
              <SecretField
                label={t('alerts.form.password')}
                description={t('alerts.form.passwordHint')}
                isSet={editing?.secrets.password ?? false}
                optional
                value={v.password}
                onChange={(x) => form.setFieldValue('password', x)}
                cleared={v.clearPassword}
                onClear={(c) => form.setFieldValue('clearPassword', c)}
                error={form.errors.password}
                testId="alert-form-password"
              />
            </Group>
            <TextInput
              label={t('alerts.form.from')}
              placeholder="backup-console@example.com"
              required
              autoComplete="off"
              {...form.getInputProps('from')}
              data-testid="alert-form-from"
            />
            <TagsInput
              size="xs"
              label={t('alerts.form.to')}
              description={t('alerts.form.toHint')}
              required
              maxTags={50}
              {...form.getInputProps('to')}
              data-testid="alert-form-to"
            />
          </>
        )}

        {unplaced !== null && <ErrorAlert error={unplaced} title={t('alerts.form.failed')} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={pending} data-testid="alert-form-submit">
            {editing ? t('actions.save') : t('alerts.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The repository's keys (restic key list): add a per-host key (its
 * password is write-only: sent to restic on stdin, never stored, never
 * shown again) and remove one — revoking a host — after its first 8 hex
 * digits are typed. The console's own key cannot be removed.
 */
import { useMemo, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Badge,
  Button,
  Code,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, type Repo, type RepoKey } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { placeErrors } from '../../components/formErrors';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useHosts, useRepoKeys } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { withArgs } from './repoModel';

/** `… restic` from the `key list` command the core showed. */
function keysPrefix(command: string | undefined): string | null {
  const m = command ? / key list --json$/.exec(command) : null;
  return command && m ? command.slice(0, m.index) : null;
}

export function KeysPanel({ repo }: { repo: Repo }) {
  const { t } = useTranslation();
  const keys = useRepoKeys(repo.id);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<RepoKey | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const prefix = keysPrefix(keys.data?.command);

  const columns = useMemo<Column<RepoKey>[]>(
    () => [
      {
        id: 'id',
        header: t('repository.keys.columns.id'),
        accessorFn: (k) => k.id,
        cell: ({ row }) => (
          <Text span size="xs" ff="monospace" title={row.original.id}>
            {row.original.id.slice(0, 8)}
          </Text>
        ),
        meta: { width: 96 },
      },
      {
        id: 'user',
        header: t('repository.keys.columns.user'),
        accessorFn: (k) => k.userName,
        cell: ({ row }) => displaySafe(row.original.userName) || '—',
        meta: { width: '18%' },
      },
      {
        id: 'host',
        header: t('repository.keys.columns.host'),
        accessorFn: (k) => k.hostName,
        cell: ({ row }) => displaySafe(row.original.hostName) || '—',
      },
      {
        id: 'created',
        header: t('repository.keys.columns.created'),
        accessorFn: (k) => Date.parse(k.created),
        cell: ({ row }) => <LocalTime iso={row.original.created} size="xs" />,
        sortDescFirst: true,
        meta: { width: 150 },
      },
      {
        id: 'current',
        header: t('repository.keys.columns.current'),
        accessorFn: (k) => (k.current ? 1 : 0),
        cell: ({ row }) =>
          row.original.current ? (
            <Tooltip label={t('repository.keys.currentHint')} multiline maw={300}>
              <Badge color="indigo" tt="none" data-testid="key-current">
                {t('repository.keys.current')}
              </Badge>
            </Tooltip>
          ) : null,
        meta: { width: 150, actions: true },
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: ({ row }) =>
          row.original.current ? (
            <Tooltip label={t('repository.keys.cannotRemoveCurrent')} multiline maw={260}>
              <span>
                <ActionIcon variant="subtle" color="gray" disabled aria-label={t('repository.keys.remove')}>
                  <IconTrash size={14} />
                </ActionIcon>
              </span>
            </Tooltip>
          ) : (
            <Tooltip label={t('repository.keys.remove')}>
              <ActionIcon
                variant="subtle"
                color="red"
                onClick={() => setRemoving(row.original)}
                aria-label={t('repository.keys.removeFor', { id: row.original.id.slice(0, 8) })}
                data-testid="key-remove"
              >
                <IconTrash size={14} />
              </ActionIcon>
            </Tooltip>
          ),
        meta: { width: 44, actions: true, align: 'center' },
      },
    ],
    [t],
  );

  return (
    <Stack gap={6} style={{ flex: 1, minHeight: 0 }} data-testid="keys-panel">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <Text size="xs" fw={600}>
            {t('repository.keys.title')}
          </Text>
          {keys.data && (
            <Text size="xs" c="dimmed" data-testid="keys-count">
              {t('repository.keys.count', { count: keys.data.keys.length })}
            </Text>
          )}
        </Group>
        <Button leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)} data-testid="key-add">
          {t('repository.keys.add')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('repository.keys.intro')}
      </Text>
      {keys.isPending ? (
        <TableSkeleton label={t('repository.keys.loading')} rows={3} />
      ) : keys.isError ? (
        <ErrorAlert
          error={keys.error}
          title={t('repository.keys.loadFailed')}
          onRetry={() => void keys.refetch()}
        />
      ) : (
        <>
          <CommandLine command={keys.data.command} testId="keys-command" />
          <DataTable
            data={keys.data.keys}
            columns={columns}
            getRowId={(k) => k.id}
            label={t('repository.keys.title')}
            testId="keys-table"
            rowTestId="key-row"
            selectedId={selected}
            onSelect={setSelected}
            initialSorting={[{ id: 'created', desc: false }]}
            empty={
              <Text size="xs" c="dimmed">
                {t('repository.keys.empty')}
              </Text>
            }
            rowAttributes={(k) => ({ 'data-key-id': k.id, 'data-current': String(k.current) })}
            style={{ flex: '0 1 auto' }}
          />
        </>
      )}
      <AddKeyModal repo={repo} opened={adding} onClose={() => setAdding(false)} prefix={prefix} />
      <RemoveKeyModal repo={repo} repoKey={removing} onClose={() => setRemoving(null)} prefix={prefix} />
    </Stack>
  );
}

interface AddValues {
  hostName: string;
  password: string;
  repeat: string;
}

function AddKeyModal({
  repo,
  opened,
  onClose,
  prefix,
}: {
  repo: Repo;
  opened: boolean;
  onClose(): void;
  prefix: string | null;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('repository.keys.addTitle', { name: repo.name })}
      size="lg"
      data-testid="key-add-dialog"
    >
      {opened && <AddKeyForm repo={repo} onClose={onClose} prefix={prefix} />}
    </Modal>
  );
}

function AddKeyForm({ repo, onClose, prefix }: { repo: Repo; onClose(): void; prefix: string | null }) {
  const { t } = useTranslation();
  const hosts = useHosts();
  const form = useForm<AddValues>({
    mode: 'controlled',
    initialValues: { hostName: '', password: '', repeat: '' },
    validate: {
      hostName: (v) => (v.length > 255 ? t('repository.keys.errors.hostLong') : null),
      password: (v) =>
        v.length < 8
          ? t('repository.keys.errors.short')
          : /[\r\n\0]/.test(v)
            ? t('repository.keys.errors.oneLine')
            : null,
      repeat: (v, values) => (v !== values.password ? t('repository.keys.errors.mismatch') : null),
    },
  });
  const add = useCallMutation('repos.keyAdd', {
    invalidate: [queryKeys.repos.keys(repo.id), queryKeys.audit.all],
    onSuccess: (value) => {
      notifications.show({
        color: 'teal',
        message: t('repository.keys.added', { id: value.key.id.slice(0, 8), host: value.key.hostName }),
      });
      onClose();
    },
  });
  const placed = add.error ? placeErrors(add.error, ['hostName', 'password']) : null;
  return (
    <form
      onSubmit={form.onSubmit((v) =>
        add.mutate({
          id: repo.id,
          password: v.password,
          ...(v.hostName.trim() ? { hostName: v.hostName.trim() } : {}),
        }),
      )}
    >
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          {t('repository.keys.addIntro')}
        </Text>
        <Autocomplete
          size="xs"
          label={t('repository.keys.hostName')}
          description={t('repository.keys.hostNameHint')}
          data={[...new Set((hosts.data ?? []).filter((h) => h.kind === 'ssh').map((h) => h.name))]}
          data-autofocus
          data-testid="key-host"
          {...form.getInputProps('hostName')}
          error={form.errors.hostName ?? placed?.fields.hostName}
        />
        <PasswordInput
          size="xs"
          label={t('repository.keys.password')}
          description={t('repository.keys.passwordHint')}
          autoComplete="new-password"
          data-testid="key-password"
          {...form.getInputProps('password')}
          error={form.errors.password ?? placed?.fields.password}
        />
        <PasswordInput
          size="xs"
          label={t('repository.keys.repeat')}
          autoComplete="new-password"
          data-testid="key-password-repeat"
          {...form.getInputProps('repeat')}
        />
        <CommandLine
          command={(() => {
            const host = form.values.hostName.trim();
            const line = withArgs(prefix, ['key', 'add', ...(host ? [`--host=${host}`] : [])]);
            return line ? `${line}  # ${t('repository.keys.stdinNote')}` : undefined;
          })()}
          testId="key-add-command"
        />
        <Alert color="gray" variant="light" py={6} icon={<IconKey size={14} />}>
          <Text size="xs">{t('repository.keys.writeOnly')}</Text>
        </Alert>
        {placed?.unplaced ? <ErrorAlert error={placed.unplaced} /> : null}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending} data-testid="key-add-submit">
            {t('repository.keys.addSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RemoveKeyModal({
  repo,
  repoKey,
  onClose,
  prefix,
}: {
  repo: Repo;
  repoKey: RepoKey | null;
  onClose(): void;
  prefix: string | null;
}) {
  const { t } = useTranslation();
  const remove = useCallMutation('repos.keyRemove', {
    invalidate: [queryKeys.repos.keys(repo.id), queryKeys.audit.all],
    onSuccess: (_value, input) => {
      notifications.show({
        color: 'teal',
        message: t('repository.keys.removed', { id: input.keyId.slice(0, 8) }),
      });
      onClose();
    },
  });
  const short = repoKey?.id.slice(0, 8) ?? '';
  return (
    <TypedConfirmModal
      key={repoKey?.id ?? 'none'}
      opened={repoKey !== null}
      onClose={() => {
        remove.reset();
        onClose();
      }}
      title={t('repository.keys.removeTitle')}
      name={short}
      confirmLabel={t('repository.keys.removeConfirm')}
      onConfirm={(confirm) => repoKey && remove.mutate({ id: repo.id, keyId: repoKey.id, confirm })}
      pending={remove.isPending}
      error={remove.error}
      testId="key-remove-confirm"
      size="lg"
      prompt={t('repository.keys.removePrompt')}
    >
      {repoKey && (
        <>
          <Text size="sm">
            {t('repository.keys.removeBody', {
              user: displaySafe(repoKey.userName) || '—',
              host: displaySafe(repoKey.hostName) || '—',
            })}
          </Text>
          <Text size="xs" c="dimmed">
            <Code>{repoKey.id}</Code>
          </Text>
          <CommandLine
            command={withArgs(prefix, ['key', 'remove', '--', repoKey.id])}
            testId="key-remove-command"
          />
        </>
      )}
    </TypedConfirmModal>
  );
}

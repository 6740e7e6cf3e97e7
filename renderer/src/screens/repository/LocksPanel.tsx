/**
 * The repository's locks: who holds each (host, user, pid), whether that
 * process is still alive on its host (asked over SSH), age and kind. Unlock
 * is offered safely: a plain unlock removes only stale locks (and says
 * which); "remove all" needs the repository name typed and warns loudly
 * when a lock's process is alive.
 */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, List, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconLockOpen, IconLockOpenOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatLocalTime, type Repo, type RepoLock } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { DataTable, type Column } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useHosts } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { formatAgeSeconds, withArgs } from './repoModel';

const PID_COLOR: Record<RepoLock['pidState'], string> = {
  alive: 'orange',
  dead: 'gray',
  'unknown-host': 'yellow',
  unchecked: 'yellow',
};

export function PidStateBadge({ lock }: { lock: RepoLock }) {
  const { t } = useTranslation();
  const hint = [t(`repository.locks.pidHint.${lock.pidState}`), lock.note].filter(Boolean).join(' — ');
  return (
    <Tooltip label={hint} multiline maw={340}>
      <Badge
        color={PID_COLOR[lock.pidState]}
        tt="none"
        data-testid="lock-pid-state"
        data-state={lock.pidState}
      >
        {t(`repository.locks.pid.${lock.pidState}`)}
      </Badge>
    </Tooltip>
  );
}

function lockOwner(lock: RepoLock): string {
  return `${displaySafe(lock.username)}@${displaySafe(lock.hostname)} pid ${lock.pid}`;
}

interface Props {
  repo: Repo;
  locks: RepoLock[];
  prefix: string | null;
  locksCommand: string | undefined;
}

export function LocksPanel({ repo, locks, prefix, locksCommand }: Props) {
  const { t } = useTranslation();
  const hosts = useHosts();
  const hostNames = useMemo(() => new Map((hosts.data ?? []).map((h) => [h.id, h.name])), [hosts.data]);
  const [plain, setPlain] = useState(false);
  const [all, setAll] = useState(false);

  const columns = useMemo<Column<RepoLock>[]>(
    () => [
      {
        id: 'host',
        header: t('repository.locks.columns.host'),
        accessorFn: (l) => l.hostname,
        cell: ({ row }) => {
          const l = row.original;
          const inv = l.ownerHostId ? hostNames.get(l.ownerHostId) : undefined;
          return (
            <span title={inv ? t('repository.locks.inventoryHost', { name: inv }) : undefined}>
              {displaySafe(l.hostname)}
              {inv && inv !== l.hostname ? (
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({inv})
                </Text>
              ) : null}
            </span>
          );
        },
      },
      {
        id: 'user',
        header: t('repository.locks.columns.user'),
        accessorFn: (l) => l.username,
        cell: ({ row }) => displaySafe(row.original.username),
        meta: { width: 100 },
      },
      {
        id: 'pid',
        header: t('repository.locks.columns.pid'),
        accessorFn: (l) => l.pid,
        meta: { width: 76, align: 'right' },
      },
      {
        id: 'pidState',
        header: t('repository.locks.columns.process'),
        accessorFn: (l) => l.pidState,
        cell: ({ row }) => <PidStateBadge lock={row.original} />,
        meta: { width: 150, actions: true },
      },
      {
        id: 'age',
        header: t('repository.locks.columns.age'),
        accessorFn: (l) => l.ageSeconds ?? -1,
        cell: ({ row }) => (
          <Tooltip label={formatLocalTime(row.original.time)}>
            <span data-testid="lock-age">{formatAgeSeconds(row.original.ageSeconds)}</span>
          </Tooltip>
        ),
        meta: { width: 96, align: 'right' },
      },
      {
        id: 'kind',
        header: t('repository.locks.columns.kind'),
        accessorFn: (l) => (l.exclusive ? 1 : 0),
        cell: ({ row }) => (
          <Tooltip label={t(`repository.locks.kindHint.${row.original.exclusive ? 'exclusive' : 'shared'}`)}>
            <Badge
              color={row.original.exclusive ? 'grape' : 'gray'}
              variant={row.original.exclusive ? 'light' : 'outline'}
              tt="none"
            >
              {t(`repository.locks.kinds.${row.original.exclusive ? 'exclusive' : 'shared'}`)}
            </Badge>
          </Tooltip>
        ),
        meta: { width: 96, actions: true },
      },
      {
        id: 'stale',
        header: t('repository.locks.columns.plainUnlock'),
        accessorFn: (l) => (l.stale ? 1 : 0),
        cell: ({ row }) =>
          row.original.stale ? (
            <Text span size="xs">
              {t('repository.locks.removedStale')}
            </Text>
          ) : (
            <Text span size="xs" c="dimmed">
              {t('repository.locks.keptLive')}
            </Text>
          ),
        meta: { width: 170 },
      },
    ],
    [t, hostNames],
  );

  const stale = locks.filter((l) => l.stale);
  const alive = locks.filter((l) => l.pidState === 'alive');

  return (
    <Stack gap={6} data-testid="locks-panel">
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Group gap={6} wrap="nowrap">
          <Text size="xs" fw={600}>
            {t('repository.locks.title')}
          </Text>
          <Text size="xs" c="dimmed" data-testid="locks-count">
            {locks.length === 0
              ? t('repository.locks.none')
              : t('repository.locks.count', { count: locks.length, stale: stale.length })}
          </Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          <Button
            variant="default"
            leftSection={<IconLockOpen size={14} />}
            onClick={() => setPlain(true)}
            disabled={locks.length === 0}
            data-testid="unlock-stale"
          >
            {t('repository.unlock.stale')}
          </Button>
          <Button
            variant="subtle"
            color="red"
            leftSection={<IconLockOpenOff size={14} />}
            onClick={() => setAll(true)}
            disabled={locks.length === 0}
            data-testid="unlock-all"
          >
            {t('repository.unlock.all')}
          </Button>
        </Group>
      </Group>
      {locks.length > 0 && (
        <DataTable
          data={locks}
          columns={columns}
          getRowId={(l) => l.id}
          label={t('repository.locks.title')}
          testId="locks-table"
          rowTestId="lock-row"
          empty={null}
          style={{ flex: '0 0 auto', maxHeight: 180 }}
          rowAttributes={(l) => ({ 'data-pid-state': l.pidState })}
        />
      )}
      <CommandLine command={locksCommand} testId="locks-command" />
      <UnlockModal repo={repo} opened={plain} onClose={() => setPlain(false)} locks={locks} prefix={prefix} />
      <RemoveAllLocksModal
        repo={repo}
        opened={all}
        onClose={() => setAll(false)}
        alive={alive}
        count={locks.length}
        prefix={prefix}
      />
    </Stack>
  );
}

function LockLine({ lock }: { lock: RepoLock }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" span>
      {lockOwner(lock)} · {t(`repository.locks.kinds.${lock.exclusive ? 'exclusive' : 'shared'}`)} ·{' '}
      {formatAgeSeconds(lock.ageSeconds)} · {t(`repository.locks.pid.${lock.pidState}`)}
    </Text>
  );
}

function UnlockModal({
  repo,
  opened,
  onClose,
  locks,
  prefix,
}: {
  repo: Repo;
  opened: boolean;
  onClose(): void;
  locks: RepoLock[];
  prefix: string | null;
}) {
  const { t } = useTranslation();
  const unlock = useCallMutation('repos.unlock', {
    invalidate: [queryKeys.repos.detail(repo.id), queryKeys.audit.all],
  });
  const close = () => {
    unlock.reset();
    onClose();
  };
  const stale = locks.filter((l) => l.stale);
  const live = locks.filter((l) => !l.stale);
  const result = unlock.data;
  return (
    <Modal
      opened={opened}
      onClose={close}
      title={t('repository.unlock.title')}
      size="lg"
      data-testid="unlock-dialog"
    >
      <Stack gap="sm">
        <Text size="sm">{t('repository.unlock.explain')}</Text>
        {!result && (
          <>
            <div>
              <Text size="xs" fw={600}>
                {t('repository.unlock.willRemove', { count: stale.length })}
              </Text>
              <List size="xs" spacing={0}>
                {stale.map((l) => (
                  <List.Item key={l.id}>
                    <LockLine lock={l} />
                  </List.Item>
                ))}
              </List>
            </div>
            {live.length > 0 && (
              <div>
                <Text size="xs" fw={600}>
                  {t('repository.unlock.willKeep', { count: live.length })}
                </Text>
                <List size="xs" spacing={0}>
                  {live.map((l) => (
                    <List.Item key={l.id}>
                      <LockLine lock={l} />
                    </List.Item>
                  ))}
                </List>
              </div>
            )}
          </>
        )}
        <CommandLine command={withArgs(prefix, ['unlock'])} testId="unlock-command" />
        {unlock.isError && <ErrorAlert error={unlock.error} />}
        {result && (
          <Alert color="teal" variant="light" py={6} data-testid="unlock-result">
            <Text size="xs">{t('repository.unlock.removed', { count: result.removed.length })}</Text>
            {result.remaining.length > 0 && (
              <Text size="xs">{t('repository.unlock.remaining', { count: result.remaining.length })}</Text>
            )}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            {result ? t('repository.close') : t('actions.cancel')}
          </Button>
          {!result && (
            <Button
              leftSection={<IconLockOpen size={14} />}
              onClick={() => unlock.mutate({ id: repo.id })}
              loading={unlock.isPending}
              data-testid="unlock-submit"
            >
              {t('repository.unlock.stale')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function RemoveAllLocksModal({
  repo,
  opened,
  onClose,
  alive,
  count,
  prefix,
}: {
  repo: Repo;
  opened: boolean;
  onClose(): void;
  alive: RepoLock[];
  count: number;
  prefix: string | null;
}) {
  const { t } = useTranslation();
  const unlock = useCallMutation('repos.unlock', {
    invalidate: [queryKeys.repos.detail(repo.id), queryKeys.audit.all],
    onSuccess: (value) => {
      notifications.show({
        color: 'teal',
        message: t('repository.unlock.removed', { count: value.removed.length }),
      });
      onClose();
    },
  });
  return (
    <TypedConfirmModal
      opened={opened}
      onClose={() => {
        unlock.reset();
        onClose();
      }}
      title={t('repository.unlock.allTitle')}
      name={repo.name}
      confirmLabel={t('repository.unlock.allConfirm', { count })}
      onConfirm={(confirm) => unlock.mutate({ id: repo.id, removeAll: true, confirm })}
      pending={unlock.isPending}
      error={unlock.error}
      testId="unlock-all-confirm"
      size="lg"
    >
      <Text size="sm">{t('repository.unlock.allExplain')}</Text>
      {alive.length > 0 && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle size={16} />}
          title={t('repository.unlock.aliveTitle', { count: alive.length })}
          data-testid="unlock-alive-warning"
        >
          <Stack gap={2}>
            {alive.map((l) => (
              <Text key={l.id} size="xs">
                {lockOwner(l)} · {t(`repository.locks.kinds.${l.exclusive ? 'exclusive' : 'shared'}`)} ·{' '}
                <LocalTime iso={l.time} size="xs" />
              </Text>
            ))}
            <Text size="xs">{t('repository.unlock.aliveExplain')}</Text>
          </Stack>
        </Alert>
      )}
      <CommandLine command={withArgs(prefix, ['unlock', '--remove-all'])} testId="unlock-all-command" />
    </TypedConfirmModal>
  );
}

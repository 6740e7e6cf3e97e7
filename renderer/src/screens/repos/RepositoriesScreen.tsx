import { useEffect, useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconDots, IconExternalLink, IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Host, Repo } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useHosts, useRepos } from '../../queries/hooks';
import { useUiStore } from '../../state/uiStore';
import { SnapshotsPanel } from '../snapshots/SnapshotsPanel';
import { AddRepositoryModal } from './AddRepositoryModal';
import { RemoveRepoModal, SetPasswordModal } from './RepoDialogs';

const KIND_COLOR: Record<Repo['kind'], string> = {
  local: 'gray',
  sftp: 'grape',
  s3: 'teal',
  rest: 'cyan',
  other: 'gray',
};

function ReposTable({
  repos,
  hosts,
  onSetPassword,
  onRemove,
}: {
  repos: Repo[];
  hosts: Map<string, Host>;
  onSetPassword(repo: Repo): void;
  onRemove(repo: Repo): void;
}) {
  const { t } = useTranslation();
  const selected = useUiStore((s) => s.selectedRepoId);
  const selectRepo = useUiStore((s) => s.selectRepo);
  const openRepo = useUiStore((s) => s.openRepo);

  const move = (from: HTMLElement, delta: number) => {
    const rows = Array.from(from.closest('tbody')?.querySelectorAll<HTMLElement>('tr[data-repo-id]') ?? []);
    const next = rows[rows.indexOf(from) + delta];
    if (next) {
      next.focus();
      selectRepo(next.dataset.repoId ?? null);
    }
  };

  return (
    <div className="rfc-scroller" style={{ flex: '0 1 auto', maxHeight: '32vh' }}>
      <Table
        className="rfc-table"
        stickyHeader
        highlightOnHover
        aria-label={t('repos.tableLabel')}
        data-testid="repos-table"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th style={{ width: '18%' }}>{t('repos.columns.name')}</Table.Th>
            <Table.Th>{t('repos.columns.location')}</Table.Th>
            <Table.Th style={{ width: 80 }}>{t('repos.columns.kind')}</Table.Th>
            <Table.Th style={{ width: '14%' }}>{t('repos.columns.host')}</Table.Th>
            <Table.Th style={{ width: '14%' }}>{t('repos.columns.business')}</Table.Th>
            <Table.Th style={{ width: 96 }}>{t('repos.columns.password')}</Table.Th>
            <Table.Th style={{ width: 40 }} aria-label={t('repos.actions')} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {repos.map((repo) => {
            const host = hosts.get(repo.hostId);
            const isSelected = repo.id === selected;
            return (
              <Table.Tr
                key={repo.id}
                className="rfc-row"
                data-repo-id={repo.id}
                data-testid="repo-row"
                aria-selected={isSelected}
                tabIndex={0}
                onClick={() => selectRepo(repo.id)}
                onDoubleClick={() => openRepo(repo.id, 'overview')}
                title={t('repository.openHint')}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                    e.preventDefault();
                    move(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
                  } else if (e.key === 'Enter') {
                    e.preventDefault();
                    openRepo(repo.id, 'overview');
                  } else if (e.key === ' ') {
                    e.preventDefault();
                    selectRepo(repo.id);
                  }
                }}
              >
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="xs" fw={500} truncate>
                      {repo.name}
                    </Text>
                    {repo.demo && (
                      <Badge size="xs" color="yellow">
                        {t('repos.demo')}
                      </Badge>
                    )}
                    {repo.role === 'offsite' && (
                      <Badge size="xs" color="grape">
                        {t('repos.roles.offsite')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td className="rfc-mono" title={repo.location}>
                  {repo.location}
                </Table.Td>
                <Table.Td>
                  <Badge size="xs" color={KIND_COLOR[repo.kind]} variant="light">
                    {t(`repos.kinds.${repo.kind}`)}
                  </Badge>
                </Table.Td>
                <Table.Td title={host?.address ?? repo.hostId}>{host?.name ?? repo.hostId}</Table.Td>
                <Table.Td>
                  {repo.business ?? (
                    <Text span size="xs" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  {repo.passwordSet ? (
                    <Tooltip label={t('repos.passwordSetTooltip')} multiline maw={300}>
                      <Badge size="xs" color="gray" variant="outline" data-testid="repo-password-set">
                        {t('repos.passwordSet')}
                      </Badge>
                    </Tooltip>
                  ) : (
                    <Tooltip label={t('repos.noPasswordTooltip')} multiline maw={300}>
                      <Badge size="xs" color="orange" data-testid="repo-password-missing">
                        {t('repos.noPassword')}
                      </Badge>
                    </Tooltip>
                  )}
                </Table.Td>
                <Table.Td
                  style={{ overflow: 'visible' }}
                  onClick={(e) => e.stopPropagation()}
                  onKeyDown={(e) => e.stopPropagation()}
                >
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={t('repos.actionsFor', { name: repo.name })}
                        data-testid="repo-actions"
                      >
                        <IconDots size={14} />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item
                        leftSection={<IconExternalLink size={14} />}
                        onClick={() => openRepo(repo.id, 'overview')}
                        data-testid="repo-open-menu"
                      >
                        {t('repository.open')}
                      </Menu.Item>
                      <Menu.Item leftSection={<IconKey size={14} />} onClick={() => onSetPassword(repo)}>
                        {repo.passwordSet ? t('repos.password.replace') : t('repos.password.set')}
                      </Menu.Item>
                      <Menu.Item
                        leftSection={<IconTrash size={14} />}
                        color="red"
                        onClick={() => onRemove(repo)}
                      >
                        {t('repos.remove.action')}
                      </Menu.Item>
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}

export function RepositoriesScreen() {
  const { t } = useTranslation();
  const repos = useRepos();
  const hosts = useHosts();
  const selectedRepoId = useUiStore((s) => s.selectedRepoId);
  const selectRepo = useUiStore((s) => s.selectRepo);
  const openRepo = useUiStore((s) => s.openRepo);

  const hostMap = useMemo(() => new Map((hosts.data ?? []).map((h) => [h.id, h])), [hosts.data]);
  const [adding, setAdding] = useState(false);
  const [passwordFor, setPasswordFor] = useState<Repo | null>(null);
  const [removing, setRemoving] = useState<Repo | null>(null);
  const selected = repos.data?.find((r) => r.id === selectedRepoId) ?? null;

  // Keep a valid selection: the remembered repository if it still exists, else the first one.
  useEffect(() => {
    if (!repos.data) return;
    if (!repos.data.some((r) => r.id === selectedRepoId)) selectRepo(repos.data[0]?.id ?? null);
  }, [repos.data, selectedRepoId, selectRepo]);

  return (
    <Stack p="sm" gap="xs" style={{ flex: 1, minHeight: 0 }} data-testid="screen-repositories">
      <Group justify="space-between" gap="xs">
        <Title order={2} size="h6">
          {t('repos.title')}
        </Title>
        <Group gap="xs" wrap="nowrap">
          {repos.data && (
            <Text size="xs" c="dimmed" data-testid="repos-count">
              {t('repos.count', { count: repos.data.length })}
            </Text>
          )}
          <Button
            variant="default"
            leftSection={<IconExternalLink size={14} />}
            disabled={!selected}
            onClick={() => selected && openRepo(selected.id, 'overview')}
            title={t('repository.openHint')}
            data-testid="repo-open"
          >
            {t('repository.open')}
          </Button>
          <Button leftSection={<IconPlus size={14} />} onClick={() => setAdding(true)} data-testid="repo-add">
            {t('repos.add.button')}
          </Button>
        </Group>
      </Group>
      {repos.isPending ? (
        <Stack gap={4} aria-busy="true">
          <Text size="xs" c="dimmed">
            {t('repos.loading')}
          </Text>
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} height={22} />
          ))}
        </Stack>
      ) : repos.isError ? (
        <ErrorAlert error={repos.error} title={t('repos.loadFailed')} onRetry={() => void repos.refetch()} />
      ) : repos.data.length === 0 ? (
        <Paper withBorder p="md">
          <Text size="sm" fw={500}>
            {t('repos.emptyTitle')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('repos.emptyBody')}
          </Text>
        </Paper>
      ) : (
        <ReposTable
          repos={repos.data}
          hosts={hostMap}
          onSetPassword={setPasswordFor}
          onRemove={setRemoving}
        />
      )}
      {hosts.isError && !repos.isError && <ErrorAlert error={hosts.error} title={t('repos.hostsFailed')} />}
      {selected && <SnapshotsPanel repo={selected} />}
      <AddRepositoryModal opened={adding} onClose={() => setAdding(false)} />
      <SetPasswordModal repo={passwordFor} onClose={() => setPasswordFor(null)} />
      <RemoveRepoModal repo={removing} onClose={() => setRemoving(null)} />
    </Stack>
  );
}

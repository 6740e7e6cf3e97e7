/** One host: how the console reaches it, its host key, a connection test, its key, and what uses it. */
import { useState } from 'react';
import {
  Badge,
  Button,
  Collapse,
  Drawer,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconKey, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isConsoleError, type HostDetail } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useHost, usePlans, useRepos } from '../../queries/hooks';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { AuthorizedKeys } from './AuthorizedKeys';
import { keyErrorField } from './HostFormModal';
import { HostKeyPanel } from './HostKeyPanel';
import { HostTestPanel } from './HostTestPanel';
import {
  EMPTY_KEY_FIELDS,
  KeyMaterialFields,
  keyProblem,
  toKeyMaterial,
  type KeyFieldsValue,
} from './KeyMaterialFields';

function ReplaceKey({ host, onPublicKey }: { host: HostDetail; onPublicKey(key: string): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState<KeyFieldsValue>(EMPTY_KEY_FIELDS);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [passphraseError, setPassphraseError] = useState<string | null>(null);
  const setKeyCall = useCallMutation('hosts.setKey', {
    invalidate: [queryKeys.hosts.all, queryKeys.audit.all],
    onSuccess: (result) => {
      setOpen(false);
      setKey(EMPTY_KEY_FIELDS);
      if (result.publicKey) onPublicKey(result.publicKey);
    },
  });
  if (host.kind === 'local') return null;
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between">
        <Group gap={6}>
          <IconKey size={16} aria-hidden />
          <Title order={3} size="h6">
            {t('hosts.key.title')}
          </Title>
          {host.authKind === 'agent' ? (
            <Badge color="gray">{t('hosts.auth.agent')}</Badge>
          ) : host.privateKeySet ? (
            <Badge color="teal" data-testid="host-key-set">
              {t('hosts.auth.keySet')}
            </Badge>
          ) : (
            <Badge color="orange">{t('hosts.auth.noKey')}</Badge>
          )}
        </Group>
        <Button
          variant="subtle"
          size="compact-xs"
          leftSection={open ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />}
          onClick={() => setOpen((o) => !o)}
          data-testid="host-replace-key-toggle"
        >
          {host.privateKeySet ? t('hosts.key.replace') : t('hosts.key.set')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        {t('hosts.key.neverShown')}
      </Text>
      <Collapse expanded={open}>
        <Stack gap="xs" mt="xs">
          <KeyMaterialFields
            value={key}
            onChange={setKey}
            error={keyError}
            passphraseError={passphraseError}
          />
          {setKeyCall.isError && keyErrorField(setKeyCall.error) === null && (
            <ErrorAlert error={setKeyCall.error} />
          )}
          <Group justify="flex-end">
            <Button
              onClick={() => {
                setKeyError(null);
                setPassphraseError(null);
                const problem = keyProblem(key);
                if (problem) {
                  setKeyError(t(`hosts.key.problems.${problem}`));
                  return;
                }
                setKeyCall.mutate(
                  { id: host.id, key: toKeyMaterial(key) },
                  {
                    onError: (error) => {
                      const field = keyErrorField(error);
                      if (field === 'passphrase' && isConsoleError(error)) setPassphraseError(error.message);
                      else if (field === 'key' && isConsoleError(error)) setKeyError(error.message);
                    },
                  },
                );
              }}
              loading={setKeyCall.isPending}
              data-testid="host-replace-key-submit"
            >
              {t('hosts.key.save')}
            </Button>
          </Group>
        </Stack>
      </Collapse>
    </Paper>
  );
}

export function HostDrawer({
  hostId,
  publicKey,
  onClose,
  onEdit,
  onRemove,
}: {
  hostId: string | null;
  /** A key generated just now: its authorized_keys line is shown on top. */
  publicKey: string | null;
  onClose(): void;
  onEdit(host: HostDetail): void;
  onRemove(host: HostDetail): void;
}) {
  const { t } = useTranslation();
  const host = useHost(hostId);
  const plans = usePlans();
  const repos = useRepos();
  // A key generated here (Replace key) wins over the one the add form passed, for this host only.
  const [replaced, setReplaced] = useState<{ hostId: string; publicKey: string } | null>(null);
  const generated = replaced && replaced.hostId === hostId ? replaced.publicKey : publicKey;
  const setGenerated = (key: string) => hostId && setReplaced({ hostId, publicKey: key });
  const h = host.data;
  const hostPlans = (plans.data ?? []).filter((p) => p.hostId === hostId);
  const hostRepos = (repos.data ?? []).filter((r) => r.hostId === hostId);

  return (
    <Drawer
      opened={hostId !== null}
      onClose={onClose}
      position="right"
      size={620}
      title={
        h ? (
          <Group gap={6}>
            <Text fw={600}>{h.name}</Text>
            <Badge color={h.kind === 'local' ? 'gray' : 'indigo'}>{t(`hosts.kinds.${h.kind}`)}</Badge>
          </Group>
        ) : (
          t('hosts.title')
        )
      }
      data-testid="host-drawer"
    >
      {host.isPending ? (
        <Stack gap={6}>
          <Skeleton height={80} />
          <Skeleton height={120} />
        </Stack>
      ) : host.isError ? (
        <ErrorAlert error={host.error} title={t('hosts.loadOneFailed')} onRetry={() => void host.refetch()} />
      ) : h ? (
        <Stack gap="sm">
          {generated && <AuthorizedKeys publicKey={generated} user={h.user ?? 'root'} hostName={h.name} />}
          <Table withRowBorders={false} verticalSpacing={2} fz="xs" data-testid="host-facts">
            <Table.Tbody>
              <Table.Tr>
                <Table.Td c="dimmed" w={130} pl={0}>
                  {t('hosts.columns.address')}
                </Table.Td>
                <Table.Td ff="monospace">
                  {h.kind === 'local'
                    ? t('hosts.localAddress')
                    : `${h.user ?? '?'}@${h.address ?? '?'}:${h.port ?? 22}`}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td c="dimmed" pl={0}>
                  {t('hosts.columns.usage')}
                </Table.Td>
                <Table.Td>
                  {t('hosts.usage', { plans: hostPlans.length, repos: hostRepos.length })}
                  {hostPlans.length > 0 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      · {hostPlans.map((p) => p.name).join(', ')}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <HostKeyPanel host={h} />
          <HostTestPanel host={h} />
          <ReplaceKey host={h} onPublicKey={setGenerated} />
          {h.kind !== 'local' && (
            <Group justify="space-between" mt="xs">
              <Button
                variant="default"
                leftSection={<IconPencil size={14} />}
                onClick={() => onEdit(h)}
                data-testid="host-edit"
              >
                {t('actions.edit')}
              </Button>
              <Button
                variant="light"
                color="red"
                leftSection={<IconTrash size={14} />}
                onClick={() => onRemove(h)}
                data-testid="host-remove"
              >
                {t('hosts.remove')}
              </Button>
            </Group>
          )}
        </Stack>
      ) : null}
    </Drawer>
  );
}

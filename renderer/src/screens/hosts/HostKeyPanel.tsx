/**
 * Host-key trust, the way OpenSSH does it but spelled out: the first
 * connection shows the SHA256 fingerprint (the same string `ssh-keygen -lf`
 * prints) and nothing is pinned until the user accepts it; a CHANGED key
 * is a red stop with both fingerprints, and re-pinning needs the host's
 * name typed.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertOctagon, IconFingerprint, IconShieldCheck, IconShieldQuestion } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { HostDetail, HostKeyScan } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { Copyable, shellQuote } from './AuthorizedKeys';

/** The host key file `ssh-keygen -lf` reads on the host for this algorithm. */
export function hostKeyFile(algorithm: string): string {
  if (algorithm.includes('ed25519')) return '/etc/ssh/ssh_host_ed25519_key.pub';
  if (algorithm.startsWith('ecdsa')) return '/etc/ssh/ssh_host_ecdsa_key.pub';
  if (algorithm.includes('rsa')) return '/etc/ssh/ssh_host_rsa_key.pub';
  return '/etc/ssh/ssh_host_*_key.pub';
}

/** The same fingerprint taken from a second machine, as OpenSSH users check it. */
export function keyscanCommand(host: Pick<HostDetail, 'address' | 'port'>, algorithm: string): string {
  const port = host.port && host.port !== 22 ? `-p ${host.port} ` : '';
  const type = algorithm.includes('ed25519')
    ? 'ed25519'
    : algorithm.startsWith('ecdsa')
      ? 'ecdsa'
      : algorithm.includes('rsa')
        ? 'rsa'
        : '';
  return `ssh-keyscan ${type ? `-t ${type} ` : ''}${port}${shellQuote(host.address ?? '')} 2>/dev/null | ssh-keygen -lf -`;
}

function Fingerprint({ value, testId }: { value: string; testId: string }) {
  return (
    <span className="rfc-fingerprint" data-testid={testId}>
      {value}
    </span>
  );
}

export function HostKeyPanel({ host }: { host: HostDetail }) {
  const { t } = useTranslation();
  const [scan, setScan] = useState<HostKeyScan | null>(null);
  const [repinOpen, setRepinOpen] = useState(false);
  const invalidate = [queryKeys.hosts.all, queryKeys.audit.all];
  const scanKey = useCallMutation('hosts.scanKey', { onSuccess: (result) => setScan(result) });
  const pin = useCallMutation('hosts.pinKey', {
    invalidate,
    onSuccess: () => {
      setRepinOpen(false);
      setScan((s) => (s ? { ...s, pinned: s.fingerprint, status: 'match' } : s));
    },
  });

  if (host.kind === 'local') return null;
  const pinned = host.hostKey;

  return (
    <Paper withBorder p="sm" data-testid="host-key-panel">
      <Group justify="space-between" mb={6}>
        <Group gap={6}>
          <IconFingerprint size={16} aria-hidden />
          <Title order={3} size="h6">
            {t('hosts.hostKey.title')}
          </Title>
          {scan?.status === 'changed' ? (
            <Badge color="red" variant="filled" data-testid="host-key-changed-badge">
              {t('hosts.hostKey.changedBadge')}
            </Badge>
          ) : pinned ? (
            <Badge color="teal" data-testid="host-key-pinned">
              {t('hosts.hostKey.pinnedBadge')}
            </Badge>
          ) : (
            <Badge color="orange" data-testid="host-key-unpinned">
              {t('hosts.hostKey.notPinnedBadge')}
            </Badge>
          )}
        </Group>
        <Button
          variant="default"
          onClick={() => {
            pin.reset();
            scanKey.mutate({ id: host.id });
          }}
          loading={scanKey.isPending}
          data-testid="host-key-scan"
        >
          {pinned ? t('hosts.hostKey.recheck') : t('hosts.hostKey.check')}
        </Button>
      </Group>

      {pinned && scan?.status !== 'changed' && (
        <Text size="xs" mb={4}>
          {t('hosts.hostKey.pinnedAt')}{' '}
          <Fingerprint value={pinned.fingerprint} testId="host-key-pinned-fingerprint" />{' '}
          <Text span size="xs" c="dimmed">
            · <LocalTime iso={pinned.pinnedAt} size="xs" />
          </Text>
        </Text>
      )}
      {!pinned && !scan && (
        <Text size="xs" c="dimmed">
          {t('hosts.hostKey.notPinnedBody')}
        </Text>
      )}
      {scanKey.isError && <ErrorAlert error={scanKey.error} title={t('hosts.hostKey.scanFailed')} />}

      {scan?.status === 'match' && (
        <Alert
          color="teal"
          variant="light"
          icon={<IconShieldCheck size={16} />}
          py={6}
          data-testid="host-key-match"
        >
          <Text size="xs">{t('hosts.hostKey.match', { algorithm: scan.algorithm })}</Text>
        </Alert>
      )}

      {scan?.status === 'unknown' && (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconShieldQuestion size={16} />}
          title={t('hosts.hostKey.unknownTitle')}
          data-testid="host-key-unknown"
        >
          <Stack gap={6}>
            <Text size="xs">{t('hosts.hostKey.unknownBody', { host: host.name })}</Text>
            <Table withRowBorders={false} verticalSpacing={2} fz="xs" style={{ width: 'auto' }}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td c="dimmed" pl={0}>
                    {t('hosts.hostKey.algorithm')}
                  </Table.Td>
                  <Table.Td ff="monospace">{scan.algorithm}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td c="dimmed" pl={0}>
                    {t('hosts.hostKey.fingerprint')}
                  </Table.Td>
                  <Table.Td>
                    <Fingerprint value={scan.fingerprint} testId="host-key-offered" />
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text size="xs">{t('hosts.hostKey.compareOnHost')}</Text>
            <Copyable
              value={`ssh-keygen -lf ${hostKeyFile(scan.algorithm)}`}
              testId="host-key-compare-host"
              label={t('command.copy')}
            />
            <Text size="xs">{t('hosts.hostKey.compareElsewhere')}</Text>
            <Copyable
              value={keyscanCommand(host, scan.algorithm)}
              testId="host-key-compare-scan"
              label={t('command.copy')}
            />
            {pin.isError && <ErrorAlert error={pin.error} title={t('hosts.hostKey.pinFailed')} />}
            <Group gap="xs">
              <Button
                color="teal"
                onClick={() => pin.mutate({ id: host.id, fingerprint: scan.fingerprint })}
                loading={pin.isPending}
                data-testid="host-key-accept"
              >
                {t('hosts.hostKey.accept')}
              </Button>
              <Button variant="default" onClick={() => setScan(null)} data-testid="host-key-reject">
                {t('hosts.hostKey.reject')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      {scan?.status === 'changed' && (
        <Alert
          color="red"
          variant="filled"
          icon={<IconAlertOctagon size={18} />}
          title={t('hosts.hostKey.changedTitle')}
          data-testid="host-key-changed"
        >
          <Stack gap={6}>
            <Text size="xs" fw={600}>
              {t('hosts.hostKey.changedStop', { host: host.name })}
            </Text>
            <div>
              <Text size="xs" opacity={0.85}>
                {t('hosts.hostKey.pinnedFingerprint')}
              </Text>
              <Fingerprint
                value={scan.pinned ?? pinned?.fingerprint ?? '—'}
                testId="host-key-changed-pinned"
              />
            </div>
            <div>
              <Text size="xs" opacity={0.85}>
                {t('hosts.hostKey.offeredFingerprint', { algorithm: scan.algorithm })}
              </Text>
              <Fingerprint value={scan.fingerprint} testId="host-key-changed-offered" />
            </div>
            <Text size="xs">{t('hosts.hostKey.changedWhy')}</Text>
            <Group gap="xs">
              <Button
                variant="white"
                color="red"
                onClick={() => {
                  pin.reset();
                  setRepinOpen(true);
                }}
                data-testid="host-key-repin"
              >
                {t('hosts.hostKey.repin')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      {scan?.status === 'changed' && (
        <TypedConfirmModal
          opened={repinOpen}
          onClose={() => setRepinOpen(false)}
          title={t('hosts.hostKey.repinTitle')}
          name={host.name}
          confirmLabel={t('hosts.hostKey.repinConfirm')}
          onConfirm={() => pin.mutate({ id: host.id, fingerprint: scan.fingerprint, replace: true })}
          pending={pin.isPending}
          error={pin.error}
          testId="host-key-repin-confirm"
          size="lg"
        >
          <Text size="sm">{t('hosts.hostKey.repinBody')}</Text>
          <Text size="xs">
            {t('hosts.hostKey.pinnedFingerprint')}:{' '}
            <Fingerprint value={scan.pinned ?? '—'} testId="repin-old" />
          </Text>
          <Text size="xs">
            {t('hosts.hostKey.newFingerprint')}: <Fingerprint value={scan.fingerprint} testId="repin-new" />
          </Text>
        </TypedConfirmModal>
      )}
    </Paper>
  );
}

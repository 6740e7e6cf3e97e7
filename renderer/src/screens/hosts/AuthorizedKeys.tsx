/**
 * A generated key's public half, and exactly what to add on the host:
 * the `authorized_keys` line, and a one-liner that appends it.
 */
import { ActionIcon, Alert, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** POSIX single-quoting, so the line survives any shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function appendCommand(line: string): string {
  return `mkdir -p ~/.ssh && chmod 700 ~/.ssh && printf '%s\\n' ${shellQuote(line)} >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys`;
}

export function Copyable({ value, testId, label }: { value: string; testId: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Code
        block
        style={{ flex: 1, fontSize: 11, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
        data-testid={testId}
      >
        {value}
      </Code>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('command.copied') : label}>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function AuthorizedKeys({
  publicKey,
  user,
  hostName,
}: {
  publicKey: string;
  user: string;
  hostName: string;
}) {
  const { t } = useTranslation();
  const line = publicKey.trim();
  return (
    <Alert
      color="indigo"
      variant="light"
      icon={<IconKey size={16} />}
      title={t('hosts.authorized.title')}
      data-testid="authorized-keys"
    >
      <Stack gap={6}>
        <Text size="xs">{t('hosts.authorized.body', { user, host: hostName })}</Text>
        <Copyable value={line} testId="authorized-keys-line" label={t('hosts.authorized.copyLine')} />
        <Text size="xs">{t('hosts.authorized.orRun', { user, host: hostName })}</Text>
        <Copyable
          value={appendCommand(line)}
          testId="authorized-keys-command"
          label={t('hosts.authorized.copyCommand')}
        />
        <Text size="xs" c="dimmed">
          {t('hosts.authorized.private')}
        </Text>
      </Stack>
    </Alert>
  );
}

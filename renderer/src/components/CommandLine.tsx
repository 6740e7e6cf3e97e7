import { ActionIcon, Code, Group, Text, Tooltip, CopyButton } from '@mantine/core';
import { IconCheck, IconCopy, IconTerminal2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { commandParts } from './commandParts';

const part = (shrink: number) =>
  ({
    flex: `0 ${shrink} auto`,
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'pre',
  }) as const;

/** The restic command equivalent to what the console ran (secrets already masked by the core). */
export function CommandLine({
  command,
  testId = 'command-line',
}: {
  command: string | undefined;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!command) return null;
  // When the line does not fit, the environment goes first, then the program path; the arguments stay.
  const { env, program, args } = commandParts(command);
  return (
    <Group gap={6} wrap="nowrap" data-testid={testId} style={{ minWidth: 0 }}>
      <Tooltip label={t('command.label')}>
        <IconTerminal2 size={14} aria-label={t('command.label')} style={{ flexShrink: 0, opacity: 0.6 }} />
      </Tooltip>
      <Code
        style={{
          display: 'flex',
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          minWidth: 0,
          flex: 1,
          fontSize: 11,
        }}
        title={command}
        data-testid={`${testId}-text`}
      >
        {/* Shrink factors far apart: the environment gives way first, then the program path, the arguments last. */}
        {env && <span style={part(1e9)}>{env}</span>}
        {program && <span style={part(1e6)}>{program}</span>}
        <span style={part(1)}>{args}</span>
      </Code>
      <CopyButton value={command} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('command.copied') : t('command.copy')} withArrow>
            <ActionIcon
              size="sm"
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={t('command.copy')}
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
      <Text size="xs" c="dimmed" visibleFrom="xl" style={{ whiteSpace: 'nowrap' }}>
        {t('command.masked')}
      </Text>
    </Group>
  );
}

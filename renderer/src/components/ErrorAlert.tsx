import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isConsoleError } from '../../../shared';
import { describeError } from './describeError';

/** A failed call, readable: "Repository not found (REPO_NOT_FOUND): …", with a retry when one makes sense. */
export function ErrorAlert({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  const d = describeError(error, t);
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={16} />}
      title={title ?? t('errors.title')}
      data-testid="error-alert"
      data-error-code={d.code}
      role="alert"
    >
      <Text size="sm" style={{ wordBreak: 'break-word' }}>
        {d.line}
      </Text>
      {d.hint && (
        <Text size="xs" c="dimmed" mt={4}>
          {d.hint}
        </Text>
      )}
      {onRetry && (
        <Group mt="xs">
          <Button size="compact-xs" variant="default" onClick={onRetry}>
            {t('actions.retry')}
          </Button>
        </Group>
      )}
      {isConsoleError(error) && error.detail !== undefined && (
        <Text
          component="pre"
          size="xs"
          c="dimmed"
          mt={4}
          style={{ whiteSpace: 'pre-wrap', maxHeight: 120, overflow: 'auto' }}
        >
          {typeof error.detail === 'string' ? error.detail : JSON.stringify(error.detail, null, 2)}
        </Text>
      )}
    </Alert>
  );
}

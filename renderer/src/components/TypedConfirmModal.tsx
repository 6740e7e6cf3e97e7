/**
 * "Type the name to confirm", for removals and other actions that cannot
 * be undone. The button stays disabled until the typed text equals the
 * name exactly; the core checks it again.
 */
import { useState, type ReactNode } from 'react';
import { Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';

interface Props {
  opened: boolean;
  onClose(): void;
  title: string;
  /** The text to type back. */
  name: string;
  children?: ReactNode;
  confirmLabel: string;
  onConfirm(typed: string): void;
  pending?: boolean;
  error?: unknown;
  color?: string;
  testId?: string;
  size?: 'md' | 'lg';
  /** What to type, in words ("type the snapshot's short id"); default: the name. */
  prompt?: string;
}

export function TypedConfirmModal({
  opened,
  onClose,
  title,
  name,
  children,
  confirmLabel,
  onConfirm,
  pending = false,
  error,
  color = 'red',
  testId = 'typed-confirm',
  size = 'md',
  prompt,
}: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} data-testid={testId}>
      {opened && (
        <ConfirmForm
          key={name}
          name={name}
          onClose={onClose}
          confirmLabel={confirmLabel}
          onConfirm={onConfirm}
          pending={pending}
          error={error}
          color={color}
          testId={testId}
          prompt={prompt}
        >
          {children}
        </ConfirmForm>
      )}
    </Modal>
  );
}

/** Mounted per opening: the typed text always starts empty. */
function ConfirmForm({
  name,
  children,
  onClose,
  confirmLabel,
  onConfirm,
  pending,
  error,
  color,
  testId,
  prompt,
}: Omit<Props, 'opened' | 'title' | 'size'> & { pending: boolean; color: string; testId: string }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const matches = typed === name;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (matches && !pending) onConfirm(typed);
      }}
    >
      <Stack gap="sm">
        {children}
        <Text size="sm">
          {prompt ?? t('confirm.typeName')} <Code>{name}</Code>
        </Text>
        <TextInput
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          aria-label={t('confirm.typeNameLabel')}
          placeholder={name}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          error={typed !== '' && !matches && typed.length >= name.length ? t('confirm.noMatch') : undefined}
          data-testid={`${testId}-input`}
        />
        {error !== undefined && error !== null && <ErrorAlert error={error} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            type="submit"
            color={color}
            disabled={!matches}
            loading={pending}
            data-testid={`${testId}-submit`}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

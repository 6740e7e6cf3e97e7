/** Set a repository's password (write-only) and forget a repository (type its name). */
import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Repo } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';

export function SetPasswordModal({ repo, onClose }: { repo: Repo | null; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={repo !== null}
      onClose={onClose}
      title={t('repos.password.title', { name: repo?.name ?? '' })}
      size="md"
      data-testid="repo-password-form"
    >
      {repo && <SetPasswordForm key={repo.id} repo={repo} onClose={onClose} />}
    </Modal>
  );
}

function SetPasswordForm({ repo, onClose }: { repo: Repo; onClose(): void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const set = useCallMutation('repos.setPassword', {
    invalidate: [queryKeys.repos.all, queryKeys.audit.all],
    onSuccess: onClose,
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (password) set.mutate({ id: repo.id, password });
      }}
    >
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          {repo.passwordSet ? t('repos.password.replaceHint') : t('repos.password.setHint')}
        </Text>
        <PasswordInput
          label={t('repos.add.password')}
          size="xs"
          autoComplete="new-password"
          data-autofocus
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="repo-password-input"
        />
        {set.isError && <ErrorAlert error={set.error} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            type="submit"
            disabled={!password}
            loading={set.isPending}
            data-testid="repo-password-submit"
          >
            {t('repos.password.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function RemoveRepoModal({ repo, onClose }: { repo: Repo | null; onClose(): void }) {
  const { t } = useTranslation();
  const remove = useCallMutation('repos.remove', {
    invalidate: [queryKeys.repos.all, queryKeys.audit.all],
    onSuccess: onClose,
  });
  return (
    <TypedConfirmModal
      key={repo?.id ?? 'none'}
      opened={repo !== null}
      onClose={onClose}
      title={t('repos.remove.title')}
      name={repo?.name ?? ''}
      confirmLabel={t('repos.remove.confirm')}
      onConfirm={(confirm) => repo && remove.mutate({ id: repo.id, confirm })}
      pending={remove.isPending}
      error={remove.error}
      testId="repo-remove-confirm"
    >
      <Text size="sm">{t('repos.remove.body')}</Text>
      {repo && (
        <Text size="xs" ff="monospace" c="dimmed" style={{ wordBreak: 'break-all' }}>
          {repo.location}
        </Text>
      )}
    </TypedConfirmModal>
  );
}

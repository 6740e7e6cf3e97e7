/**
 * Changes to snapshots: edit tags of one or more (restic tag — each
 * changed snapshot gets a new id, and the selection follows it) and forget
 * a single snapshot after its short id is typed (its data stays until a
 * prune). Both show the equivalent restic command.
 */
import { useMemo, useState } from 'react';
import { Badge, Button, Group, Modal, MultiSelect, Stack, TagsInput, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { displaySafe, type MethodOutput, type Snapshot } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TypedConfirmModal } from '../../components/TypedConfirmModal';
import { useCallMutation } from '../../queries/mutations';
import { queryKeys } from '../../queries/queryKeys';
import { withArgs } from '../repository/repoModel';

/** The contract accepts up to 1 000 snapshots per tag change. */
export const MAX_TAG_SNAPSHOTS = 1000;

const TAG_RULE = /^[^,\p{Cc}]+$/u;

/** Tags over the chosen snapshots: each tag with how many of them carry it. */
export function tagCounts(snapshots: readonly Snapshot[]): Array<{ tag: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of snapshots) for (const tag of s.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts.entries()]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => a.tag.localeCompare(b.tag, 'en', { numeric: true }));
}

export function tagArgs(ids: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  return [
    'tag',
    '--json',
    ...add.map((t) => `--add=${t}`),
    ...remove.map((t) => `--remove=${t}`),
    '--',
    ...ids,
  ];
}

interface TagsProps {
  repoId: string;
  snapshots: Snapshot[];
  opened: boolean;
  onClose(): void;
  /** `… restic` for the command preview. */
  prefix: string | null;
  /** Old → new ids after the change (tagging rewrites snapshots). */
  onChanged?(changes: MethodOutput<'snapshots.tags'>['changes']): void;
}

export function TagsModal(props: TagsProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={t('snapshotTools.tags.title', { count: props.snapshots.length })}
      size="lg"
      data-testid="tags-dialog"
    >
      {props.opened && <TagsForm {...props} />}
    </Modal>
  );
}

function TagsForm({ repoId, snapshots, onClose, prefix, onChanged }: TagsProps) {
  const { t } = useTranslation();
  const [add, setAdd] = useState<string[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  const counts = useMemo(() => tagCounts(snapshots), [snapshots]);
  const mutation = useCallMutation('snapshots.tags', {
    invalidate: [queryKeys.snapshots.repo(repoId), queryKeys.repos.detail(repoId), queryKeys.audit.all],
    onSuccess: (value) => {
      notifications.show({
        color: 'teal',
        message: t('snapshotTools.tags.done', { count: value.changes.length }),
      });
      onChanged?.(value.changes);
      onClose();
    },
  });
  const bad = [...add, ...remove].find((tag) => !TAG_RULE.test(tag) || tag.length > 256);
  const both = add.find((tag) => remove.includes(tag));
  const tooMany = snapshots.length > MAX_TAG_SNAPSHOTS;
  const nothing = add.length === 0 && remove.length === 0;
  const ids = snapshots.map((s) => s.id);
  const shownIds =
    ids.length > 3 ? [...ids.slice(0, 3).map((id) => id.slice(0, 8)), '…'] : ids.map((id) => id.slice(0, 8));
  const command = withArgs(prefix, tagArgs(shownIds, add, remove));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!bad && !both && !tooMany && !nothing)
          mutation.mutate({
            repoId,
            snapshotIds: ids,
            ...(add.length ? { add } : {}),
            ...(remove.length ? { remove } : {}),
          });
      }}
    >
      <Stack gap="sm">
        <div>
          <Text size="xs" fw={600}>
            {t('snapshotTools.tags.current')}
          </Text>
          {counts.length === 0 ? (
            <Text size="xs" c="dimmed">
              {t('snapshotTools.tags.none')}
            </Text>
          ) : (
            <Group gap={4} mt={2} data-testid="tags-current">
              {counts.map(({ tag, count }) => (
                <Badge
                  key={tag}
                  color="gray"
                  tt="none"
                  title={t('snapshotTools.tags.onN', { count, total: snapshots.length })}
                >
                  {displaySafe(tag)}
                  {snapshots.length > 1 ? ` · ${count}/${snapshots.length}` : ''}
                </Badge>
              ))}
            </Group>
          )}
        </div>
        <TagsInput
          size="xs"
          label={t('snapshotTools.tags.add')}
          description={t('snapshotTools.tags.addHint')}
          value={add}
          onChange={setAdd}
          data-autofocus
          splitChars={[' ']}
          error={bad && add.includes(bad) ? t('snapshotTools.tags.bad') : undefined}
          data-testid="tags-add"
        />
        <MultiSelect
          label={t('snapshotTools.tags.remove')}
          data={counts.map((c) => c.tag)}
          value={remove}
          onChange={setRemove}
          placeholder={counts.length ? undefined : t('snapshotTools.tags.none')}
          disabled={counts.length === 0}
          searchable
          comboboxProps={{ withinPortal: true }}
          data-testid="tags-remove"
        />
        {both && (
          <Text size="xs" c="red">
            {t('snapshotTools.tags.both', { tag: both })}
          </Text>
        )}
        {tooMany && (
          <Text size="xs" c="red">
            {t('snapshotTools.tags.tooMany', { count: snapshots.length, max: MAX_TAG_SNAPSHOTS })}
          </Text>
        )}
        <CommandLine command={command} testId="tags-command" />
        <Text size="xs" c="dimmed">
          {t('snapshotTools.tags.newIds')}
        </Text>
        {mutation.isError && <ErrorAlert error={mutation.error} />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('actions.cancel')}
          </Button>
          <Button
            type="submit"
            disabled={nothing || !!bad || !!both || tooMany}
            loading={mutation.isPending}
            data-testid="tags-submit"
          >
            {t('snapshotTools.tags.submit', { count: snapshots.length })}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ForgetSnapshotModal({
  repoId,
  snapshot,
  onClose,
  prefix,
  onForgotten,
}: {
  repoId: string;
  snapshot: Snapshot | null;
  onClose(): void;
  prefix: string | null;
  onForgotten?(snapshotId: string): void;
}) {
  const { t } = useTranslation();
  const forget = useCallMutation('snapshots.forget', {
    invalidate: [queryKeys.snapshots.repo(repoId), queryKeys.repos.detail(repoId), queryKeys.audit.all],
    onSuccess: (_value, input) => {
      notifications.show({
        color: 'teal',
        message: t('snapshotTools.forget.done', { id: input.snapshotId.slice(0, 8) }),
      });
      onForgotten?.(input.snapshotId);
      onClose();
    },
  });
  const short = snapshot?.id.slice(0, 8) ?? '';
  return (
    <TypedConfirmModal
      key={snapshot?.id ?? 'none'}
      opened={snapshot !== null}
      onClose={() => {
        forget.reset();
        onClose();
      }}
      title={t('snapshotTools.forget.title')}
      name={short}
      confirmLabel={t('snapshotTools.forget.confirm')}
      onConfirm={(confirm) => snapshot && forget.mutate({ repoId, snapshotId: snapshot.id, confirm })}
      pending={forget.isPending}
      error={forget.error}
      testId="snapshot-forget-confirm"
      size="lg"
      prompt={t('snapshotTools.forget.prompt')}
    >
      {snapshot && (
        <>
          <Group gap={6} wrap="wrap">
            <Text size="sm" ff="monospace" fw={600}>
              {snapshot.shortId}
            </Text>
            <LocalTime iso={snapshot.time} size="xs" />
            <Text size="xs">{displaySafe(snapshot.hostname)}</Text>
            <Text size="xs" className="rfc-mono" c="dimmed" truncate maw={280}>
              {snapshot.paths.map(displaySafe).join(', ')}
            </Text>
            {snapshot.tags.map((tag) => (
              <Badge key={tag} size="xs" color="gray" tt="none">
                {displaySafe(tag)}
              </Badge>
            ))}
          </Group>
          <Text size="sm">{t('snapshotTools.forget.body')}</Text>
          <CommandLine
            command={withArgs(prefix, ['forget', '--', snapshot.id])}
            testId="snapshot-forget-command"
          />
        </>
      )}
    </TypedConfirmModal>
  );
}

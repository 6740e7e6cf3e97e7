/**
 * The pieces every inventory screen (businesses, hosts, plans) shares: a
 * header with title, count, filters and an "Add" button, and the edit /
 * remove buttons at the end of a row. One place, so the screens stay alike.
 */
import type { ReactNode } from 'react';
import { ActionIcon, Button, Group, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function InventoryHeader({
  title,
  countText,
  filter,
  onFilter,
  filterTestId,
  filterWidth = 220,
  extraFilters,
  addLabel,
  onAdd,
  addTestId,
}: {
  title: string;
  /** "3 hosts"; omitted while loading. */
  countText: string | undefined;
  filter: string;
  onFilter(value: string): void;
  filterTestId: string;
  filterWidth?: number;
  /** Filters shown before the text filter (e.g. a business picker). */
  extraFilters?: ReactNode;
  addLabel: string;
  onAdd(): void;
  addTestId: string;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Group gap="xs" wrap="nowrap">
        <Title order={2} size="h6">
          {title}
        </Title>
        {countText !== undefined && (
          <Text size="xs" c="dimmed">
            {countText}
          </Text>
        )}
      </Group>
      <Group gap={6} wrap="nowrap">
        {extraFilters}
        <TextInput
          aria-label={t('table.filter')}
          placeholder={t('table.filterPlaceholder')}
          leftSection={<IconSearch size={14} />}
          value={filter}
          onChange={(e) => onFilter(e.currentTarget.value)}
          w={filterWidth}
          data-testid={filterTestId}
        />
        <Button leftSection={<IconPlus size={14} />} onClick={onAdd} data-testid={addTestId}>
          {addLabel}
        </Button>
      </Group>
    </Group>
  );
}

export function RowEditRemove({
  editLabel,
  removeLabel,
  onEdit,
  onRemove,
  testIdPrefix,
}: {
  /** Accessible names naming the row: "Edit web-1". */
  editLabel: string;
  removeLabel: string;
  onEdit(): void;
  onRemove(): void;
  /** "plan" gives plan-edit and plan-remove. */
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  return (
    <Group gap={2} wrap="nowrap" justify="flex-end">
      <Tooltip label={t('actions.edit')}>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={editLabel}
          onClick={onEdit}
          data-testid={`${testIdPrefix}-edit`}
        >
          <IconPencil size={14} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('actions.remove')}>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={removeLabel}
          onClick={onRemove}
          data-testid={`${testIdPrefix}-remove`}
        >
          <IconTrash size={14} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

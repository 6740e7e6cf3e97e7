import { forwardRef } from 'react';
import { Button, Group, Kbd, MultiSelect, TextInput } from '@mantine/core';
import { IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { activeFilterCount, type SnapshotFilters } from './snapshotFilters';

interface Props {
  filters: SnapshotFilters;
  facets: { hosts: string[]; tags: string[] };
  onChange(patch: Partial<SnapshotFilters>): void;
  onReset(): void;
}

/** Global text filter plus per-column filters: host, path, tag, time range. */
export const SnapshotFiltersBar = forwardRef<HTMLInputElement, Props>(function SnapshotFiltersBar(
  { filters, facets, onChange, onReset },
  globalRef,
) {
  const { t } = useTranslation();
  const active = activeFilterCount(filters);
  return (
    <Group
      gap={6}
      wrap="wrap"
      align="center"
      data-testid="snapshot-filters"
      role="search"
      aria-label={t('snapshots.filters.label')}
    >
      <TextInput
        ref={globalRef}
        aria-label={t('snapshots.filters.global')}
        placeholder={t('snapshots.filters.globalPlaceholder')}
        leftSection={<IconSearch size={14} />}
        rightSection={<Kbd size="xs">/</Kbd>}
        value={filters.global}
        onChange={(e) => onChange({ global: e.currentTarget.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            if (filters.global) onChange({ global: '' });
            else e.currentTarget.blur();
          }
        }}
        w={220}
        data-testid="filter-global"
      />
      <MultiSelect
        aria-label={t('snapshots.filters.hosts')}
        placeholder={filters.hosts.length ? undefined : t('snapshots.filters.hosts')}
        data={facets.hosts}
        value={filters.hosts}
        onChange={(hosts) => onChange({ hosts })}
        searchable
        clearable
        w={170}
        maxDropdownHeight={260}
        comboboxProps={{ withinPortal: true }}
        data-testid="filter-hosts"
      />
      <TextInput
        aria-label={t('snapshots.filters.path')}
        placeholder={t('snapshots.filters.path')}
        value={filters.path}
        onChange={(e) => onChange({ path: e.currentTarget.value })}
        w={150}
        data-testid="filter-path"
      />
      <MultiSelect
        aria-label={t('snapshots.filters.tags')}
        placeholder={filters.tags.length ? undefined : t('snapshots.filters.tags')}
        data={facets.tags}
        value={filters.tags}
        onChange={(tags) => onChange({ tags })}
        searchable
        clearable
        w={170}
        maxDropdownHeight={260}
        comboboxProps={{ withinPortal: true }}
        data-testid="filter-tags"
      />
      <TextInput
        type="date"
        aria-label={t('snapshots.filters.from')}
        title={t('snapshots.filters.from')}
        value={filters.from}
        max={filters.to || undefined}
        onChange={(e) => onChange({ from: e.currentTarget.value })}
        w={128}
        data-testid="filter-from"
      />
      <TextInput
        type="date"
        aria-label={t('snapshots.filters.to')}
        title={t('snapshots.filters.to')}
        value={filters.to}
        min={filters.from || undefined}
        onChange={(e) => onChange({ to: e.currentTarget.value })}
        w={128}
        data-testid="filter-to"
      />
      {active > 0 && (
        <Button
          variant="subtle"
          color="gray"
          leftSection={<IconFilterOff size={14} />}
          onClick={onReset}
          data-testid="filter-reset"
        >
          {t('snapshots.filters.reset', { count: active })}
        </Button>
      )}
    </Group>
  );
});

/** Every item of a daily check, filterable by status, business, host and kind. */
import { useMemo, useState } from 'react';
import { Button, Chip, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CheckStatus, DailyCheckItem } from '../../../../shared';
import { DataTable, type Column } from '../../components/DataTable';
import { CheckStatusBadge } from '../../components/StatusBadge';
import { useUiStore } from '../../state/uiStore';
import {
  CHECK_STATUSES,
  STATUS_RANK,
  activeItemFilterCount,
  byUrgency,
  itemFacets,
  matchesItemFilters,
  subjectOf,
} from './checkModel';
import { useItemKindLabel } from './labels';

export function CheckItemsTable({ items }: { items: readonly DailyCheckItem[] }) {
  const { t } = useTranslation();
  const kindLabel = useItemKindLabel();
  const filters = useUiStore((s) => s.checkItemFilters);
  const setFilters = useUiStore((s) => s.setCheckItemFilters);
  const [selected, setSelected] = useState<string | null>(null);
  const facets = useMemo(() => itemFacets(items), [items]);
  const sorted = useMemo(() => items.slice().sort(byUrgency), [items]);
  const shown = useMemo(() => sorted.filter((i) => matchesItemFilters(i, filters)), [sorted, filters]);
  const active = activeItemFilterCount(filters);
  const counts = useMemo(() => {
    const c: Record<CheckStatus, number> = { ok: 0, warning: 0, failing: 0 };
    for (const i of items) c[i.status] += 1;
    return c;
  }, [items]);

  const subjectName = useMemo(
    () => (i: DailyCheckItem) => {
      const s = subjectOf({
        planId: i.planId,
        planName: typeof i.data.planName === 'string' ? i.data.planName : null,
        repositoryId: i.repositoryId,
        repositoryName: typeof i.data.repositoryName === 'string' ? i.data.repositoryName : null,
      });
      return s ? t(`fleet.items.subject.${s.kind}`, { name: s.name }) : null;
    },
    [t],
  );
  const noBusiness = t('fleet.board.noBusiness');
  const noHost = t('fleet.board.noHost');
  const columns = useMemo<Column<DailyCheckItem>[]>(
    () => [
      {
        id: 'status',
        header: t('fleet.items.columns.status'),
        accessorFn: (i) => STATUS_RANK[i.status],
        sortDescFirst: true,
        cell: ({ row }) => <CheckStatusBadge status={row.original.status} />,
        meta: { width: 96 },
      },
      {
        id: 'business',
        header: t('fleet.items.columns.business'),
        accessorFn: (i) => i.businessName ?? '',
        cell: ({ row }) =>
          row.original.businessName ?? (
            <Text span size="xs" c="dimmed" fs="italic">
              {noBusiness}
            </Text>
          ),
        meta: { width: '14%' },
      },
      {
        id: 'host',
        header: t('fleet.items.columns.host'),
        accessorFn: (i) => i.hostName ?? '',
        cell: ({ row }) =>
          row.original.hostName ?? (
            <Text span size="xs" c="dimmed" fs="italic">
              {noHost}
            </Text>
          ),
        meta: { width: '13%' },
      },
      {
        id: 'item',
        header: t('fleet.items.columns.item'),
        accessorFn: (i) => kindLabel(i.item),
        cell: ({ row }) => <span title={row.original.item}>{kindLabel(row.original.item)}</span>,
        meta: { width: 110 },
      },
      {
        id: 'subject',
        header: t('fleet.items.columns.subject'),
        accessorFn: (i) => subjectName(i) ?? '',
        cell: ({ row }) => {
          const s = subjectName(row.original);
          return s ? <span title={s}>{s}</span> : null;
        },
        meta: { width: '14%' },
      },
      {
        id: 'reason',
        header: t('fleet.items.columns.reason'),
        accessorFn: (i) => i.reason,
        cell: ({ row }) => <span title={row.original.reason}>{row.original.reason || '—'}</span>,
      },
    ],
    [t, kindLabel, noBusiness, noHost, subjectName],
  );

  return (
    <Stack gap={6} style={{ flex: 1, minHeight: 0 }}>
      <Group
        gap={6}
        wrap="wrap"
        role="search"
        aria-label={t('fleet.items.filters.label')}
        data-testid="item-filters"
      >
        <Chip.Group
          multiple
          value={filters.statuses}
          onChange={(v) => setFilters({ statuses: v as CheckStatus[] })}
        >
          <Group gap={4}>
            {CHECK_STATUSES.map((s) => (
              <Chip
                key={s}
                value={s}
                size="xs"
                color={s === 'ok' ? 'teal' : s === 'warning' ? 'yellow' : 'red'}
                data-testid={`item-filter-${s}`}
              >
                {t(`fleet.status.${s}`)} · {counts[s]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <MultiSelect
          aria-label={t('fleet.items.filters.business')}
          placeholder={filters.businesses.length ? undefined : t('fleet.items.filters.business')}
          data={facets.businesses.map((b) => ({ value: b.key, label: b.name ?? (b.key || noBusiness) }))}
          value={filters.businesses}
          onChange={(businesses) => setFilters({ businesses })}
          searchable
          clearable
          w={190}
          comboboxProps={{ withinPortal: true }}
          data-testid="item-filter-business"
        />
        <MultiSelect
          aria-label={t('fleet.items.filters.host')}
          placeholder={filters.hosts.length ? undefined : t('fleet.items.filters.host')}
          data={facets.hosts.map((h) => ({ value: h.key, label: h.name ?? (h.key || noHost) }))}
          value={filters.hosts}
          onChange={(hosts) => setFilters({ hosts })}
          searchable
          clearable
          w={180}
          comboboxProps={{ withinPortal: true }}
          data-testid="item-filter-host"
        />
        <MultiSelect
          aria-label={t('fleet.items.filters.kind')}
          placeholder={filters.kinds.length ? undefined : t('fleet.items.filters.kind')}
          data={facets.kinds.map((k) => ({ value: k, label: kindLabel(k) }))}
          value={filters.kinds}
          onChange={(kinds) => setFilters({ kinds })}
          searchable
          clearable
          w={170}
          comboboxProps={{ withinPortal: true }}
          data-testid="item-filter-kind"
        />
        <TextInput
          aria-label={t('fleet.items.filters.text')}
          placeholder={t('fleet.items.filters.text')}
          leftSection={<IconSearch size={14} />}
          value={filters.text}
          onChange={(e) => setFilters({ text: e.currentTarget.value })}
          w={200}
          data-testid="item-filter-text"
        />
        {active > 0 && (
          <Button
            variant="subtle"
            color="gray"
            leftSection={<IconFilterOff size={14} />}
            onClick={() => setFilters({ statuses: [], businesses: [], hosts: [], kinds: [], text: '' })}
            data-testid="item-filter-reset"
          >
            {t('table.resetFilters', { count: active })}
          </Button>
        )}
        <Text size="xs" c="dimmed" ml="auto" data-testid="items-count">
          {t('fleet.items.count', { shown: shown.length, count: items.length })}
        </Text>
      </Group>
      <DataTable
        data={shown}
        columns={columns}
        getRowId={(i) => String(i.id)}
        label={t('fleet.items.label')}
        testId="check-items"
        rowTestId="check-item-row"
        selectedId={selected}
        onSelect={setSelected}
        rowAttributes={(i) => ({ 'data-status': i.status, 'data-item': i.item })}
        empty={
          <Text size="xs" c="dimmed" ta="center">
            {items.length === 0 ? t('fleet.board.empty') : t('table.noMatch')}
          </Text>
        }
      />
    </Stack>
  );
}

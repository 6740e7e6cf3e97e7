/** Onboardings with where each stopped and why; open one to continue or roll it back. */
import { useMemo, useState } from 'react';
import { Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { stepNumber, type OnboardingSummary } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { STATUS_COLOR } from './model';
import { useOnboardings } from './queries';

type Filter = 'all' | 'open' | 'done' | 'rolled_back';

const matches = (o: OnboardingSummary, f: Filter) =>
  f === 'all' ||
  (f === 'open' && (o.status === 'in_progress' || o.status === 'rolling_back')) ||
  (f === 'done' && o.status === 'done') ||
  (f === 'rolled_back' && o.status === 'rolled_back');

export function OnboardingList({ onOpen, onNew }: { onOpen(id: string): void; onNew(): void }) {
  const { t } = useTranslation();
  const list = useOnboardings();
  const [filter, setFilter] = useState<Filter>('all');
  const rows = useMemo(() => (list.data ?? []).filter((o) => matches(o, filter)), [list.data, filter]);

  return (
    <Stack p="md" gap="sm" data-testid="onboarding-list">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={3}>{t('onboarding.title')}</Title>
          {list.data && <Badge variant="light">{list.data.length}</Badge>}
        </Group>
        <Group gap="sm">
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={(v) => setFilter(v as Filter)}
            data={[
              { value: 'all', label: t('onboarding.filter.all') },
              { value: 'open', label: t('onboarding.filter.open') },
              { value: 'done', label: t('onboarding.filter.done') },
              { value: 'rolled_back', label: t('onboarding.filter.rolledBack') },
            ]}
          />
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={onNew} data-testid="onboarding-new">
            {t('onboarding.new')}
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('onboarding.intro')}
      </Text>
      {list.isPending ? (
        <TableSkeleton rows={4} label={t('onboarding.loading')} />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="onboarding-empty">
          {list.data.length === 0 ? t('onboarding.empty') : t('onboarding.emptyFilter')}
        </Text>
      ) : (
        <Table highlightOnHover verticalSpacing={4} fz="sm" data-testid="onboarding-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('onboarding.columns.business')}</Table.Th>
              <Table.Th>{t('onboarding.columns.status')}</Table.Th>
              <Table.Th>{t('onboarding.columns.where')}</Table.Th>
              <Table.Th>{t('onboarding.columns.why')}</Table.Th>
              <Table.Th>{t('onboarding.columns.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((o) => (
              <Table.Tr
                key={o.id}
                style={{ cursor: 'pointer' }}
                tabIndex={0}
                onClick={() => onOpen(o.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') onOpen(o.id);
                }}
                data-testid="onboarding-row"
                data-status={o.status}
              >
                <Table.Td fw={600}>{o.businessName}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={STATUS_COLOR[o.status]}>
                    {o.busy ? t('onboarding.status.running') : t(`onboarding.status.${o.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {o.currentStep === null
                    ? t('onboarding.allDone')
                    : t('onboarding.stoppedAt', {
                        n: stepNumber(o.currentStep),
                        step: t(`onboarding.steps.${o.currentStep}.label`),
                      })}
                </Table.Td>
                <Table.Td maw={420}>
                  {o.lastError ? (
                    <Text size="xs" c="red" lineClamp={2} title={o.lastError.message}>
                      {o.lastError.code}: {o.lastError.message}
                    </Text>
                  ) : (
                    <Text size="xs" c="dimmed">
                      {o.status === 'in_progress' ? t('onboarding.waitingForYou') : '—'}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <LocalTime iso={o.updatedAt} size="xs" />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

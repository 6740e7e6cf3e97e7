/**
 * Step 1: business → repository → host → snapshot, picked from a table or
 * as "the latest before <date and time>" resolved from the snapshot list.
 */
import { useEffect, useMemo } from 'react';
import {
  ActionIcon,
  Alert,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconClockSearch, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatAge, type Snapshot } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useBusinesses, useHosts, useRepos, useSnapshots } from '../../queries/hooks';
import { useRestoreDraft } from './draftStore';
import { StepNav } from './parts';
import {
  latestBefore,
  matchInventoryHost,
  orderRepos,
  parseLocalDateTime,
  reposOfBusiness,
  snapshotHosts,
  snapshotsOfHost,
  toLocalDateTimeValue,
} from './sourceModel';

/** Repositories with no business in the inventory are still restorable: they sit under this pseudo-business. */
export const NO_BUSINESS = '__none__';

export function SourceStep({ onNext }: { onNext(): void }) {
  const { t } = useTranslation();
  const { draft, patch } = useRestoreDraft();
  const businesses = useBusinesses();
  const repos = useRepos();
  const hosts = useHosts();
  const snapshots = useSnapshots(draft.repoId);

  const businessOptions = useMemo(() => {
    const list = (businesses.data ?? []).map((b) => ({ value: b.id, label: b.name }));
    const orphans = (repos.data ?? []).some(
      (r) => !r.businessId && !(businesses.data ?? []).some((b) => b.name === r.business),
    );
    if (orphans) list.push({ value: NO_BUSINESS, label: t('restore.source.noBusiness') });
    return list;
  }, [businesses.data, repos.data, t]);

  const businessRepos = useMemo(() => {
    if (draft.businessId === NO_BUSINESS)
      return (repos.data ?? []).filter(
        (r) => !r.businessId && !(businesses.data ?? []).some((b) => b.name === r.business),
      );
    const business = (businesses.data ?? []).find((b) => b.id === draft.businessId) ?? null;
    return orderRepos(reposOfBusiness(repos.data ?? [], business));
  }, [draft.businessId, businesses.data, repos.data]);

  const allSnapshots = snapshots.data?.snapshots;
  const hostList = useMemo(() => snapshotHosts(allSnapshots ?? []), [allSnapshots]);
  const hostSnapshots = useMemo(
    () => snapshotsOfHost(allSnapshots ?? [], draft.hostname),
    [allSnapshots, draft.hostname],
  );
  const beforeDate = parseLocalDateTime(draft.before);
  const resolved = draft.sourceMode === 'latestBefore' ? latestBefore(hostSnapshots, beforeDate) : null;

  // Backups land without this window knowing (a host's schedule): the list is asked for again on opening.
  const refetchSnapshots = snapshots.refetch;
  useEffect(() => {
    if (draft.repoId !== null) void refetchSnapshots();
  }, [draft.repoId, refetchSnapshots]);

  // One choice only: take it (the 3 a.m. path has as few clicks as possible).
  useEffect(() => {
    // Both lists must be in: with repositories but no businesses yet, every repository looks business-less.
    if (!businesses.isSuccess || !repos.isSuccess) return;
    if (draft.businessId === null && businessOptions.length === 1)
      patch({ businessId: businessOptions[0]!.value });
  }, [draft.businessId, businessOptions, patch, businesses.isSuccess, repos.isSuccess]);
  useEffect(() => {
    if (draft.businessId !== null && draft.repoId === null && businessRepos.length >= 1)
      patch({ repoId: businessRepos[0]!.id });
  }, [draft.businessId, draft.repoId, businessRepos, patch]);
  useEffect(() => {
    if (draft.repoId !== null && draft.hostname === null && hostList.length === 1)
      patch({ hostname: hostList[0]!.hostname });
  }, [draft.repoId, draft.hostname, hostList, patch]);
  // "Latest before" writes its answer into the draft, so the next steps see one snapshot id.
  useEffect(() => {
    if (draft.sourceMode !== 'latestBefore') return;
    const id = resolved?.id ?? null;
    if (id !== draft.snapshotId) patch({ snapshotId: id });
  }, [draft.sourceMode, resolved, draft.snapshotId, patch]);

  const selected = hostSnapshots.find((s) => s.id === draft.snapshotId) ?? null;
  const blocked =
    draft.repoId === null
      ? t('restore.source.blocked.repo')
      : draft.hostname === null
        ? t('restore.source.blocked.host')
        : selected === null
          ? t('restore.source.blocked.snapshot')
          : null;

  return (
    <Stack gap="sm" data-testid="restore-step-source">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label={t('restore.source.business')}
          data={businessOptions}
          value={draft.businessId}
          onChange={(v) => patch({ businessId: v })}
          searchable
          w={240}
          size="xs"
          placeholder={t('restore.source.pickBusiness')}
          data-testid="restore-business"
          nothingFoundMessage={t('restore.source.nothing')}
        />
        <Select
          label={t('restore.source.repository')}
          data={businessRepos.map((r) => ({
            value: r.id,
            label: r.role ? `${r.name} (${t(`restore.source.role.${r.role}`)})` : r.name,
          }))}
          value={draft.repoId}
          onChange={(v) => patch({ repoId: v })}
          disabled={businessRepos.length === 0}
          w={260}
          size="xs"
          placeholder={t('restore.source.pickRepository')}
          data-testid="restore-repo"
        />
        <Select
          label={t('restore.source.host')}
          data={hostList.map((h) => {
            const inventory = matchInventoryHost(hosts.data ?? [], h.hostname);
            return {
              value: h.hostname,
              label: `${displaySafe(h.hostname)}${inventory && inventory.name !== h.hostname ? ` (${inventory.name})` : ''} · ${t('restore.source.snapshotCount', { count: h.count })}`,
            };
          })}
          value={draft.hostname}
          onChange={(v) => patch({ hostname: v })}
          disabled={hostList.length === 0}
          w={300}
          size="xs"
          placeholder={t('restore.source.pickHost')}
          data-testid="restore-host"
        />
        <Tooltip label={t('restore.source.refresh')}>
          <ActionIcon
            variant="default"
            size="md"
            onClick={() => void snapshots.refetch()}
            loading={snapshots.isFetching}
            disabled={draft.repoId === null}
            aria-label={t('restore.source.refresh')}
            data-testid="restore-refresh"
          >
            <IconRefresh size={14} />
          </ActionIcon>
        </Tooltip>
      </Group>
      {repos.isError && <ErrorAlert error={repos.error} />}
      {snapshots.isError && <ErrorAlert error={snapshots.error} onRetry={() => void snapshots.refetch()} />}
      {draft.businessId !== null && businessRepos.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('restore.source.noRepos')}
        </Text>
      )}
      {draft.hostname !== null && (
        <>
          <SegmentedControl
            size="xs"
            w="fit-content"
            value={draft.sourceMode}
            onChange={(v) => patch({ sourceMode: v as 'pick' | 'latestBefore' })}
            data={[
              { value: 'pick', label: t('restore.source.mode.pick') },
              { value: 'latestBefore', label: t('restore.source.mode.latestBefore') },
            ]}
            data-testid="restore-source-mode"
          />
          {draft.sourceMode === 'pick' ? (
            <SnapshotPicker
              snapshots={hostSnapshots}
              selectedId={draft.snapshotId}
              onPick={(id) => patch({ snapshotId: id })}
            />
          ) : (
            <LatestBefore
              value={draft.before}
              onChange={(before) => patch({ before })}
              resolved={resolved}
              invalid={draft.before !== '' && beforeDate === null}
              oldest={hostSnapshots.at(-1) ?? null}
              hostname={draft.hostname}
            />
          )}
        </>
      )}
      {snapshots.isPending && draft.repoId !== null && (
        <TableSkeleton rows={4} label={t('restore.loading')} />
      )}
      <StepNav onNext={onNext} blocked={blocked} />
    </Stack>
  );
}

function SnapshotPicker({
  snapshots,
  selectedId,
  onPick,
}: {
  snapshots: readonly Snapshot[];
  selectedId: string | null;
  onPick(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <Paper withBorder>
      <ScrollArea.Autosize mah={320} type="auto">
        <Table
          striped
          highlightOnHover
          verticalSpacing={4}
          fz="xs"
          stickyHeader
          data-testid="restore-snapshot-table"
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={32} />
              <Table.Th>{t('restore.source.col.time')}</Table.Th>
              <Table.Th>{t('restore.source.col.id')}</Table.Th>
              <Table.Th>{t('restore.source.col.paths')}</Table.Th>
              <Table.Th>{t('restore.source.col.tags')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {snapshots.map((s) => (
              <Table.Tr
                key={s.id}
                onClick={() => onPick(s.id)}
                style={{ cursor: 'pointer' }}
                bg={s.id === selectedId ? 'var(--mantine-primary-color-light)' : undefined}
                data-testid="restore-snapshot-row"
                data-snapshot-id={s.id}
              >
                <Table.Td>
                  {/* Native radios with one name: arrow keys move the choice, as in any radio group. */}
                  <input
                    type="radio"
                    name="restore-snapshot"
                    checked={s.id === selectedId}
                    onChange={() => onPick(s.id)}
                    aria-label={t('restore.source.pickThis', { id: s.shortId })}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <LocalTime iso={s.time} size="xs" />
                    <Text size="xs" c="dimmed">
                      {formatAge(s.time)}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td ff="monospace">{s.shortId}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{s.paths.map(displaySafe).join(', ')}</Table.Td>
                <Table.Td>{s.tags.map(displaySafe).join(', ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Paper>
  );
}

function LatestBefore({
  value,
  onChange,
  resolved,
  invalid,
  oldest,
  hostname,
}: {
  value: string;
  onChange(value: string): void;
  resolved: Snapshot | null;
  invalid: boolean;
  oldest: Snapshot | null;
  hostname: string;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end">
        <TextInput
          type="datetime-local"
          label={t('restore.source.before')}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          size="xs"
          w={240}
          error={invalid ? t('restore.source.badTime') : undefined}
          leftSection={<IconClockSearch size={14} />}
          data-testid="restore-before"
        />
        <Text
          size="xs"
          c="blue"
          style={{ cursor: 'pointer' }}
          onClick={() => onChange(toLocalDateTimeValue(new Date()))}
          component="button"
          type="button"
          bd="none"
          bg="transparent"
        >
          {t('restore.source.now')}
        </Text>
      </Group>
      {value !== '' &&
        !invalid &&
        (resolved ? (
          <Alert
            color="blue"
            variant="light"
            py={6}
            data-testid="restore-resolved"
            data-snapshot-id={resolved.id}
          >
            <Group gap={6}>
              <Text size="sm">{t('restore.source.resolved', { id: resolved.shortId })}</Text>
              <LocalTime iso={resolved.time} size="sm" />
              <Text size="sm" c="dimmed">
                {resolved.paths.map(displaySafe).join(', ')}
              </Text>
            </Group>
          </Alert>
        ) : (
          <Alert color="yellow" variant="light" py={6} data-testid="restore-resolved-none">
            {oldest
              ? t('restore.source.noneBeforeOldest', {
                  host: hostname,
                  id: oldest.shortId,
                  time: new Date(oldest.time).toLocaleString(),
                })
              : t('restore.source.noneBefore', { host: hostname })}
          </Alert>
        ))}
    </Stack>
  );
}

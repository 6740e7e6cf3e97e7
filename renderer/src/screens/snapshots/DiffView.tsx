/**
 * The diff between two snapshots, streamed (`snapshots.diffStream`):
 * the first changes are listed while restic still runs, the statistics
 * arrive with its end; every change virtualized, filterable by path and
 * by kind.
 */
import { useMemo, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Chip,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconBinaryTree2, IconList, IconSearch } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, type DiffModifier, type Snapshot } from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LocalTime } from '../../components/LocalTime';
import { ChangeDetails } from './ChangeDetails';
import { countModifiers, filterChanges, MODIFIERS } from './diffModel';
import { DiffTree } from './DiffTree';
import { useDiffStream } from './diffStream';

const ROW = 24;

export const MODIFIER_STYLE: Record<DiffModifier, { color: string; label: string }> = {
  '+': { color: 'green', label: '+' },
  '-': { color: 'red', label: '−' },
  M: { color: 'blue', label: 'M' },
  T: { color: 'grape', label: 'T' },
  U: { color: 'yellow', label: 'U' },
  '?': { color: 'gray', label: '?' },
};

export function ModifierBadge({ modifier }: { modifier: DiffModifier }) {
  const { t } = useTranslation();
  const s = MODIFIER_STYLE[modifier];
  return (
    <Tooltip
      label={t(
        `diff.modifiers.${modifier === '+' ? 'added' : modifier === '-' ? 'removed' : modifier === '?' ? 'unknown' : modifier}`,
      )}
    >
      <Badge
        size="xs"
        color={s.color}
        variant="light"
        w={22}
        px={0}
        style={{ flexShrink: 0 }}
        data-modifier={modifier}
        radius="xs"
      >
        {s.label}
      </Badge>
    </Tooltip>
  );
}

function Stat({
  label,
  value,
  color,
  testId,
  hint,
}: {
  label: string;
  value: string;
  color?: string;
  testId: string;
  hint?: string;
}) {
  // Colour only what is non-zero: a red "0" reads like an alarm.
  const shown = value === '0' || value === '0 B' || value === '—' ? 'dimmed' : color;
  return (
    <Paper withBorder px="xs" py={4} title={hint}>
      <Text size="10px" c="dimmed" tt="uppercase" fw={600} lts={0.3}>
        {label}
      </Text>
      <Text size="sm" fw={600} c={shown} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

export function DiffView({ repoId, from, to }: { repoId: string; from: Snapshot; to: Snapshot }) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState(0);
  const diff = useDiffStream(repoId, from.id, to.id, attempt);
  const [text, setText] = useState('');
  const [kinds, setKinds] = useState<string[]>([]);
  const [mode, setMode] = useState<'list' | 'tree'>('list');
  // The change whose two versions are shown (a path as restic printed it; folders end in '/').
  const [picked, setPicked] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  // The array grows in place while the diff streams: `received` is what changed.
  const { changes, received } = diff;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const counts = useMemo(() => countModifiers(changes), [changes, received]);
  const shown = useMemo(
    () => filterChanges(changes, text, new Set(kinds as DiffModifier[])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [changes, received, text, kinds],
  );

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });

  const direction = (
    <Group gap={6} wrap="nowrap" data-testid="diff-direction">
      <Text size="xs" c="dimmed">
        {t('diff.from')}
      </Text>
      <Text size="xs" ff="monospace" fw={600}>
        {from.shortId}
      </Text>
      <LocalTime iso={from.time} size="xs" />
      <Text size="xs" c="dimmed">
        → {t('diff.to')}
      </Text>
      <Text size="xs" ff="monospace" fw={600}>
        {to.shortId}
      </Text>
      <LocalTime iso={to.time} size="xs" />
    </Group>
  );

  if (diff.error)
    return (
      <Stack gap={6}>
        {direction}
        <ErrorAlert error={diff.error} title={t('diff.failed')} onRetry={() => setAttempt((a) => a + 1)} />
      </Stack>
    );
  if (received === 0 && !diff.reply) {
    return (
      <Stack gap={6} data-testid="diff-loading" aria-busy="true">
        {direction}
        <Text size="xs" c="dimmed">
          {t('diff.loading')}
        </Text>
        <SimpleGrid cols={6} spacing={6}>
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} height={44} />
          ))}
        </SimpleGrid>
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} height={18} />
        ))}
      </Stack>
    );
  }
  const stats = diff.reply?.stats;
  const truncated = diff.reply?.truncated ?? false;
  const streaming = !diff.complete;
  // The tree selects by clean path; find the change line it stands for.
  const pickedChange = picked
    ? (changes.find((c) => c.path === picked || c.path === `${picked}/`) ?? null)
    : null;
  return (
    <Stack
      gap={6}
      style={{ flex: 1, minHeight: 0 }}
      data-testid="diff-view"
      aria-busy={streaming}
      data-complete={diff.complete}
    >
      {direction}
      {diff.reply ? (
        <CommandLine command={diff.reply.command} testId="diff-command" />
      ) : (
        <Text size="xs" c="dimmed" data-testid="diff-receiving">
          {t('diff.receiving', { count: formatCount(received) })}
        </Text>
      )}
      <SimpleGrid cols={{ base: 3, lg: 6 }} spacing={6} data-testid="diff-stats">
        <Stat label={t('diff.stats.changes')} value={formatCount(received)} testId="diff-stat-changes" />
        <Stat
          label={t('diff.stats.changedFiles')}
          value={formatCount(stats?.changedFiles)}
          testId="diff-stat-changed-files"
        />
        <Stat
          label={t('diff.stats.filesAdded')}
          value={formatCount(stats?.added.files)}
          color="green"
          testId="diff-stat-files-added"
        />
        <Stat
          label={t('diff.stats.filesRemoved')}
          value={formatCount(stats?.removed.files)}
          color="red"
          testId="diff-stat-files-removed"
        />
        <Stat
          label={t('diff.stats.bytesAdded')}
          value={formatBytes(stats?.added.bytes)}
          color="green"
          testId="diff-stat-bytes-added"
          hint={t('diff.stats.bytesHint')}
        />
        <Stat
          label={t('diff.stats.bytesRemoved')}
          value={formatBytes(stats?.removed.bytes)}
          color="red"
          testId="diff-stat-bytes-removed"
          hint={t('diff.stats.bytesHint')}
        />
      </SimpleGrid>
      {!stats && !streaming && (
        <Text size="xs" c="dimmed">
          {t('diff.noStats')}
        </Text>
      )}
      {truncated && (
        <Alert color="yellow" variant="light" py={6} data-testid="diff-truncated">
          <Text size="xs">{t('diff.truncated', { count: received })}</Text>
        </Alert>
      )}
      <Group gap={6} wrap="wrap">
        <TextInput
          aria-label={t('diff.filterPath')}
          placeholder={t('diff.filterPath')}
          leftSection={<IconSearch size={14} />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          w={260}
          data-testid="diff-filter"
        />
        <Chip.Group multiple value={kinds} onChange={setKinds}>
          <Group gap={4} role="group" aria-label={t('diff.filterKinds')}>
            {MODIFIERS.filter((m) => counts[m] > 0 || kinds.includes(m)).map((m) => (
              <Chip
                key={m}
                value={m}
                size="xs"
                variant="light"
                color={MODIFIER_STYLE[m].color}
                data-testid={`diff-kind-${m === '-' ? 'minus' : m === '+' ? 'plus' : m}`}
              >
                {MODIFIER_STYLE[m].label} {formatCount(counts[m])}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Text size="xs" c="dimmed" data-testid="diff-shown">
          {t('diff.shown', { shown: formatCount(shown.length), count: formatCount(received) })}
        </Text>
        <SegmentedControl
          ml="auto"
          value={mode}
          onChange={(v) => setMode(v as 'list' | 'tree')}
          data={[
            {
              value: 'list',
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconList size={12} />
                  {t('diffTree.list')}
                </Group>
              ),
            },
            {
              value: 'tree',
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconBinaryTree2 size={12} />
                  {t('diffTree.tree')}
                </Group>
              ),
            },
          ]}
          aria-label={t('diffTree.view')}
          data-testid="diff-mode"
        />
      </Group>
      <Group gap={6} align="stretch" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
        {mode === 'tree' ? (
          <DiffTree changes={shown} selected={picked} onSelect={setPicked} />
        ) : (
          <div className="rfc-scroller" ref={scrollRef} data-testid="diff-scroller">
            {shown.length === 0 ? (
              <Text size="xs" c="dimmed" ta="center" py="md" data-testid="diff-empty">
                {received
                  ? t('diff.noMatch')
                  : streaming
                    ? t('diff.receiving', { count: 0 })
                    : t('diff.identical')}
              </Text>
            ) : (
              <div
                role="list"
                aria-label={t('diff.listLabel')}
                style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
              >
                {virtualizer.getVirtualItems().map((v) => {
                  const c = shown[v.index];
                  if (!c) return null;
                  const path = displaySafe(c.path);
                  return (
                    <div
                      key={`${c.modifier}${c.path}`}
                      role="listitem"
                      className="rfc-list-row rfc-tree-row"
                      aria-selected={picked === c.path}
                      data-testid="diff-change"
                      data-modifier={c.modifier}
                      data-path={c.path}
                      onClick={() => setPicked(c.path)}
                      style={{
                        position: 'absolute',
                        top: 0,
                        left: 0,
                        right: 0,
                        height: ROW,
                        transform: `translateY(${v.start}px)`,
                        gridTemplateColumns: '22px minmax(0, 1fr)',
                      }}
                    >
                      <ModifierBadge modifier={c.modifier} />
                      <span className="rfc-mono" title={path}>
                        {path}
                      </span>
                    </div>
                  );
                })}
              </div>
            )}
          </div>
        )}
        {picked && (
          <ChangeDetails
            key={picked}
            repoId={repoId}
            from={from}
            to={to}
            path={pickedChange?.path ?? picked}
            modifier={pickedChange?.modifier ?? null}
            onClose={() => setPicked(null)}
          />
        )}
      </Group>
    </Stack>
  );
}

/**
 * Step 4: what the restore would do on the target, computed for real by
 * the core (restic's dry run, or the snapshot listing against the target).
 * Items can be unticked (they go as `excluded`); the options the target's
 * restic cannot do are disabled with the reason.
 */
import { useMemo, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { IconInfoCircle, IconSearch } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import {
  displaySafe,
  formatBytes,
  formatCount,
  type PreviewAction,
  type RestoreCapabilities,
  type RestorePreview,
} from '../../../../shared';
import { CommandLine } from '../../components/CommandLine';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableSkeleton } from '../../components/TableSkeleton';
import { useRestoreDraft } from './draftStore';
import { StepNav } from './parts';
import {
  effectiveTotals,
  excludedPaths,
  filterItems,
  elideMiddle,
  itemKey,
  PREVIEW_ACTIONS,
  setMany,
} from './previewModel';
import type { useRestorePreview } from './queries';

export const ACTION_COLOR: Record<PreviewAction, string> = {
  create: 'teal',
  overwrite: 'orange',
  delete: 'red',
  unchanged: 'gray',
};

const ROW = 26;
const GRID = '28px 96px minmax(0, 1fr) minmax(0, 1fr) 90px';

export function PreviewStep({
  preview,
  caps,
  archive,
  onBack,
  onNext,
}: {
  preview: ReturnType<typeof useRestorePreview>;
  /** The target host's restic (known before the preview, so the request only asks for what it can do). */
  caps: RestoreCapabilities | null;
  archive: boolean;
  onBack(): void;
  onNext(): void;
}) {
  const { t } = useTranslation();
  const data = preview.data;
  const blocked = preview.isPending
    ? t('restore.preview.blocked.pending')
    : preview.isError
      ? t('restore.preview.blocked.error')
      : null;
  return (
    <Stack gap="sm" data-testid="restore-step-preview">
      {!archive && <OptionsPanel caps={caps ?? data?.capabilities ?? null} />}
      {preview.isError && <ErrorAlert error={preview.error} onRetry={() => void preview.refetch()} />}
      {preview.isPending && (
        <Stack gap={4}>
          <Text size="xs" c="dimmed" data-testid="restore-preview-pending">
            {t('restore.preview.computing')}
          </Text>
          <TableSkeleton rows={6} label={t('restore.loading')} />
        </Stack>
      )}
      {data && <PreviewBody preview={data} refreshing={preview.isFetching} />}
      <StepNav onBack={onBack} onNext={onNext} blocked={blocked} />
    </Stack>
  );
}

function reasonOf(caps: RestoreCapabilities | null, key: keyof Omit<RestoreCapabilities, 'resticVersion'>) {
  if (!caps || caps[key].supported) return null;
  return caps[key].reason ?? '';
}

function OptionsPanel({ caps }: { caps: RestoreCapabilities | null }) {
  const { t } = useTranslation();
  const { draft, patch } = useRestoreDraft();
  const overwriteOff = reasonOf(caps, 'overwrite');
  const deleteOff = reasonOf(caps, 'delete');
  const verifyOff = reasonOf(caps, 'verify');
  const limitOff = reasonOf(caps, 'limitDownload');
  const why = (reason: string | null) =>
    reason === null
      ? undefined
      : t('restore.options.unsupported', { reason: reason || t('restore.options.noReason') });
  return (
    <Paper withBorder p="xs" data-testid="restore-options">
      {/* Three even columns: a long "not available: …" reason wraps in its own column. */}
      <SimpleGrid cols={3} spacing="lg">
        <Select
          size="xs"
          label={t('restore.options.overwrite')}
          data={(['always', 'if-changed', 'if-newer', 'never'] as const).map((v) => ({
            value: v,
            label: t(`restore.options.policy.${v}`),
          }))}
          value={overwriteOff !== null ? 'always' : draft.overwrite}
          onChange={(v) => v && patch({ overwrite: v as typeof draft.overwrite })}
          disabled={overwriteOff !== null}
          description={why(overwriteOff)}
          allowDeselect={false}
          data-testid="restore-opt-overwrite"
        />
        <Stack gap={6}>
          <Switch
            size="xs"
            label={t('restore.options.delete')}
            description={why(deleteOff) ?? t('restore.options.deleteHelp')}
            checked={deleteOff === null && draft.deleteExtra}
            disabled={deleteOff !== null}
            onChange={(e) => patch({ deleteExtra: e.currentTarget.checked })}
            color="red"
            data-testid="restore-opt-delete"
          />
          <Switch
            size="xs"
            label={t('restore.options.verify')}
            description={why(verifyOff) ?? t('restore.options.verifyHelp')}
            checked={verifyOff === null && draft.verify}
            disabled={verifyOff !== null}
            onChange={(e) => patch({ verify: e.currentTarget.checked })}
            data-testid="restore-opt-verify"
          />
        </Stack>
        <Stack gap={4}>
          <NumberInput
            size="xs"
            label={t('restore.options.limit')}
            description={why(limitOff) ?? t('restore.options.limitHelp')}
            value={draft.limitKiB ?? ''}
            onChange={(v) => patch({ limitKiB: typeof v === 'number' && v >= 1 ? Math.floor(v) : null })}
            min={1}
            max={10_000_000}
            allowDecimal={false}
            disabled={limitOff !== null}
            suffix=" KiB/s"
            placeholder={t('restore.options.noLimit')}
            data-testid="restore-opt-limit"
          />
          {caps && (
            <Text size="xs" c="dimmed">
              {t('restore.options.resticVersion', { version: caps.resticVersion })}
            </Text>
          )}
        </Stack>
      </SimpleGrid>
    </Paper>
  );
}

function PreviewBody({ preview, refreshing }: { preview: RestorePreview; refreshing: boolean }) {
  const { t } = useTranslation();
  const { draft, patch } = useRestoreDraft();
  const unticked = useMemo(() => new Set(draft.unticked), [draft.unticked]);
  const [actions, setActions] = useState<Set<PreviewAction>>(
    () => new Set(['create', 'overwrite', 'delete']),
  );
  const [text, setText] = useState('');
  const [folders, setFolders] = useState(false);
  const shown = useMemo(
    () => filterItems(preview.items, { actions, text, folders }),
    [preview.items, actions, text, folders],
  );
  const totals = effectiveTotals(preview, unticked);
  const excluded = excludedPaths(preview.items, unticked);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const shownTicked = shown.filter((i) => !unticked.has(itemKey(i))).length;
  const toggleAction = (a: PreviewAction) =>
    setActions((prev) => {
      const next = new Set(prev);
      if (next.has(a)) next.delete(a);
      else next.add(a);
      return next;
    });

  return (
    <Stack
      gap="xs"
      style={{ opacity: refreshing ? 0.6 : 1 }}
      data-testid="restore-preview"
      data-method={preview.method}
    >
      <Text size="xs" c="dimmed">
        {t(`restore.preview.method.${preview.method}`, { host: preview.targetHost })}
      </Text>
      {preview.warnings.map((w) => (
        <Alert key={w} color="yellow" variant="light" py={6} icon={<IconInfoCircle size={16} />}>
          {w}
        </Alert>
      ))}
      <SimpleGrid cols={4} spacing="xs">
        {PREVIEW_ACTIONS.map((a) => (
          <UnstyledButton
            key={a}
            onClick={() => toggleAction(a)}
            aria-pressed={actions.has(a)}
            data-testid={`restore-total-${a}`}
            data-files={totals[a].files}
          >
            <Paper
              withBorder
              p={6}
              style={{
                borderColor: actions.has(a) ? `var(--mantine-color-${ACTION_COLOR[a]}-5)` : undefined,
                opacity: actions.has(a) ? 1 : 0.6,
              }}
            >
              <Group gap={6} justify="space-between" wrap="nowrap">
                <Badge color={ACTION_COLOR[a]} variant="light" size="sm">
                  {t(`restore.preview.action.${a}`)}
                </Badge>
                <Text size="xs" c="dimmed">
                  {actions.has(a) ? t('restore.preview.shown') : t('restore.preview.hidden')}
                </Text>
              </Group>
              <Text size="sm" fw={600} mt={2} style={{ fontVariantNumeric: 'tabular-nums' }}>
                {t('restore.preview.files', { count: totals[a].files, n: formatCount(totals[a].files) })} ·{' '}
                {formatBytes(totals[a].bytes)}
              </Text>
            </Paper>
          </UnstyledButton>
        ))}
      </SimpleGrid>
      <Group gap="xs" justify="space-between">
        <Group gap="md">
          <TextInput
            size="xs"
            w={320}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            placeholder={t('restore.preview.filter')}
            aria-label={t('restore.preview.filter')}
            leftSection={<IconSearch size={14} />}
            data-testid="restore-preview-filter"
          />
          <Checkbox
            size="xs"
            label={t('restore.preview.showFolders')}
            checked={folders}
            onChange={(e) => setFolders(e.currentTarget.checked)}
            data-testid="restore-preview-folders"
          />
        </Group>
        <Text size="xs" c="dimmed" data-testid="restore-preview-shown">
          {t('restore.preview.showing', {
            shown: formatCount(shown.length),
            all: formatCount(preview.items.length),
          })}
          {unticked.size > 0 && ` · ${t('restore.preview.unticked', { count: unticked.size })}`}
        </Text>
      </Group>
      {preview.truncated && (
        <Text size="xs" c="orange">
          {t('restore.preview.truncated', { n: formatCount(preview.items.length) })}
        </Text>
      )}
      <Paper withBorder>
        <div
          role="row"
          style={{
            display: 'grid',
            gridTemplateColumns: GRID,
            gap: 8,
            padding: '4px 8px',
            borderBottom: '1px solid var(--mantine-color-default-border)',
            alignItems: 'center',
          }}
        >
          <Checkbox
            size="xs"
            checked={shown.length > 0 && shownTicked === shown.length}
            indeterminate={shownTicked > 0 && shownTicked < shown.length}
            onChange={(e) => patch({ unticked: [...setMany(unticked, shown, e.currentTarget.checked)] })}
            aria-label={t('restore.preview.tickAll')}
            data-testid="restore-preview-tick-all"
          />
          <Text size="xs" fw={600}>
            {t('restore.preview.col.action')}
          </Text>
          <Text size="xs" fw={600}>
            {t('restore.preview.col.path')}
          </Text>
          <Text size="xs" fw={600}>
            {t('restore.preview.col.target')}
          </Text>
          <Text size="xs" fw={600} ta="right">
            {t('restore.preview.col.size')}
          </Text>
        </div>
        <div
          ref={scrollRef}
          className="rfc-scroller"
          style={{ height: 300, overflow: 'auto' }}
          data-testid="restore-preview-items"
        >
          {shown.length === 0 && (
            <Text size="xs" c="dimmed" p="xs">
              {preview.items.length === 0 ? t('restore.preview.nothingToDo') : t('restore.preview.noneShown')}
            </Text>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const item = shown[v.index]!;
              const key = itemKey(item);
              const ticked = !unticked.has(key);
              return (
                <div
                  key={key}
                  data-testid="restore-preview-item"
                  data-path={item.path}
                  data-action={item.action}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW,
                    transform: `translateY(${v.start}px)`,
                    display: 'grid',
                    gridTemplateColumns: GRID,
                    gap: 8,
                    padding: '0 8px',
                    alignItems: 'center',
                    opacity: ticked ? 1 : 0.5,
                  }}
                >
                  <Checkbox
                    size="xs"
                    checked={ticked}
                    onChange={() => {
                      const next = new Set(unticked);
                      if (ticked) next.add(key);
                      else next.delete(key);
                      patch({ unticked: [...next] });
                    }}
                    aria-label={t('restore.preview.tickItem', { path: displaySafe(item.path) })}
                    data-testid="restore-preview-tick"
                  />
                  <Badge color={ACTION_COLOR[item.action]} variant="light" size="xs">
                    {t(`restore.preview.action.${item.action}`)}
                  </Badge>
                  <Text
                    size="xs"
                    ff="monospace"
                    truncate
                    title={displaySafe(item.path)}
                    td={ticked ? undefined : 'line-through'}
                  >
                    {displaySafe(elideMiddle(item.path, 60))}
                  </Text>
                  <Text size="xs" ff="monospace" c="dimmed" truncate title={displaySafe(item.targetPath)}>
                    {displaySafe(elideMiddle(item.targetPath, 60))}
                  </Text>
                  <Text size="xs" ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {item.type === 'dir' ? t('restore.preview.folder') : formatBytes(item.size)}
                  </Text>
                </div>
              );
            })}
          </div>
        </div>
      </Paper>
      <CommandLine command={preview.command} testId="restore-preview-command" />
      {excluded.length > 0 && (
        <Tooltip label={excluded.map(displaySafe).join('\n')} multiline maw={520}>
          <Text size="xs" c="dimmed" data-testid="restore-preview-excluded">
            {t('restore.preview.plusExcludes', { count: excluded.length })}
          </Text>
        </Tooltip>
      )}
    </Stack>
  );
}

/**
 * Step 2: the whole snapshot, or files and folders ticked in its tree
 * (search by name with restic find), with a running count of what is ticked.
 */
import { useCallback, useMemo, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  ScrollArea,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconSearch, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { displaySafe, formatBytes, formatCount, type LsNode, type Snapshot } from '../../../../shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useSnapshotFind } from '../../queries/hooks';
import { findPattern, revealExpansion, type LsState } from '../snapshots/treeModel';
import { useRestoreDraft } from './draftStore';
import { StepNav } from './parts';
import { countSelection, normalizeSelection, shortPath, tickState, toggle } from './selectionModel';
import { initialExpansion, SelectionTree } from './SelectionTree';

export function SelectionStep({
  snapshot,
  onBack,
  onNext,
}: {
  snapshot: Snapshot;
  onBack(): void;
  onNext(): void;
}) {
  const { t } = useTranslation();
  const { draft, patch } = useRestoreDraft();
  const repoId = draft.repoId!;
  const selection = useMemo(() => new Set(draft.selection), [draft.selection]);
  const [expanded, setExpanded] = useState<Set<string>>(() => initialExpansion(snapshot, draft.selection));
  const [known, setKnown] = useState<ReadonlyMap<string, LsNode>>(new Map());
  const [findText, setFindText] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const find = useSnapshotFind(repoId, snapshot.id, query, true);
  const matches = find.data?.results.flatMap((r) => r.matches) ?? [];

  const setSelection = (next: Iterable<string>) => patch({ selection: normalizeSelection(next) });
  const onToggle = (path: string, listings: ReadonlyMap<string, LsState>) => {
    const childrenOf = (dir: string) => {
      const state = listings.get(dir);
      return state?.status === 'success' ? state.nodes.map((n) => n.path) : null;
    };
    setSelection(toggle(selection, path, childrenOf));
  };
  const onNodes = useCallback((nodes: ReadonlyMap<string, LsNode>) => setKnown(nodes), []);
  const info = (path: string) => known.get(path) ?? matches.find((m) => m.path === path);
  const count = countSelection(draft.selection, info);

  const blocked =
    !draft.wholeSnapshot && draft.selection.length === 0 ? t('restore.selection.blocked') : null;

  return (
    <Stack gap="sm" data-testid="restore-step-selection">
      <Group gap="sm">
        <SegmentedControl
          size="xs"
          value={draft.wholeSnapshot ? 'whole' : 'pick'}
          onChange={(v) => patch({ wholeSnapshot: v === 'whole' })}
          data={[
            { value: 'whole', label: t('restore.selection.whole') },
            { value: 'pick', label: t('restore.selection.pick') },
          ]}
          data-testid="restore-selection-mode"
        />
        <Text size="xs" c="dimmed">
          {t('restore.selection.from', {
            id: snapshot.shortId,
            paths: snapshot.paths.map(displaySafe).join(', '),
          })}
        </Text>
      </Group>
      {draft.wholeSnapshot ? (
        <Paper withBorder p="sm">
          <Text size="sm">{t('restore.selection.wholeExplained')}</Text>
          <Stack gap={2} mt={6}>
            {snapshot.paths.map((p) => (
              <Text key={p} size="xs" ff="monospace">
                {displaySafe(p)}
              </Text>
            ))}
          </Stack>
        </Paper>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
          <Stack gap={6}>
            <SelectionTree
              repoId={repoId}
              snapshot={snapshot}
              selection={selection}
              onToggle={onToggle}
              expanded={expanded}
              setExpanded={setExpanded}
              onNodes={onNodes}
            />
            <Text size="xs" c="dimmed">
              {t('restore.selection.keys')}
            </Text>
          </Stack>
          <Stack gap={6}>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setQuery(findText.trim() ? findPattern(findText) : null);
              }}
            >
              <Group gap={6} wrap="nowrap">
                <TextInput
                  size="xs"
                  style={{ flex: 1 }}
                  value={findText}
                  onChange={(e) => setFindText(e.currentTarget.value)}
                  placeholder={t('restore.selection.findPlaceholder')}
                  aria-label={t('restore.selection.find')}
                  leftSection={<IconSearch size={14} />}
                  data-testid="restore-find-input"
                />
                <Button
                  size="xs"
                  type="submit"
                  variant="default"
                  loading={find.isFetching}
                  data-testid="restore-find"
                >
                  {t('restore.selection.find')}
                </Button>
              </Group>
            </form>
            {find.isError && <ErrorAlert error={find.error} />}
            {query !== null && find.data && (
              <Paper withBorder>
                <ScrollArea.Autosize mah={150} type="auto" scrollbars="y">
                  <Stack gap={0} p={4} data-testid="restore-find-results">
                    {matches.length === 0 && (
                      <Text size="xs" c="dimmed" p={4}>
                        {t('restore.selection.noMatches')}
                      </Text>
                    )}
                    {matches.map((m) => (
                      <Group
                        key={m.path}
                        gap={6}
                        wrap="nowrap"
                        px={4}
                        py={2}
                        data-testid="restore-find-match"
                        data-path={m.path}
                      >
                        <Checkbox
                          size="xs"
                          checked={tickState(selection, m.path) === 'checked'}
                          onChange={(e) => {
                            if (e.currentTarget.checked) setSelection([...selection, m.path]);
                            else setSelection([...selection].filter((p) => p !== m.path));
                          }}
                          aria-label={t('restore.selection.tick', { name: displaySafe(m.path) })}
                        />
                        <Text
                          size="xs"
                          truncate
                          style={{ flex: 1, minWidth: 0, cursor: 'pointer' }}
                          title={t('restore.selection.showInTree')}
                          onClick={() => setExpanded(new Set([...expanded, ...revealExpansion(m.path)]))}
                        >
                          {displaySafe(shortPath(m.path, snapshot.paths))}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {m.type === 'dir' ? t('restore.selection.folder') : formatBytes(m.size)}
                        </Text>
                      </Group>
                    ))}
                    {find.data.truncated && (
                      <Text size="xs" c="dimmed" p={4}>
                        {t('restore.selection.findTruncated')}
                      </Text>
                    )}
                  </Stack>
                </ScrollArea.Autosize>
              </Paper>
            )}
            <Paper withBorder p={6}>
              <Group justify="space-between" mb={4}>
                <Text size="xs" fw={600} data-testid="restore-selection-count" data-entries={count.entries}>
                  {t('restore.selection.count', {
                    entries: formatCount(count.entries),
                    files: formatCount(count.files),
                    folders: formatCount(count.folders),
                    bytes: formatBytes(count.bytes),
                  })}
                </Text>
                {count.entries > 0 && (
                  <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setSelection([])}>
                    {t('restore.selection.clear')}
                  </Button>
                )}
              </Group>
              <ScrollArea.Autosize mah={170} type="auto" scrollbars="y">
                <Stack gap={2} data-testid="restore-selection-list">
                  {draft.selection.map((p) => (
                    <Group key={p} gap={4} wrap="nowrap" data-testid="restore-selection-item" data-path={p}>
                      <Badge size="xs" variant="light" color={info(p)?.type === 'dir' ? 'indigo' : 'gray'}>
                        {info(p)?.type === 'dir'
                          ? t('restore.selection.folder')
                          : t('restore.selection.file')}
                      </Badge>
                      <Text
                        size="xs"
                        ff="monospace"
                        truncate
                        style={{ flex: 1, minWidth: 0 }}
                        title={displaySafe(p)}
                      >
                        {displaySafe(shortPath(p, snapshot.paths))}
                      </Text>
                      <Tooltip label={t('restore.selection.remove')}>
                        <ActionIcon
                          size="xs"
                          variant="subtle"
                          color="gray"
                          onClick={() => setSelection(draft.selection.filter((x) => x !== p))}
                          aria-label={t('restore.selection.remove')}
                        >
                          <IconX size={12} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  ))}
                  {draft.selection.length === 0 && (
                    <Text size="xs" c="dimmed">
                      {t('restore.selection.nothing')}
                    </Text>
                  )}
                </Stack>
              </ScrollArea.Autosize>
            </Paper>
          </Stack>
        </SimpleGrid>
      )}
      <StepNav onBack={onBack} onNext={onNext} blocked={blocked} />
    </Stack>
  );
}

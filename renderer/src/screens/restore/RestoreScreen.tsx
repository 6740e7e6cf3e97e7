/**
 * The restore screen: the wizard, the history of restores, and restore
 * drills (their panel comes from the drills work; the tab shows once it
 * exists). Opening the screen re-attaches to a restore still running
 * (restore.list active), and takes a snapshot handed over by "Restore…".
 */
import { useEffect, useRef, useState, type ComponentType } from 'react';
import { Group, Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBusinesses, useRepos, useSnapshots } from '../../queries/hooks';
import { useUiStore, type RestoreSeed } from '../../state/uiStore';
import { useRestoreDraft } from './draftStore';
import { HistoryPanel } from './HistoryPanel';
import { useRestoreJobSync, useRestoreList } from './queries';
import { NO_BUSINESS } from './SourceStep';
import { Wizard } from './Wizard';

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { eager: true }): Record<string, T>;
  }
}

/**
 * The drills panel is built alongside this screen in its own file; Vite
 * resolves the glob at build time, so the tab appears once the file exists
 * and the screen builds either way.
 */
type DrillsModule = { DrillsPanel?: ComponentType; default?: ComponentType };
const drillsModules = import.meta.glob<DrillsModule>('./DrillsPanel.tsx', { eager: true });
const DrillsPanel: ComponentType | null = (() => {
  const mod = Object.values(drillsModules)[0];
  return mod?.DrillsPanel ?? mod?.default ?? null;
})();

type Tab = 'wizard' | 'history' | 'drills';

export function RestoreScreen() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('wizard');
  const [seed] = useState<RestoreSeed | null>(() => useUiStore.getState().takeRestoreSeed());
  useRestoreJobSync();
  useReattach(seed === null);
  useSeed(seed);
  return (
    <Stack gap="sm" p="md" data-testid="screen-restore">
      <Group justify="space-between">
        <Title order={3}>{t('restore.title')}</Title>
      </Group>
      <Tabs value={tab} onChange={(v) => setTab((v as Tab) ?? 'wizard')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="wizard" data-testid="restore-tab-wizard">
            {t('restore.tabs.wizard')}
          </Tabs.Tab>
          <Tabs.Tab value="history" data-testid="restore-tab-history">
            {t('restore.tabs.history')}
          </Tabs.Tab>
          {DrillsPanel && (
            <Tabs.Tab value="drills" data-testid="restore-tab-drills">
              {t('restore.tabs.drills')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="wizard" pt="sm">
          <Wizard />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="sm">
          <HistoryPanel onFollow={() => setTab('wizard')} />
        </Tabs.Panel>
        {DrillsPanel && (
          <Tabs.Panel value="drills" pt="sm">
            <DrillsPanel />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}

/**
 * A restore still running (this window was closed, or another one started
 * it): follow it, once, when the screen opens — unless the screen was opened
 * for a new restore ("Restore…" elsewhere); the running one is in History.
 */
function useReattach(enabled: boolean) {
  const active = useRestoreList(true, 5);
  const follow = useRestoreDraft((s) => s.follow);
  const done = useRef(!enabled);
  const newest = active.data?.[0]?.id ?? null;
  useEffect(() => {
    if (done.current || !active.isSuccess) return;
    done.current = true;
    if (newest !== null && useRestoreDraft.getState().restoreId === null) follow(newest);
  }, [active.isSuccess, newest, follow]);
}

/** "Restore…" from the snapshots screen: fill the source (and the ticked files) and go to the next step. */
function useSeed(seed: RestoreSeed | null) {
  const repos = useRepos();
  const businesses = useBusinesses();
  const snapshots = useSnapshots(seed?.repoId ?? null);
  const applied = useRef(false);
  useEffect(() => {
    if (!seed || applied.current || !repos.data || !businesses.data || !snapshots.data) return;
    const snapshot = snapshots.data.snapshots.find((s) => s.id === seed.snapshotId);
    const repo = repos.data.find((r) => r.id === seed.repoId);
    applied.current = true;
    if (!snapshot || !repo) return;
    const business =
      businesses.data.find((b) => b.id === repo.businessId) ??
      businesses.data.find((b) => b.name === repo.business);
    const store = useRestoreDraft.getState();
    if (store.restoreId !== null) store.reset(false);
    store.patch({
      businessId: business?.id ?? NO_BUSINESS,
      repoId: repo.id,
      hostname: snapshot.hostname,
      sourceMode: 'pick',
      snapshotId: snapshot.id,
      wholeSnapshot: seed.paths.length === 0,
      selection: seed.paths,
    });
    // Files handed over: their selection is done, the target comes next.
    store.setStep(seed.paths.length > 0 ? 2 : 1);
  }, [seed, repos.data, businesses.data, snapshots.data]);
}

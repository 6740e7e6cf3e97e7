/**
 * UI-only state (never server data): where the user is, what is selected,
 * filters, sort, theme and language. Persisted per browser profile so the
 * console opens where it was left; server state lives in React Query.
 */
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import type { CheckStatus, JobStatus } from '../../../shared';
import {
  EMPTY_SNAPSHOT_FILTERS,
  type SnapshotFilters,
  type SnapshotSort,
} from '../screens/snapshots/snapshotFilters';
import type { SnapshotGroupBy } from '../screens/snapshots/snapshotGroups';

export type Screen =
  | 'dailyCheck'
  | 'repositories'
  | 'repository'
  | 'snapshots'
  | 'businesses'
  | 'hosts'
  | 'plans'
  | 'jobs'
  | 'audit'
  | 'restore'
  | 'minio'
  | 'onboarding'
  | 'alerts';
/** The repository page's tabs. */
export type RepoTab = 'overview' | 'snapshots' | 'retention' | 'keys';
export type { SnapshotGroupBy };
export type CheckTab = 'board' | 'hosts' | 'items' | 'history';

export interface CheckItemFilters {
  statuses: CheckStatus[];
  /** Business keys (id, or '' for items of no business). */
  businesses: string[];
  /** Host keys (id, or '' for items of no host). */
  hosts: string[];
  kinds: string[];
  text: string;
}
export const EMPTY_CHECK_ITEM_FILTERS: CheckItemFilters = {
  statuses: [],
  businesses: [],
  hosts: [],
  kinds: [],
  text: '',
};

export interface JobFilters {
  statuses: JobStatus[];
  kind: string | null;
  target: string;
}
export const EMPTY_JOB_FILTERS: JobFilters = { statuses: [], kind: null, target: '' };

export interface AuditFilters {
  actor: string | null;
  action: string | null;
  /** Substring of the target. */
  target: string;
  result: 'succeeded' | 'failed' | 'denied' | null;
  /** Local calendar days `YYYY-MM-DD`, inclusive; '' means open-ended. */
  from: string;
  to: string;
}
export const EMPTY_AUDIT_FILTERS: AuditFilters = {
  actor: null,
  action: null,
  target: '',
  result: null,
  from: '',
  to: '',
};
/** What "Restore…" on a snapshot (or on ticked files in it) hands to the restore wizard. */
export interface RestoreSeed {
  repoId: string;
  snapshotId: string;
  /** Paths in the snapshot; empty: the whole snapshot. */
  paths: string[];
}
export type ThemeChoice = 'light' | 'dark' | 'auto';
export type Language = 'en' | 'zh-CN';

export interface UiState {
  screen: Screen;
  selectedRepoId: string | null;
  /** The highlighted row in the snapshots table (full snapshot id). */
  selectedSnapshotId: string | null;
  /** The snapshot open in the Snapshots screen. */
  openSnapshotId: string | null;
  snapshotFilters: SnapshotFilters;
  snapshotSort: SnapshotSort;
  snapshotGroupBy: SnapshotGroupBy;
  repoTab: RepoTab;
  theme: ThemeChoice;
  language: Language;
  /** The daily check shown; null follows the latest one. */
  selectedCheckId: string | null;
  /** The job of a daily check started from this window (its progress bar). */
  dailyCheckJobId: string | null;
  checkTab: CheckTab;
  checkItemFilters: CheckItemFilters;
  jobFilters: JobFilters;
  /** The job whose detail drawer is open. */
  openJobId: string | null;
  auditFilters: AuditFilters;
  /** Set by "Restore…" elsewhere; the restore wizard takes it (and clears it) when it opens. */
  restoreSeed: RestoreSeed | null;
  setScreen(screen: Screen): void;
  /** Open the restore wizard on a snapshot (and files in it). */
  startRestore(seed: RestoreSeed): void;
  takeRestoreSeed(): RestoreSeed | null;
  selectCheck(checkId: string | null): void;
  setDailyCheckJob(jobId: string | null): void;
  setCheckTab(tab: CheckTab): void;
  setCheckItemFilters(patch: Partial<CheckItemFilters>): void;
  setJobFilters(patch: Partial<JobFilters>): void;
  openJob(jobId: string | null): void;
  /** Jump to the Jobs screen with that job's detail open. */
  showJob(jobId: string): void;
  setAuditFilters(patch: Partial<AuditFilters>): void;
  selectRepo(repoId: string | null): void;
  selectSnapshot(snapshotId: string | null): void;
  openSnapshot(repoId: string, snapshotId: string): void;
  setSnapshotFilters(patch: Partial<SnapshotFilters>): void;
  resetSnapshotFilters(): void;
  setSnapshotSort(sort: SnapshotSort): void;
  setSnapshotGroupBy(groupBy: SnapshotGroupBy): void;
  /** Open a repository's page (on a tab). */
  openRepo(repoId: string, tab?: RepoTab): void;
  setRepoTab(tab: RepoTab): void;
  setTheme(theme: ThemeChoice): void;
  setLanguage(language: Language): void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set, get) => ({
      screen: 'repositories',
      selectedRepoId: null,
      selectedSnapshotId: null,
      openSnapshotId: null,
      snapshotFilters: EMPTY_SNAPSHOT_FILTERS,
      snapshotSort: [{ id: 'time', desc: true }],
      snapshotGroupBy: 'none',
      repoTab: 'overview',
      theme: 'auto',
      language: 'en',
      selectedCheckId: null,
      dailyCheckJobId: null,
      checkTab: 'board',
      checkItemFilters: EMPTY_CHECK_ITEM_FILTERS,
      jobFilters: EMPTY_JOB_FILTERS,
      openJobId: null,
      auditFilters: EMPTY_AUDIT_FILTERS,
      restoreSeed: null,
      setScreen: (screen) => set({ screen }),
      startRestore: (restoreSeed) => set({ restoreSeed, screen: 'restore' }),
      takeRestoreSeed: () => {
        const seed = get().restoreSeed;
        if (seed) set({ restoreSeed: null });
        return seed;
      },
      selectCheck: (selectedCheckId) => set({ selectedCheckId }),
      setDailyCheckJob: (dailyCheckJobId) => set({ dailyCheckJobId }),
      setCheckTab: (checkTab) => set({ checkTab }),
      setCheckItemFilters: (patch) => set((s) => ({ checkItemFilters: { ...s.checkItemFilters, ...patch } })),
      setJobFilters: (patch) => set((s) => ({ jobFilters: { ...s.jobFilters, ...patch } })),
      openJob: (openJobId) => set({ openJobId }),
      showJob: (jobId) => set({ screen: 'jobs', openJobId: jobId }),
      setAuditFilters: (patch) => set((s) => ({ auditFilters: { ...s.auditFilters, ...patch } })),
      selectRepo: (repoId) =>
        set((s) =>
          s.selectedRepoId === repoId
            ? {}
            : {
                selectedRepoId: repoId,
                selectedSnapshotId: null,
                openSnapshotId: null,
                snapshotFilters: EMPTY_SNAPSHOT_FILTERS,
              },
        ),
      selectSnapshot: (snapshotId) => set({ selectedSnapshotId: snapshotId }),
      openSnapshot: (repoId, snapshotId) =>
        set((s) => ({
          selectedRepoId: repoId,
          selectedSnapshotId: snapshotId,
          openSnapshotId: snapshotId,
          screen: 'snapshots',
          snapshotFilters: s.selectedRepoId === repoId ? s.snapshotFilters : EMPTY_SNAPSHOT_FILTERS,
        })),
      setSnapshotFilters: (patch) => set((s) => ({ snapshotFilters: { ...s.snapshotFilters, ...patch } })),
      resetSnapshotFilters: () => set({ snapshotFilters: EMPTY_SNAPSHOT_FILTERS }),
      setSnapshotSort: (snapshotSort) => set({ snapshotSort }),
      setSnapshotGroupBy: (snapshotGroupBy) => set({ snapshotGroupBy }),
      openRepo: (repoId, tab) =>
        set((s) => ({
          screen: 'repository',
          repoTab: tab ?? s.repoTab,
          ...(s.selectedRepoId === repoId
            ? {}
            : {
                selectedRepoId: repoId,
                selectedSnapshotId: null,
                openSnapshotId: null,
                snapshotFilters: EMPTY_SNAPSHOT_FILTERS,
              }),
        })),
      setRepoTab: (repoTab) => set({ repoTab }),
      setTheme: (theme) => set({ theme }),
      setLanguage: (language) => set({ language }),
    }),
    {
      name: 'rfc.ui',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      // Only preferences survive a reload; selections are re-derived from live data.
      partialize: (s) => ({
        theme: s.theme,
        language: s.language,
        snapshotSort: s.snapshotSort,
        snapshotGroupBy: s.snapshotGroupBy,
        repoTab: s.repoTab,
        screen: s.screen,
        selectedRepoId: s.selectedRepoId,
        checkTab: s.checkTab,
      }),
    },
  ),
);

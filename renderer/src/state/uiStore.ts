/**
 * UI-only state (never server data): where the user is, what is selected,
 * filters, sort, theme and language. Persisted per browser profile so the
 * console opens where it was left; server state lives in React Query.
 */
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import {
  EMPTY_SNAPSHOT_FILTERS,
  type SnapshotFilters,
  type SnapshotSort,
} from '../screens/snapshots/snapshotFilters';

export type Screen = 'repositories' | 'snapshots';
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
  theme: ThemeChoice;
  language: Language;
  setScreen(screen: Screen): void;
  selectRepo(repoId: string | null): void;
  selectSnapshot(snapshotId: string | null): void;
  openSnapshot(repoId: string, snapshotId: string): void;
  setSnapshotFilters(patch: Partial<SnapshotFilters>): void;
  resetSnapshotFilters(): void;
  setSnapshotSort(sort: SnapshotSort): void;
  setTheme(theme: ThemeChoice): void;
  setLanguage(language: Language): void;
}

export const useUiStore = create<UiState>()(
  persist(
    (set) => ({
      screen: 'repositories',
      selectedRepoId: null,
      selectedSnapshotId: null,
      openSnapshotId: null,
      snapshotFilters: EMPTY_SNAPSHOT_FILTERS,
      snapshotSort: [{ id: 'time', desc: true }],
      theme: 'auto',
      language: 'en',
      setScreen: (screen) => set({ screen }),
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
        screen: s.screen,
        selectedRepoId: s.selectedRepoId,
      }),
    },
  ),
);
